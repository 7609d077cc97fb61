/**
 * The dump file itself, on a real store: it parses back with n3 into exactly the publication graph
 * (hostile literals, language tags, datatypes), is Turtle grouped by subject with prefixes, ends with a
 * newline, leaves blank nodes out, and an empty graph gives an empty dump that is still published.
 */
import { readFile, readdir } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { filePathOfShareUri, literal, namedNode, quad, XSD, type Quad } from '@delta-producer/core';
import { integrationEndpoint, type IntegrationEndpoint, capturingLogger } from '../../../core/test/support/sparql-endpoint.js';
import type { PublisherConfig } from '../../src/config/publisher-config.js';
import type { RunningDumpPublisher } from '../../src/service.js';
import { graphTriples, startPublisher, storeHelpers, testConfig, testStream, turtleTriples, type TestStream } from './support.js';

let endpoint: IntegrationEndpoint;
let service: RunningDumpPublisher;
let config: PublisherConfig;
const stream = testStream({ gzip: true });
const empty = testStream();
const log = capturingLogger();

const ex = (name: string) => namedNode(`http://test.example/${stream.name}/${name}`);
const g = namedNode(stream.targetGraph);

const HOSTILE = [
  'plain',
  'quote " inside',
  'triple """ quotes """ and \'\'\' singles',
  'ends with a quote"',
  '"starts with a quote',
  'back\\slash \\n not a newline \\u0041',
  'line1\nline2\r\nline3\ttab',
  'emoji 😀 𝔘 and RTL שלום عالم \u200f',
  'NFD é and NUL-free control \u0007 bell',
  ' leading and trailing spaces ',
  '',
  'x'.repeat(100_000),
];

function hostileQuads(): Quad[] {
  const quads: Quad[] = HOSTILE.map((text, index) => quad(ex(`s${index % 4}`), ex(`p${index}`), literal(text), g));
  quads.push(
    quad(ex('lang'), ex('label'), literal('Gent', 'nl'), g),
    quad(ex('lang'), ex('label'), literal('Ghent', 'en-GB'), g),
    quad(ex('lang'), ex('label'), literal('Gand'), g),
    quad(ex('typed'), ex('int'), literal('42', namedNode(XSD.integer)), g),
    quad(ex('typed'), ex('date'), literal('2024-01-03T02:00:00.123Z', namedNode(XSD.dateTime)), g),
    quad(ex('typed'), ex('custom'), literal('a"b', namedNode('http://test.example/type#custom')), g),
    quad(ex('typed'), ex('bool'), literal('true', namedNode(XSD.boolean)), g),
    quad(ex('typed'), ex('str'), literal('typed as string', namedNode(XSD.string)), g),
    quad(ex('iri'), ex('link'), namedNode('http://test.example/ünïcödé/path?q=1#frag'), g),
    quad(namedNode(`http://test.example/${stream.name}/ünïcödé-subject`), ex('p'), literal('x'), g),
  );
  return quads;
}

beforeAll(async () => {
  endpoint = await integrationEndpoint({ maxRows: 10_000 });
  const { client } = storeHelpers(endpoint.url);
  await client.insertData(hostileQuads());
  // Blank nodes cannot come through INSERT DATA; a WHERE-less template can write them.
  await client.update(`INSERT { GRAPH <${stream.targetGraph}> { <${ex('withBlank').value}> <${ex('b').value}> _:b1 . } } WHERE {}`);
  await client.update(`INSERT { GRAPH <${stream.targetGraph}> { _:b2 <${ex('b').value}> "blank subject" . } } WHERE {}`);
  config = testConfig(endpoint.url, [stream, empty]);
  service = await startPublisher(config, log.logger);
});

afterAll(async () => {
  await service?.stop();
  await endpoint?.close();
});

function streamOf(test: TestStream) {
  return config.streams.find((candidate) => candidate.dcatDataSetSubject === test.subject)!;
}

test('the dump parses back into the publication graph, hostile literals, tags and datatypes included', async () => {
  const { client } = storeHelpers(endpoint.url);
  const dump = await service.publisher.run(streamOf(stream));
  const text = await readFile(filePathOfShareUri(config.shareDir, dump.files[0]!.shareUri), 'utf8');
  const expected = await graphTriples(client, stream.targetGraph);
  // The graph read back minus the triples with a blank node (the suite's policy: skipped and counted).
  const withoutBlank = new Set([...expected].filter((key) => !key.includes('_:')));
  expect(turtleTriples(text)).toEqual(withoutBlank);
  expect(withoutBlank.size).toBe(hostileQuads().length);
  expect(dump.triples).toBe(hostileQuads().length);
  expect(dump.skippedBlankNodes).toEqual({ [ex('b').value]: 2 });
  expect(log.lines().some((line) => String(line.msg).includes('blank node were left out'))).toBe(true);
  expect(text.endsWith('\n')).toBe(true);
  expect(text).toMatch(/^@prefix /m);
  expect(text).toContain('@nl');
  // Grouped by subject: each subject starts exactly one statement block.
  const subjectStarts = text.split('\n').filter((line) => line.startsWith('<'));
  expect(new Set(subjectStarts.map((line) => line.split(' ')[0])).size).toBe(subjectStarts.length);
});

test('the gzip copy is a second distribution with the same content; the plain Turtle one stays first', async () => {
  const dump = await service.publisher.run(streamOf(stream));
  expect(dump.files.map((file) => file.format)).toEqual(['text/turtle', 'application/gzip']);
  const plain = await readFile(filePathOfShareUri(config.shareDir, dump.files[0]!.shareUri), 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(filePathOfShareUri(config.shareDir, dump.files[1]!.shareUri)).pipe(createGunzip())) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).toString('utf8')).toBe(plain);
  expect(dump.files[1]!.bytes).toBeLessThan(dump.files[0]!.bytes);
});

test('an empty publication graph yields an empty dump that is published', async () => {
  const { client } = storeHelpers(endpoint.url);
  const dump = await service.publisher.run(streamOf(empty));
  const text = await readFile(filePathOfShareUri(config.shareDir, dump.files[0]!.shareUri), 'utf8');
  expect(turtleTriples(text).size).toBe(0);
  expect(text.endsWith('\n')).toBe(true);
  expect(dump.triples).toBe(0);
  const rows = await client.select(`SELECT ?d WHERE { GRAPH <${empty.dcatGraph}> { ?d <http://purl.org/dc/terms/subject> <${empty.subject}> } }`);
  expect(rows.map((row) => row.d!.value)).toEqual([dump.dataset]);
});

test('no partial files are left behind', async () => {
  const folder = service.publisher.folderOf(streamOf(stream));
  expect((await readdir(folder)).filter((name) => name.endsWith('.partial'))).toEqual([]);
});
