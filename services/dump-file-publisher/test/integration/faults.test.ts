/**
 * Faults of production in the middle of a dump: the store unavailable (503) for FAULT_OUTAGE_MS
 * (default 30 s) — the dump is dumped again once the store answers, and one dataset is published
 * whose file equals the graph; /share full mid-dump and /share read-only — the task fails with the
 * reason, no file is left and nothing is published, and the next dump (once there is room) succeeds.
 * A real tmpfs (needs root, as CI runs) and a fault proxy in front of the store.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filePathOfShareUri, literal, namedNode, PREDICATES, quad, sparql, type Quad } from '@delta-producer/core';
import { startFaultProxy, type FaultProxy } from '../../../core/test/support/fault-proxy.js';
import { integrationEndpoint, type IntegrationEndpoint } from '../../../core/test/support/sparql-endpoint.js';
import { mountTmpfs, type TestTmpfs } from '../../../core/test/support/tmpfs.js';
import { DatasetRepository } from '../../src/metadata/dataset-repository.js';
import type { RunningDumpPublisher } from '../../src/service.js';
import { graphTriples, scheduleDump, startPublisher, storeHelpers, testConfig, testStream, turtleTriples, waitForStatus, type TestStream } from './support.js';

const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 30_000);

let endpoint: IntegrationEndpoint;
let proxy: FaultProxy;
let share: TestTmpfs;
let service: RunningDumpPublisher | undefined;
let stream: TestStream;
let shareDir: string;

beforeAll(async () => {
  endpoint = await integrationEndpoint({ maxRows: 10_000 });
  proxy = await startFaultProxy(new URL(endpoint.url).origin);
  stream = testStream();
  const quads: Quad[] = [];
  for (let index = 0; index < 400; index++) quads.push(quad(namedNode(`http://test.example/${stream.name}/r${index}`), namedNode('http://test.example/p'), literal(`value ${index} ${'x'.repeat(200)}`), namedNode(stream.targetGraph)));
  await storeHelpers(endpoint.url).client.insertData(quads);
  const config = testConfig(`${proxy.origin}${new URL(endpoint.url).pathname}`, [stream], { EXPORT_TTL_BATCH_SIZE: '20', MAX_SUBJECT_COUNT: '100', DUMP_ATTEMPTS: '12', DUMP_RETRY_DELAY_MS: '500', STALE_TASK_AFTER_MS: '60000', CLEANUP_GRACE_PERIOD_MS: '0' });
  shareDir = config.shareDir;
  share = await mountTmpfs(shareDir, 4 * 1024 * 1024);
  service = await startPublisher(config);
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await share?.unmount();
  await proxy?.close();
  await endpoint?.close();
});

const datasets = () => new DatasetRepository(storeHelpers(endpoint.url).client).datasets({ subject: stream.subject, dcatGraph: stream.dcatGraph, filesGraph: stream.filesGraph });

async function filesInFolder(): Promise<string[]> {
  return readdir(join(shareDir, 'delta-producer-dumps', stream.entry.fileBaseName as string)).catch(() => []);
}

/** Injects `fault` when the dump sends its n-th triple query (that query waits for it). */
function atTripleQuery(n: number, fault: () => void | Promise<void>): void {
  let seen = 0;
  proxy.onRequest = async (body) => {
    if (!decodeURIComponent(body.replace(/\+/g, ' ')).includes('VALUES ?s')) return;
    seen++;
    if (seen === n) await fault();
  };
}

async function dumpAndWait(expected: 'success' | 'failed'): Promise<string> {
  const { client, jobs } = storeHelpers(endpoint.url);
  const { task } = await scheduleDump(jobs, stream);
  await service!.runner.scan();
  await waitForStatus(client, task, stream.jobsGraph, expected);
  await service!.runner.idle();
  return task;
}

async function taskErrors(task: string): Promise<string[]> {
  const rows = await storeHelpers(endpoint.url).client.select(sparql`SELECT ?message WHERE { GRAPH ${namedNode(stream.jobsGraph)} { ${namedNode(task)} ${namedNode(PREDICATES.taskError)} ?error . ?error ${namedNode(PREDICATES.message)} ?message } }`);
  return rows.map((row) => row.message!.value);
}

test(`the store unavailable for ${OUTAGE_MS / 1000} s mid-dump: dumped again once it answers, one dataset, equal to the graph`, async () => {
  atTripleQuery(3, () => {
    proxy.mode = 'down';
    setTimeout(() => (proxy.mode = 'up'), OUTAGE_MS);
  });
  await dumpAndWait('success');
  expect(proxy.faulted).toBeGreaterThan(0);
  const published = await datasets();
  expect(published).toHaveLength(1);
  const distribution = (await new DatasetRepository(storeHelpers(endpoint.url).client).distributions(published[0]!.uri, { dcatGraphs: [stream.dcatGraph], filesGraphs: [stream.filesGraph] }))[0]!;
  const text = await readFile(filePathOfShareUri(shareDir, distribution.file!.physical!), 'utf8');
  expect(turtleTriples(text)).toEqual(await graphTriples(storeHelpers(endpoint.url).client, stream.targetGraph));
  expect((await filesInFolder()).filter((name) => name.endsWith('.partial'))).toEqual([]);
}, OUTAGE_MS + 120_000);

test('/share full mid-dump: the task fails with the reason, nothing is published or left; the next dump succeeds', async () => {
  const before = await datasets();
  const filesBefore = (await filesInFolder()).sort();
  atTripleQuery(3, () => share.fill());
  const task = await dumpAndWait('failed');
  expect((await taskErrors(task)).join(' ')).toMatch(/ENOSPC|no space/i);
  expect(await datasets()).toHaveLength(before.length);
  expect((await filesInFolder()).filter((name) => name !== '.filler').sort()).toEqual(filesBefore);

  proxy.onRequest = undefined;
  await share.makeRoom();
  await dumpAndWait('success');
  expect(await datasets()).toHaveLength(before.length + 1);
}, 120_000);

test('/share read-only: the task fails with the reason, nothing is published; once writable the next dump succeeds', async () => {
  const before = await datasets();
  await share.readOnly();
  try {
    const task = await dumpAndWait('failed');
    expect((await taskErrors(task)).join(' ')).toMatch(/EROFS|read-only/i);
    expect(await datasets()).toHaveLength(before.length);
  } finally {
    await share.readWrite();
  }
  await dumpAndWait('success');
  expect(await datasets()).toHaveLength(before.length + 1);
}, 120_000);
