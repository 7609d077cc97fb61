/**
 * Pickup across replicas: two publishers on one store see the same scheduled task (each from its own
 * scan, as after a lost delta); the guarded scheduled → busy move lets exactly one of them dump it.
 * And a graph that shrinks while it is read ends the dump (the lblod loop waited for a count forever).
 */
import { readFile } from 'node:fs/promises';
import { filePathOfShareUri, literal, namedNode, quad, STATUS, type Quad } from '@delta-producer/core';
import { integrationEndpoint, type IntegrationEndpoint } from '../../../core/test/support/sparql-endpoint.js';
import { DatasetRepository } from '../../src/metadata/dataset-repository.js';
import { graphTriples, scheduleDump, startHookProxy, startPublisher, statusOf, storeHelpers, testConfig, testStream, turtleTriples, waitForStatus } from './support.js';

let endpoint: IntegrationEndpoint;

beforeAll(async () => {
  endpoint = await integrationEndpoint({ maxRows: 10_000 });
});

afterAll(async () => {
  await endpoint?.close();
});

function quads(stream: { name: string; targetGraph: string }, count: number): Quad[] {
  return Array.from({ length: count }, (_, index) => quad(namedNode(`http://test.example/${stream.name}/r${String(index).padStart(4, '0')}`), namedNode('http://test.example/p'), literal(`v${index}`), namedNode(stream.targetGraph)));
}

test('two replicas scanning the same task: one dump, one dataset', async () => {
  const stream = testStream();
  const { client, jobs } = storeHelpers(endpoint.url);
  await client.insertData(quads(stream, 50));
  const replicas = await Promise.all([startPublisher(testConfig(endpoint.url, [stream])), startPublisher(testConfig(endpoint.url, [stream]))]);
  try {
    const { task } = await scheduleDump(jobs, stream);
    await Promise.all(replicas.map((replica) => replica.runner.scan()));
    await Promise.all(replicas.map((replica) => replica.runner.idle()));
    await waitForStatus(client, task, stream.jobsGraph, 'success');
    const datasets = await new DatasetRepository(client).datasets({ subject: stream.subject, dcatGraph: stream.dcatGraph, filesGraph: stream.filesGraph });
    expect(datasets).toHaveLength(1);
  } finally {
    await Promise.all(replicas.map((replica) => replica.stop()));
  }
});

test('a graph emptied while it is read: the dump ends with what it read', async () => {
  const stream = testStream();
  const { client } = storeHelpers(endpoint.url);
  await client.insertData(quads(stream, 100));
  let queries = 0;
  const proxy = await startHookProxy(endpoint.url, async (body) => {
    if (!decodeURIComponent(body.replace(/\+/g, ' ')).includes('VALUES ?s')) return;
    queries += 1;
    if (queries === 2) await client.update(`DELETE WHERE { GRAPH <${stream.targetGraph}> { ?s ?p ?o } }`);
  });
  const config = testConfig(endpoint.url, [{ ...stream, entry: { ...stream.entry, publicationGraphEndpoint: proxy.url } }], { EXPORT_TTL_BATCH_SIZE: '10', MAX_SUBJECT_COUNT: '20' });
  const service = await startPublisher(config);
  try {
    const dump = await service.publisher.run(config.streams[0]!);
    const text = await readFile(filePathOfShareUri(config.shareDir, dump.files[0]!.shareUri), 'utf8');
    // The first batch was read before the graph was emptied (the second is prefetched with it).
    expect(turtleTriples(text).size).toBe(10);
    expect((await graphTriples(client, stream.targetGraph)).size).toBe(0);
  } finally {
    await service.stop();
    await proxy.close();
  }
});

test('a shutdown in the middle of a dump hands the task back as scheduled', async () => {
  const stream = testStream();
  const { client, jobs } = storeHelpers(endpoint.url);
  await client.insertData(quads(stream, 100));
  let queries = 0;
  let reached: () => void = () => undefined;
  const reachedHold = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const proxy = await startHookProxy(endpoint.url, async (body) => {
    if (!decodeURIComponent(body.replace(/\+/g, ' ')).includes('VALUES ?s')) return;
    queries += 1;
    if (queries === 2) {
      reached();
      await held;
    }
  });
  const config = testConfig(endpoint.url, [{ ...stream, entry: { ...stream.entry, publicationGraphEndpoint: proxy.url } }], { EXPORT_TTL_BATCH_SIZE: '10', MAX_SUBJECT_COUNT: '20' });
  const service = await startPublisher(config);
  try {
    const { task } = await scheduleDump(jobs, stream);
    await service.runner.considerTasks([task]);
    await reachedHold;
    expect(await statusOf(client, task, stream.jobsGraph)).toBe(STATUS.busy);
    await service.stop();
    expect(await statusOf(client, task, stream.jobsGraph)).toBe(STATUS.scheduled);
    expect(await new DatasetRepository(client).datasets({ subject: stream.subject, dcatGraph: stream.dcatGraph, filesGraph: stream.filesGraph })).toEqual([]);
  } finally {
    release();
    await service.stop();
    await proxy.close();
  }
});
