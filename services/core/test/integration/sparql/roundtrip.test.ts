/**
 * Writes and reads back hostile data through the client against a real SPARQL endpoint over HTTP
 * (embedded oxigraph, or Virtuoso with TEST_SPARQL_BACKEND=virtuoso TEST_VIRTUOSO_URL=…).
 */
import type { Quad } from '@rdfjs/types';
import { v4 as uuid } from 'uuid';
import { canonicalTripleKey, literal, namedNode, quad, sparql, XSD } from '../../../src/index.js';
import { createSparqlClient, type Bindings, type SparqlClient } from '../../../src/sparql/index.js';
import { clearGraph, integrationEndpoint, startProxy, type IntegrationEndpoint, type TestProxy } from '../../support/sparql-endpoint.js';

const run = uuid();
const base = `http://example.org/test-${run}/`;
const graph = namedNode(`${base}graph`);
const P = namedNode(`${base}p`);
const typed = (value: string, datatype: string) => literal(value, namedNode(datatype));

const hostileStrings = [
  'double " quote',
  "single ' quote",
  'backslash \\ inside',
  'ends with a backslash \\',
  'escape-looking text \\n \\t \\u0022 \\"',
  'triple """ quotes """',
  '"""',
  "triple ''' singles",
  'line1\nline2\r\nline3\rline4',
  'tab\there',
  'control \u0001 \u001f \u007f characters',
  'emoji 🎉 👩‍👩‍👧 𝕏',
  'right-to-left עברית العربية',
  '# not a comment } . ; , <> ? $ @ { GRAPH',
  '  leading and trailing spaces  ',
  '',
  '\\',
  '"',
];

const objects = [
  ...hostileStrings.map((value) => literal(value)),
  literal('x'.repeat(1024 * 1024 - 7) + 'é"\\\n end'),
  literal('hallo wereld', 'nl-BE'),
  literal('hello', 'en'),
  literal('🎉 "quoted"', 'fr'),
  typed('42', XSD.integer),
  typed('-0012', XSD.integer),
  typed('1.50', XSD.decimal),
  typed('1.5e3', XSD.double),
  typed('true', XSD.boolean),
  typed('2024-01-03T02:00:00Z', XSD.dateTime),
  typed('2024-01-03T02:00:00.123Z', XSD.dateTime),
  typed('custom "lexical" \\ value', `${base}datatype`),
  namedNode('http://example.org/ü/é?q=ä&r=1#frag'),
  namedNode('http://例え.jp/日本語/パス'),
  namedNode('urn:uuid:6f1a2b3c-0000-4000-8000-000000000000'),
];

const quads: Quad[] = objects.map((object, index) => quad(namedNode(`${base}s${index}`), P, object, graph));
const keys = (triples: Iterable<Quad>) => new Set([...triples].map(canonicalTripleKey));
const rowsToQuads = (rows: Bindings[]) => rows.map((row) => quad(row.s as Quad['subject'], row.p as Quad['predicate'], row.o as Quad['object']));

let endpoint: IntegrationEndpoint;
let client: SparqlClient;

beforeAll(async () => {
  endpoint = await integrationEndpoint();
  client = createSparqlClient({ endpoint: endpoint.url });
});

afterAll(async () => {
  await clearGraph(client, graph);
  expect(await client.ask(sparql`ASK { GRAPH ${graph} { ?s ?p ?o } }`)).toBe(false);
  await endpoint.close();
});

