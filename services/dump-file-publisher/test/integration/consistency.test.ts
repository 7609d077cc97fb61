/**
 * `dct:issued` (the consumer's delta cursor) is the time the snapshot began. This test writes to the
 * publication graph WHILE the dump reads it (a proxy in front of the store runs the writes before the
 * dump's second triple query) and records each change with the time it was done, as the maintainer's
 * delta files would carry it (a delta file is created after its change). A consumer that loads the
 * dump and then applies, in order, every change made after `release-date` ends with exactly the final
 * graph — although the dump itself holds part of the changes and misses others. With the lblod stamp
 * (issued taken after the read) the same consumer ends with a different graph.
 */
import { canonicalTripleKey, filePathOfShareUri, literal, namedNode, quad, type Quad } from '@delta-producer/core';
import { readFile } from 'node:fs/promises';
import { integrationEndpoint, type IntegrationEndpoint } from '../../../core/test/support/sparql-endpoint.js';
import type { PublisherConfig } from '../../src/config/publisher-config.js';
import type { RunningDumpPublisher } from '../../src/service.js';
import { graphTriples, startHookProxy, startPublisher, storeHelpers, testConfig, testStream, turtleTriples } from './support.js';

interface Change {
  at: number;
  kind: 'insert' | 'delete';
  quads: Quad[];
}

let endpoint: IntegrationEndpoint;
let proxy: { url: string; close(): Promise<void> };
let service: RunningDumpPublisher;
let config: PublisherConfig;
const stream = testStream();
const g = namedNode(stream.targetGraph);
const subject = (index: number) => namedNode(`http://test.example/${stream.name}/s${String(index).padStart(3, '0')}`);
const name = namedNode('http://xmlns.com/foaf/0.1/name');
const changes: Change[] = [];
let triggered = false;
let tripleQueries = 0;

function applyChanges(base: Set<string>, after: number): Set<string> {
  const state = new Set(base);
  for (const change of changes.filter((candidate) => candidate.at > after)) {
    for (const key of change.quads.map((item) => canonicalTripleKey(item))) {
      if (change.kind === 'insert') state.add(key);
      else state.delete(key);
    }
  }
  return state;
}

beforeAll(async () => {
  endpoint = await integrationEndpoint({ maxRows: 10_000 });
  const { client } = storeHelpers(endpoint.url);
  const initial: Quad[] = [];
  for (let index = 0; index < 40; index += 2) initial.push(quad(subject(index), name, literal(`v0 of ${index}`), g));
  await client.insertData(initial);
  const change = async (kind: Change['kind'], quads: Quad[]) => {
    await (kind === 'insert' ? client.insertData(quads) : client.deleteData(quads));
    changes.push({ at: Date.now(), kind, quads });
  };
  proxy = await startHookProxy(endpoint.url, async (body) => {
    if (!decodeURIComponent(body.replace(/\+/g, ' ')).includes('VALUES ?s')) return;
    tripleQueries += 1;
    if (tripleQueries !== 2 || triggered) return;
    triggered = true;
    // Subjects 0..8 are read already (batch 1); the rest are not.
    await change('delete', [quad(subject(2), name, literal('v0 of 2'), g)]); // already dumped: the dump keeps it
    await change('insert', [quad(subject(2), name, literal('v1 of 2'), g)]);
    await change('delete', [quad(subject(30), name, literal('v0 of 30'), g)]); // not read yet: the dump misses it
    await change('insert', [quad(subject(1), name, literal('new, sorts before the cursor'), g)]);
    await change('insert', [quad(subject(35), name, literal('new, sorts after the cursor'), g)]);
    await change('insert', [quad(subject(36), name, literal('short-lived'), g)]);
    await change('delete', [quad(subject(36), name, literal('short-lived'), g)]);
  });
  // The dump reads through the proxy (the config's publicationGraphEndpoint); everything else does not.
  config = testConfig(endpoint.url, [{ ...stream, entry: { ...stream.entry, publicationGraphEndpoint: proxy.url } }], { EXPORT_TTL_BATCH_SIZE: '5', MAX_SUBJECT_COUNT: '10' });
  service = await startPublisher(config);
});

afterAll(async () => {
  await service?.stop();
  await proxy?.close();
  await endpoint?.close();
});

test('dump + every change after release-date = the graph; with issued stamped after the read it is not', async () => {
  const { client } = storeHelpers(endpoint.url);
  const before = Date.now();
  const dump = await service.publisher.run(config.streams[0]!);
  const finishedAt = Date.now();
  expect(triggered).toBe(true);
  expect(dump.issued.getTime()).toBeGreaterThanOrEqual(before);
  expect(changes.every((change) => change.at > dump.issued.getTime())).toBe(true);

  const dumped = turtleTriples(await readFile(filePathOfShareUri(config.shareDir, dump.files[0]!.shareUri), 'utf8'));
  const finalGraph = await graphTriples(client, stream.targetGraph);
  // The dump alone is neither the graph before nor after the writes ...
  expect(dumped).not.toEqual(finalGraph);
  expect(dumped.has(canonicalTripleKey(quad(subject(2), name, literal('v0 of 2'))))).toBe(true);
  expect(dumped.has(canonicalTripleKey(quad(subject(30), name, literal('v0 of 30'))))).toBe(false);
  // ... but the consumer's state after applying the deltas since release-date is the graph.
  expect(applyChanges(dumped, dump.issued.getTime())).toEqual(finalGraph);
  // The lblod stamp (after the read) would skip every change made during the dump.
  expect(applyChanges(dumped, finishedAt)).not.toEqual(finalGraph);
});
