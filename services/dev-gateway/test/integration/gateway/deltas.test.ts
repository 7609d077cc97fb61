/**
 * The gateway through real HTTP on a real store, with the real notifier delivering to a callback
 * server. Runs against the backend selected by TEST_SPARQL_BACKEND (embedded by default, or Virtuoso
 * at TEST_VIRTUOSO_URL): every test here applies to both.
 */
import { literal, namedNode, termToJson, termToSparql, type DeltaQuad, type RawChangeset } from '@delta-producer/core';
import { Parser as N3Parser } from 'n3';
import type { DeltaEvent } from '../../../src/notifier/types.js';
import {
  deltaQuadText,
  EX,
  graphContents,
  postUpdate,
  select,
  selectedBackend,
  startTestGateway,
  uniqueGraph,
  update,
  waitFor,
  XSD,
  type TestGateway,
} from './support.js';

const S = `${EX}s`;
const P = `${EX}p`;
const Q = `${EX}q`;
const texts = (quads: readonly DeltaQuad[] | undefined) => (quads ?? []).map((q) => deltaQuadText(q)).sort();
const t = (g: string, o: string, p = P, s = S) => `${s} ${p} ${o} ${g}`;

describe.each([selectedBackend()])('dev-gateway on the %s store', (backend) => {
  let gw: TestGateway;
  let url: string;

  /** Events published while `run` ran (publication happens before the HTTP answer). */
  async function eventsOf(run: () => Promise<unknown>): Promise<DeltaEvent[]> {
    const before = gw.events.length;
    await run();
    return gw.events.slice(before);
  }

  async function changeSetsOf(run: () => Promise<unknown>): Promise<RawChangeset[]> {
    return (await eventsOf(run)).flatMap((event) => event.changeSets);
  }

  beforeAll(async () => {
    // On the embedded store the client-side row limit is low, so the big-WHERE test stays fast.
    gw = await startTestGateway({ backend, resultSetMaxRows: 50 });
    url = gw.gateway.url;
  });

  afterAll(async () => {
    await gw?.stop();
  });

  describe('INSERT DATA / DELETE DATA', () => {
    it('reports requested and effective inserts; re-inserting an existing triple is not effective', async () => {
      const g = uniqueGraph();
      const [first] = await changeSetsOf(() => update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "a", "b" } }`));
      expect(texts(first?.insert)).toEqual([t(g, '"a"'), t(g, '"b"')]);
      expect(texts(first?.effectiveInsert)).toEqual([t(g, '"a"'), t(g, '"b"')]);
      expect(first?.delete).toEqual([]);
      expect(first?.effectiveDelete).toEqual([]);

      const again = await changeSetsOf(() => update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "a", "c" } }`));
      expect(again).toHaveLength(1);
      expect(texts(again[0]?.insert)).toEqual([t(g, '"a"'), t(g, '"c"')]);
      expect(texts(again[0]?.effectiveInsert)).toEqual([t(g, '"c"')]);

      const existing = await changeSetsOf(() => update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "a" } }`));
      expect(existing).toHaveLength(1); // published: insert is non-empty
      expect(existing[0]?.effectiveInsert).toEqual([]);
      expect(await graphContents(url, g)).toEqual([`${S} ${P} "a"`, `${S} ${P} "b"`, `${S} ${P} "c"`]);
    });

    it('reports requested and effective deletes; deleting a missing triple is not effective', async () => {
      const g = uniqueGraph();
      await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "a", "b" } }`);
      const [changeSet] = await changeSetsOf(() => update(url, `DELETE DATA { GRAPH <${g}> { <${S}> <${P}> "a", "missing" } }`));
      expect(texts(changeSet?.delete)).toEqual([t(g, '"a"'), t(g, '"missing"')]);
      expect(texts(changeSet?.effectiveDelete)).toEqual([t(g, '"a"')]);
      expect(changeSet?.insert).toEqual([]);
      expect(await graphContents(url, g)).toEqual([`${S} ${P} "b"`]);
    });

    it('writes triples without GRAPH to the default graph http://mu.semte.ch/application', async () => {
      const subject = `${EX}default-graph/${Date.now()}-${Math.random()}`;
      const [changeSet] = await changeSetsOf(() => update(url, `INSERT DATA { <${subject}> <${P}> "x" }`));
      expect(changeSet?.insert[0]?.graph).toEqual({ type: 'uri', value: 'http://mu.semte.ch/application' });
      expect(await graphContents(url, 'http://mu.semte.ch/application').then((rows) => rows.filter((row) => row.startsWith(subject)))).toEqual([`${subject} ${P} "x"`]);
      await update(url, `DELETE DATA { <${subject}> <${P}> "x" }`);
    });
  });

  describe('… WHERE forms', () => {
    it('DELETE/INSERT WHERE reports the instantiated quads and the effective ones', async () => {
      const g = uniqueGraph();
      await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "a", "b" . <${EX}other> <${Q}> "untouched" } }`);
      const [changeSet] = await changeSetsOf(() =>
        update(url, `DELETE { GRAPH <${g}> { ?s <${P}> ?o } } INSERT { GRAPH <${g}> { ?s <${P}> "new" } } WHERE { GRAPH <${g}> { ?s <${P}> ?o } }`),
      );
      expect(texts(changeSet?.delete)).toEqual([t(g, '"a"'), t(g, '"b"')]);
      expect(texts(changeSet?.effectiveDelete)).toEqual([t(g, '"a"'), t(g, '"b"')]);
      expect(texts(changeSet?.insert)).toEqual([t(g, '"new"')]);
      expect(texts(changeSet?.effectiveInsert)).toEqual([t(g, '"new"')]);
      expect(await graphContents(url, g)).toEqual([`${EX}other ${Q} "untouched"`, `${S} ${P} "new"`]);
    });

    it('deleting and re-inserting the same triple in one operation is neither an effective delete nor insert', async () => {
      const g = uniqueGraph();
      await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "same" } }`);
      const [changeSet] = await changeSetsOf(() => update(url, `DELETE { GRAPH <${g}> { ?s ?p ?o } } INSERT { GRAPH <${g}> { ?s ?p ?o } } WHERE { GRAPH <${g}> { ?s ?p ?o } }`));
      expect(texts(changeSet?.delete)).toEqual([t(g, '"same"')]);
      expect(texts(changeSet?.insert)).toEqual([t(g, '"same"')]);
      expect(changeSet?.effectiveDelete).toEqual([]);
      expect(changeSet?.effectiveInsert).toEqual([]);
      expect(await graphContents(url, g)).toEqual([`${S} ${P} "same"`]);
    });

    it('WITH <g>: templates without GRAPH target g, WHERE reads g', async () => {
      const g = uniqueGraph();
      const elsewhere = uniqueGraph('elsewhere');
      await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "1" } GRAPH <${elsewhere}> { <${S}> <${P}> "2" } }`);
      const [changeSet] = await changeSetsOf(() => update(url, `WITH <${g}> DELETE { ?s <${P}> ?o } INSERT { ?s <${Q}> ?o } WHERE { ?s <${P}> ?o }`));
      expect(texts(changeSet?.effectiveDelete)).toEqual([t(g, '"1"')]);
      expect(texts(changeSet?.effectiveInsert)).toEqual([t(g, '"1"', Q)]);
      expect(await graphContents(url, g)).toEqual([`${S} ${Q} "1"`]);
      expect(await graphContents(url, elsewhere)).toEqual([`${S} ${P} "2"`]);
    });

    it('USING <g>: WHERE reads only g; an unbound template variable skips the triple', async () => {
      const source = uniqueGraph('source');
      const target = uniqueGraph('target');
      await update(url, `INSERT DATA { GRAPH <${source}> { <${S}> <${P}> "from source" } GRAPH <${target}> { <${S}> <${P}> "from target" } }`);
      const [changeSet] = await changeSetsOf(() =>
        update(url, `INSERT { GRAPH <${target}> { ?s <${Q}> ?o . ?s <${Q}> ?unbound } } USING <${source}> WHERE { ?s <${P}> ?o OPTIONAL { ?s <${EX}nothing> ?unbound } }`),
      );
      expect(texts(changeSet?.insert)).toEqual([t(target, '"from source"', Q)]);
    });

    it('DELETE WHERE removes every match and reports all of them as effective', async () => {
      const g = uniqueGraph();
      await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "a", "b" . <${S}> <${Q}> <${EX}o> . <${EX}kept> <${P}> "k" } }`);
      const [changeSet] = await changeSetsOf(() => update(url, `DELETE WHERE { GRAPH <${g}> { <${S}> ?p ?o } }`));
      const expected = [t(g, '"a"'), t(g, '"b"'), t(g, `${EX}o`, Q)].sort();
      expect(texts(changeSet?.delete)).toEqual(expected);
      expect(texts(changeSet?.effectiveDelete)).toEqual(expected);
      expect(changeSet?.insert).toEqual([]);
      expect(await graphContents(url, g)).toEqual([`${EX}kept ${P} "k"`]);
    });

    it('evaluates a WHERE with more solutions than the store returns to clients in one answer', async () => {
      const g = uniqueGraph('big');
      const count = backend === 'virtuoso' ? 10_050 : 120; // Virtuoso cuts at 10 000; the embedded gateway here at 50
      for (let start = 0; start < count; start += 1000) {
        const triples = Array.from({ length: Math.min(1000, count - start) }, (_, i) => `<${EX}big/${start + i}> <${P}> ${start + i} .`);
        await update(gw.gateway.directUrl, `INSERT DATA { GRAPH <${g}> { ${triples.join('\n')} } }`);
      }
      const visible = await select(url, `SELECT ?s WHERE { GRAPH <${g}> { ?s ?p ?o } }`);
      expect(visible.length).toBeLessThan(count); // a client's unpaged SELECT is cut
      const [changeSet] = await changeSetsOf(() => update(url, `DELETE WHERE { GRAPH <${g}> { ?s <${P}> ?o } }`));
      expect(changeSet?.delete).toHaveLength(count);
      expect(changeSet?.effectiveDelete).toHaveLength(count);
      const [row] = await select(url, `SELECT (COUNT(*) AS ?n) WHERE { GRAPH <${g}> { ?s ?p ?o } }`);
      expect(Number(row?.n?.value)).toBe(0);
    }, 120_000);
  });

  describe('updates with several operations', () => {
    it('give one changeset per operation, in order; each operation sees the ones before it', async () => {
      const g = uniqueGraph();
      const events = await eventsOf(() =>
        update(
          url,
          `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "1" } } ;
           DELETE { GRAPH <${g}> { <${S}> <${P}> ?o } } INSERT { GRAPH <${g}> { <${S}> <${P}> "2" } } WHERE { GRAPH <${g}> { <${S}> <${P}> ?o } } ;
           DELETE WHERE { GRAPH <${g}> { <${EX}nobody> ?p ?o } } ;
           DELETE DATA { GRAPH <${g}> { <${S}> <${P}> "missing" } }`,
        ),
      );
      expect(events).toHaveLength(1); // one DeltaEvent per update
      const changeSets = events[0]!.changeSets;
      expect(changeSets).toHaveLength(3); // the DELETE WHERE that matched nothing has no changeset
      expect(texts(changeSets[0]?.effectiveInsert)).toEqual([t(g, '"1"')]);
      expect(texts(changeSets[1]?.effectiveDelete)).toEqual([t(g, '"1"')]);
      expect(texts(changeSets[1]?.effectiveInsert)).toEqual([t(g, '"2"')]);
      expect(texts(changeSets[2]?.delete)).toEqual([t(g, '"missing"')]);
      expect(changeSets[2]?.effectiveDelete).toEqual([]);
      const ids = changeSets.map((changeSet) => changeSet.sequenceId!);
      expect(ids).toEqual([ids[0], ids[0]! + 1, ids[0]! + 2]);
      expect(await graphContents(url, g)).toEqual([`${S} ${P} "2"`]);
    });

    it('serialises concurrent updates: each one sees exactly the result of the one before', async () => {
      const g = uniqueGraph('counter');
      const before = gw.events.length;
      const counter = `${EX}counter`;
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          update(url, `DELETE { GRAPH <${g}> { <${S}> <${counter}> ?old } } INSERT { GRAPH <${g}> { <${S}> <${counter}> "${i}" } } WHERE { OPTIONAL { GRAPH <${g}> { <${S}> <${counter}> ?old } } }`),
        ),
      );
      const changeSets = gw.events
        .slice(before)
        .flatMap((event) => event.changeSets)
        .filter((changeSet) => changeSet.insert.some((q) => q.graph.value === g))
        .sort((a, b) => a.sequenceId! - b.sequenceId!);
      expect(changeSets).toHaveLength(12);
      expect(changeSets[0]?.effectiveDelete).toEqual([]);
      for (let i = 1; i < changeSets.length; i++) {
        expect(changeSets[i]?.effectiveDelete?.map((q) => q.object.value)).toEqual(changeSets[i - 1]?.effectiveInsert?.map((q) => q.object.value));
      }
      const last = changeSets.at(-1)!.effectiveInsert![0]!.object.value;
      expect(await graphContents(url, g)).toEqual([`${S} ${counter} "${last}"`]);
    });
  });

  describe('delta content', () => {
    const XSD_STRING_FREE = [
      literal('hello', 'en'),
      literal('Hallo', 'nl-be'),
      literal('12', namedNode(`${XSD}integer`)),
      literal('1.5', namedNode(`${XSD}decimal`)),
      literal('2020-01-01T00:00:00Z', namedNode(`${XSD}dateTime`)),
      literal('true', namedNode(`${XSD}boolean`)),
      literal('custom', namedNode(`${EX}datatype`)),
      literal('quote " backslash \\ newline \n tab \t cr \r unicode é 😀 braces } { angle <x> dot . triple """ single \' hash # end'),
      literal('\\"already escaped\\" and \\u0041 stay literal'),
      literal(''),
      // About 1 MB, beyond what sparqljs's lexer can take on its own (the gateway cuts long literals out first).
      literal('a 1 MB value: "quoted" \\ back\nslash 😀 مرحبا '.repeat(26_000), 'en'),
    ];

    it('language tags, datatypes and hostile literals survive into the delta JSON (core termToJson) and the store', async () => {
      const g = uniqueGraph();
      const body = XSD_STRING_FREE.map((object) => `<${S}> <${P}> ${termToSparql(object)} .`).join('\n');
      const [inserted] = await changeSetsOf(() => update(url, `INSERT DATA { GRAPH <${g}> { ${body} } }`));
      const expected = XSD_STRING_FREE.map((object) => termToJson(object));
      expect(inserted?.insert.map((q) => q.object)).toEqual(expected);
      expect(inserted?.effectiveInsert?.map((q) => q.object)).toEqual(expected);
      expect(await graphContents(url, g)).toHaveLength(XSD_STRING_FREE.length);

      const [deleted] = await changeSetsOf(() => update(url, `DELETE DATA { GRAPH <${g}> { ${body} } }`));
      expect(deleted?.delete.map((q) => q.object)).toEqual(expected);
      expect(deleted?.effectiveDelete?.map((q) => q.object)).toEqual(expected);
      expect(await graphContents(url, g)).toEqual([]);
    });

    it('carries the mu-* headers into the event and the changeset fields; the notifier delivers v0.0.1 bodies', async () => {
      const g = uniqueGraph();
      const session = `http://mu.semte.ch/sessions/${Math.random()}`;
      const groups = JSON.stringify([{ name: 'public', variables: [] }]);
      const headers = {
        'mu-call-id': '4242',
        'mu-call-id-trail': '["1"]',
        'mu-session-id': session,
        'mu-call-scope-id': 'http://example.org/call-scope',
        'mu-auth-scope': 'http://example.org/scope',
        'mu-auth-allowed-groups': groups,
      };
      const response = await postUpdate(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "h" } }`, headers);
      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({ results: { bindings: [{ 'callret-0': { value: 'Executed update query' } }] } });
      const event = gw.events.at(-1)!;
      expect(event.headers).toEqual(headers);
      expect(event.changeSets[0]).toMatchObject({ allowedGroups: groups, origin: '127.0.0.1', scope: 'http://example.org/scope' });

      await waitFor(() => gw.callback.received.filter((request) => request.headers['mu-session-id'] === session).length === 2, 5000, 'two deliveries');
      const deliveries = gw.callback.received.filter((request) => request.headers['mu-session-id'] === session);
      const requested = deliveries.find((request) => request.path === '/requested')!;
      expect(requested.body).toEqual([{ inserts: [{ subject: { type: 'uri', value: S }, predicate: { type: 'uri', value: P }, object: { type: 'literal', value: 'h' }, graph: { type: 'uri', value: g } }], deletes: [] }]);
      expect(JSON.parse(String(requested.headers['mu-call-id-trail']))).toEqual(['1', '4242']);
      expect(requested.headers['mu-auth-allowed-groups']).toBe(groups);
    });

    it('mu-auth-sudo (any value) makes allowedGroups "sudo"', async () => {
      const g = uniqueGraph();
      const [changeSet] = await changeSetsOf(() => update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "x" } }`, { 'mu-auth-sudo': 'false' }));
      expect(changeSet?.allowedGroups).toBe('sudo');
    });

    it('folded effective deliveries carry only what changed', async () => {
      const g = uniqueGraph();
      const session = `http://mu.semte.ch/sessions/${Math.random()}`;
      await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "existing" } }`);
      await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "existing", "fresh" } }`, { 'mu-session-id': session });
      await waitFor(() => gw.callback.received.some((request) => request.headers['mu-session-id'] === session && request.path === '/effective'), 5000, 'effective delivery');
      const effective = gw.callback.received.find((request) => request.headers['mu-session-id'] === session && request.path === '/effective')!;
      const inserts = (effective.body as { inserts: DeltaQuad[] }[]).flatMap((changeSet) => changeSet.inserts);
      expect(texts(inserts)).toEqual([t(g, '"fresh"')]);
    });
  });

  describe('refusals (400, nothing written, no delta)', () => {
    it.each([
      ['a blank node in INSERT DATA', (g: string) => `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> _:b } }`, /blank node/],
      ['[] in INSERT DATA', (g: string) => `INSERT DATA { GRAPH <${g}> { [] <${P}> "x" } }`, /blank node/],
      ['a blank node in an INSERT template', (g: string) => `INSERT { GRAPH <${g}> { ?s <${P}> [] } } WHERE { GRAPH <${g}> { ?s ?p ?o } }`, /blank node/],
      ['DROP GRAPH', (g: string) => `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "x" } } ; DROP GRAPH <${g}>`, /DROP is not supported/],
      ['CLEAR', (g: string) => `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "x" } } ; CLEAR GRAPH <${g}>`, /CLEAR is not supported/],
      ['LOAD', (g: string) => `LOAD <http://example.org/data.ttl> INTO GRAPH <${g}>`, /LOAD is not supported/],
      ['a syntax error', (g: string) => `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> }`, /invalid SPARQL/],
    ])('%s', async (_name, text, message) => {
      const g = uniqueGraph();
      const before = gw.events.length;
      const response = await postUpdate(url, text(g), { 'mu-auth-sudo': 'true' });
      expect(response.status).toBe(400);
      expect(response.contentType).toMatch(/json/);
      const body = response.json() as { errors: { status: string; detail: string }[] };
      expect(body.errors[0]?.status).toBe('400');
      expect(body.errors[0]?.detail).toMatch(message);
      expect(gw.events.length).toBe(before);
      expect(await graphContents(url, g)).toEqual([]);
    });
  });

  describe('the direct endpoint (stands for Virtuoso)', () => {
    it('writes without deltas, graph management included', async () => {
      const g = uniqueGraph();
      const direct = gw.gateway.directUrl;
      const events = await eventsOf(async () => {
        await update(direct, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "a", "b" } }`);
        await update(direct, `DELETE DATA { GRAPH <${g}> { <${S}> <${P}> "a" } }`);
      });
      expect(events).toEqual([]);
      expect(await graphContents(url, g)).toEqual([`${S} ${P} "b"`]);
      expect(await eventsOf(() => update(direct, `CLEAR GRAPH <${g}>`))).toEqual([]);
      expect(await graphContents(url, g)).toEqual([]);
      await update(direct, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "c" } }`);
      expect(await eventsOf(() => update(direct, `DROP SILENT GRAPH <${g}>`))).toEqual([]);
      expect(await graphContents(url, g)).toEqual([]);
    });

    it('answers queries like the delta endpoint', async () => {
      const g = uniqueGraph();
      await update(gw.gateway.directUrl, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "x" } }`);
      expect(await graphContents(gw.gateway.directUrl, g)).toEqual([`${S} ${P} "x"`]);
    });
  });

  describe('SPARQL protocol', () => {
    let g: string;
    beforeAll(async () => {
      g = uniqueGraph('protocol');
      await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "x" } }`);
    });
    const selectText = () => `SELECT ?o WHERE { GRAPH <${g}> { <${S}> <${P}> ?o } }`;
    const values = async (response: Response) => {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/application\/sparql-results\+json/);
      return ((await response.json()) as { results: { bindings: { o: { value: string } }[] } }).results.bindings.map((row) => row.o.value);
    };

    it('GET ?query=', async () => {
      expect(await values(await fetch(`${url}?query=${encodeURIComponent(selectText())}`))).toEqual(['x']);
    });

    it('POST application/sparql-query', async () => {
      expect(await values(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sparql-query' }, body: selectText() }))).toEqual(['x']);
    });

    it('POST with ?query= in the URL', async () => {
      expect(await values(await fetch(`${url}?query=${encodeURIComponent(selectText())}`, { method: 'POST' }))).toEqual(['x']);
    });

    it('POST form query= with surrounding whitespace and the template\'s extra fields', async () => {
      const body = new URLSearchParams({ query: `\n  ${selectText()}  \n`, format: 'application/sparql-results+json', 'content-type': 'application/sparql-results+json' });
      expect(await values(await fetch(url, { method: 'POST', body }))).toEqual(['x']);
    });

    it('an update sent as query= (as @lblod/mu-auth-sudo does) and as application/sparql-update', async () => {
      const h = uniqueGraph();
      const viaQuery = await fetch(url, { method: 'POST', headers: { 'mu-auth-sudo': 'true' }, body: new URLSearchParams({ query: `  INSERT DATA { GRAPH <${h}> { <${S}> <${P}> "1" } }  ` }) });
      expect(viaQuery.status).toBe(200);
      const viaBody = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: `INSERT DATA { GRAPH <${h}> { <${S}> <${P}> "2" } }` });
      expect(viaBody.status).toBe(200);
      expect(await graphContents(url, h)).toEqual([`${S} ${P} "1"`, `${S} ${P} "2"`]);
    });

    it('refuses an update by GET and a missing query', async () => {
      const viaGet = await fetch(`${url}?query=${encodeURIComponent(`INSERT DATA { GRAPH <${uniqueGraph()}> { <${S}> <${P}> "x" } }`)}`);
      expect(viaGet.status).toBe(400);
      expect(((await viaGet.json()) as { errors: { detail: string }[] }).errors[0]?.detail).toMatch(/POST/);
      expect((await fetch(url)).status).toBe(400);
    });

    it('ASK answers SPARQL-JSON', async () => {
      const response = await fetch(`${url}?query=${encodeURIComponent(`ASK { GRAPH <${g}> { ?s ?p ?o } }`)}`);
      expect(await response.json()).toMatchObject({ boolean: true });
    });

    it('CONSTRUCT answers Turtle by default and N-Triples when asked', async () => {
      const construct = encodeURIComponent(`CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <${g}> { ?s ?p ?o } }`);
      const turtle = await fetch(`${url}?query=${construct}`);
      expect(turtle.headers.get('content-type')).toMatch(/text\/turtle/);
      const parsed = new N3Parser({ format: 'text/turtle' }).parse(await turtle.text());
      expect(parsed.map((q) => `${q.subject.value} ${q.predicate.value} ${q.object.value}`)).toEqual([`${S} ${P} x`]);
      const ntriples = await fetch(`${url}?query=${construct}`, { headers: { accept: 'application/n-triples' } });
      expect(ntriples.headers.get('content-type')).toMatch(/n-triples|text\/plain/);
      expect((await ntriples.text()).trim().replace(/\s+/g, ' ')).toBe(`<${S}> <${P}> "x" .`);
    });

    it('GET /health', async () => {
      const response = await fetch(`${gw.gateway.baseUrl}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
      expect((await fetch(`${gw.gateway.baseUrl}/ready`)).status).toBe(200);
    });
  });
});

describe.each([selectedBackend()])('dev-gateway in elixir mode on the %s store', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ backend, deltaMode: 'elixir' });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('one changeset per non-empty part (delete before insert), requested quads only, no effective lists or sequenceId', async () => {
    const g = uniqueGraph();
    const url = gw.gateway.url;
    await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "old" } }`);
    const before = gw.events.length;
    await update(url, `DELETE { GRAPH <${g}> { ?s <${P}> ?o } } INSERT { GRAPH <${g}> { ?s <${P}> "new" } } WHERE { GRAPH <${g}> { ?s <${P}> ?o } }`, {
      'mu-call-scope-id': 'http://example.org/call-scope',
    });
    const [event] = gw.events.slice(before);
    expect(event?.changeSets).toEqual([
      { insert: [], delete: [expect.objectContaining({ object: { type: 'literal', value: 'old' } })], allowedGroups: 'sudo', origin: '127.0.0.1', 'call-scope': ['http://example.org/call-scope'] },
      { insert: [expect.objectContaining({ object: { type: 'literal', value: 'new' } })], delete: [], allowedGroups: 'sudo', origin: '127.0.0.1', 'call-scope': ['http://example.org/call-scope'] },
    ]);

    // Re-inserting an existing triple is still reported (Elixir deltas are not effective).
    const again = gw.events.length;
    await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "new" } }`);
    expect(gw.events.slice(again).flatMap((e) => e.changeSets)).toEqual([{ insert: [expect.objectContaining({ object: { type: 'literal', value: 'new' } })], delete: [], allowedGroups: 'sudo', origin: '127.0.0.1' }]);
    expect(await graphContents(url, g)).toEqual([`${S} ${P} "new"`]);
  });
});

describe.each([selectedBackend()])('startDevGateway with a rules file on the %s store', (backend) => {
  it('loads the rules and delivers through the notifier', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startDevGateway } = await import('../../../src/gateway.js');
    const { startCallbackServer, writeRulesFile } = await import('./support.js');
    const dir = await mkdtemp(join(tmpdir(), 'dev-gateway-rules-file-'));
    const callback = await startCallbackServer();
    const gateway = await startDevGateway({
      ...(backend === 'virtuoso' ? { backendSparqlUrl: process.env.TEST_VIRTUOSO_URL! } : { dataDir: join(dir, 'data') }),
      rules: await writeRulesFile(dir, callback.baseUrl),
    });
    try {
      const g = uniqueGraph();
      await update(gateway.url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "via rules.js" } }`);
      await waitFor(() => callback.received.length === 2, 5000, 'deliveries');
      expect(callback.received.map((request) => request.path).sort()).toEqual(['/effective', '/requested']);
      for (const request of callback.received) expect(texts((request.body as { inserts: DeltaQuad[] }[])[0]?.inserts)).toEqual([t(g, '"via rules.js"')]);
    } finally {
      await gateway.stop();
      await callback.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
