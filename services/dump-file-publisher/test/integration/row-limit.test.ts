/**
 * More subjects than the store's row limit (Virtuoso's ResultSetMaxRows 10 000, emulated on the
 * embedded store): subject pages and triple batches never rely on a result that may have been cut.
 * One subject alone has more triples than the limit (read per predicate). A subject with more values
 * of ONE predicate than the limit cannot be read safely: that dump fails, visibly, on its task.
 */
import { canonicalTripleKey, filePathOfShareUri, literal, namedNode, quad, type Quad } from '@delta-producer/core';
import { readFile } from 'node:fs/promises';
import { integrationEndpoint, type IntegrationEndpoint } from '../../../core/test/support/sparql-endpoint.js';
import type { PublisherConfig } from '../../src/config/publisher-config.js';
import type { RunningDumpPublisher } from '../../src/service.js';
import { scheduleDump, startPublisher, storeHelpers, testConfig, testStream, turtleTriples, waitForStatus } from './support.js';

let endpoint: IntegrationEndpoint;
let service: RunningDumpPublisher;
let config: PublisherConfig;
const stream = testStream();
const tooBig = testStream();
const expected: Quad[] = [];

beforeAll(async () => {
  endpoint = await integrationEndpoint({ maxRows: 10_000 });
  const { client } = storeHelpers(endpoint.url);
  const g = namedNode(stream.targetGraph);
  for (let index = 0; index < 12_000; index += 1) expected.push(quad(namedNode(`http://test.example/${stream.name}/s${index}`), namedNode('http://test.example/p'), literal(`v${index}`), g));
  const big = namedNode(`http://test.example/${stream.name}/big`);
  for (let index = 0; index < 10_500; index += 1) expected.push(quad(big, namedNode(`http://test.example/p${index % 3}`), literal(`b${index}`), g));
  await client.insertData(expected, { batchSize: 1000 });
  const oversized = namedNode(`http://test.example/${tooBig.name}/oversized`);
  const tooMany: Quad[] = [];
  for (let index = 0; index < 10_001; index += 1) tooMany.push(quad(oversized, namedNode('http://test.example/p'), literal(`o${index}`), namedNode(tooBig.targetGraph)));
  await client.insertData(tooMany, { batchSize: 1000 });
  config = testConfig(endpoint.url, [stream, tooBig]);
  service = await startPublisher(config);
  // 32 501 triples in 33 updates: on a busy machine Virtuoso needs more than jest's default minute.
}, 300_000);

afterAll(async () => {
  await service?.stop();
  await endpoint?.close();
});

test('a graph with 12 001 subjects and a 10 500-triple subject is dumped whole', async () => {
  expect(endpoint.maxRows).toBe(10_000);
  const dump = await service.publisher.run(config.streams[0]!);
  const text = await readFile(filePathOfShareUri(config.shareDir, dump.files[0]!.shareUri), 'utf8');
  expect(turtleTriples(text)).toEqual(new Set(expected.map((item) => canonicalTripleKey(item))));
  expect(dump.subjects).toBe(12_001);
  expect(dump.triples).toBe(22_500);
});

test('one predicate with more values than the row limit fails the task with a task:error', async () => {
  const { client, jobs } = storeHelpers(endpoint.url);
  const { task } = await scheduleDump(jobs, tooBig);
  await service.runner.scan();
  await service.runner.idle();
  await waitForStatus(client, task, tooBig.jobsGraph, 'failed');
  const rows = await client.select(`SELECT ?message WHERE { GRAPH <${tooBig.jobsGraph}> { <${task}> <http://redpencil.data.gift/vocabularies/tasks/error> ?e . ?e <http://open-services.net/ns/core#message> ?message } }`);
  expect(rows).toHaveLength(1);
  expect(rows[0]!.message!.value).toContain('more than one query can return');
  expect(rows[0]!.message!.value).toContain(`[${tooBig.name}]`);
  const published = await client.select(`SELECT ?d WHERE { GRAPH <${tooBig.dcatGraph}> { ?d a <http://www.w3.org/ns/dcat#Dataset> } }`);
  expect(published).toEqual([]);
});