describe(`round trip through a real endpoint`, () => {
  it('insertData writes every quad (duplicates removed) and select reads back equal terms', async () => {
    const report = await client.insertData([...quads, ...quads.slice(0, 5)], { batchSize: 10 });
    expect(report).toMatchObject({ requested: quads.length + 5, unique: quads.length, written: quads.length });

    const rows = await client.select(sparql`SELECT ?s ?p ?o WHERE { GRAPH ${graph} { ?s ?p ?o } }`);
    expect(rows).toHaveLength(quads.length);
    expect(keys(rowsToQuads(rows))).toEqual(keys(quads));
  });

  it('selectStream yields the same rows as select', async () => {
    const query = sparql`SELECT ?s ?p ?o WHERE { GRAPH ${graph} { ?s ?p ?o } }`;
    const streamed: Bindings[] = [];
    for await (const row of client.selectStream(query)) streamed.push(row);
    expect(keys(rowsToQuads(streamed))).toEqual(keys(quads));
  });

  it('construct returns the same triples', async () => {
    const triples = await client.construct(sparql`CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ${graph} { ?s ?p ?o } }`);
    expect(keys(triples)).toEqual(keys(quads));
  });

  it('ask, prefixed queries and updates', async () => {
    expect(await client.ask(sparql`ASK { GRAPH ${graph} { ?s ${P} ${literal('double " quote')} } }`)).toBe(true);
    expect(await client.ask(sparql`ASK { GRAPH ${graph} { ?s ${P} ${literal('absent')} } }`)).toBe(false);
    // `xsd:` is not declared here: withPrefixes adds it.
    const integers = await client.select(sparql`SELECT ?o WHERE { GRAPH ${graph} { ?s ${P} ?o FILTER(datatype(?o) = xsd:integer) } }`);
    expect(integers.map((row) => Number(row.o!.value)).sort((a, b) => a - b)).toEqual([-12, 42]);

    const subject = namedNode(`${base}s0`);
    await client.update(sparql`DELETE { GRAPH ${graph} { ${subject} ${P} ?o } } INSERT { GRAPH ${graph} { ${subject} ${P} ${literal('replaced')} } } WHERE { GRAPH ${graph} { ${subject} ${P} ?o } }`);
    const replaced = await client.select(sparql`SELECT ?o WHERE { GRAPH ${graph} { ${subject} ${P} ?o } }`);
    expect(replaced.map((row) => row.o!.value)).toEqual(['replaced']);

    const report = await client.deleteData([quad(subject, P, literal('replaced'), graph), quads[1]!]);
    expect(report.written).toBe(2);
    expect(await client.select(sparql`SELECT ?o WHERE { GRAPH ${graph} { ?s ${P} ?o } }`)).toHaveLength(quads.length - 2);
  });

  it('deleteData removes hostile literals exactly', async () => {
    const hostile = quads.filter((q) => q.object.termType === 'Literal').slice(2);
    await client.deleteData(hostile, { batchSize: 7 });
    const rows = await client.select(sparql`SELECT ?s ?p ?o WHERE { GRAPH ${graph} { ?s ?p ?o } }`);
    expect(rows.every((row) => row.o!.termType === 'NamedNode')).toBe(true);
  });
});

describe('request headers over HTTP', () => {
  let proxy: TestProxy;

  beforeAll(async () => {
    proxy = await startProxy(endpoint.url);
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('sends mu-auth-sudo: true only for sudo calls, and the mu-* headers given', async () => {
    const proxied = createSparqlClient({ endpoint: proxy.url, defaultHeaders: { 'X-Service': 'test' } });
    await proxied.ask('ASK { ?s ?p ?o }', { sudo: true, callId: '7', callScopeId: 'http://scope/x', sessionId: 'http://mu.semte.ch/sessions/1' });
    await proxied.ask('ASK { ?s ?p ?o }', { sudo: false, authScope: 'http://scope/y', allowedGroups: [{ name: 'public', variables: [] }] });
    await proxied.select('SELECT * WHERE { ?s ?p ?o } LIMIT 1');
    const [sudo, notSudo, plain] = proxy.seen;
    expect(sudo!.headers).toMatchObject({ 'mu-auth-sudo': 'true', 'mu-call-id': '7', 'mu-call-scope-id': 'http://scope/x', 'mu-session-id': 'http://mu.semte.ch/sessions/1', 'x-service': 'test' });
    expect(notSudo!.headers['mu-auth-sudo']).toBeUndefined();
    expect(notSudo!.headers).toMatchObject({ 'mu-auth-scope': 'http://scope/y', 'mu-auth-allowed-groups': '[{"name":"public","variables":[]}]' });
    expect(plain!.headers['mu-auth-sudo']).toBeUndefined();
    for (const request of proxy.seen) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(request.headers.accept).toBe('application/sparql-results+json');
      expect(new URLSearchParams(request.body.toString('utf8')).has('query')).toBe(true);
    }
  });

  it('sends updates as form update= and declares the prefixes used', async () => {
    const proxied = createSparqlClient({ endpoint: proxy.url });
    const before = proxy.seen.length;
    const scratch = namedNode(`${base}scratch`);
    await proxied.update(sparql`INSERT DATA { GRAPH ${scratch} { ${namedNode(`${base}x`)} mu:uuid ${literal('u')} } }`, { sudo: true });
    await clearGraph(proxied, scratch);
    const form = new URLSearchParams(proxy.seen[before]!.body.toString('utf8'));
    expect(form.get('update')).toMatch(/^PREFIX mu: <http:\/\/mu\.semte\.ch\/vocabularies\/core\/>\nINSERT DATA/);
  });
});
