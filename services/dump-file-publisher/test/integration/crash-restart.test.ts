/**
 * Crashes: the service runs as its own process (src/main.ts) and is killed with SIGKILL at two points —
 * in the middle of reading the graph, and after the file is in place but before its metadata is
 * published (a proxy holds the request there). Each time the restarted process takes the busy task over
 * once it is stale, dumps again and succeeds; no half-written or unpublished file is ever served, and
 * the revision chain keeps exactly one head.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { literal, namedNode, quad, STATUS, type Quad } from '@delta-producer/core';
import { ChildService } from '../../../core/test/support/child-service.js';
import { integrationEndpoint, type IntegrationEndpoint } from '../../../core/test/support/sparql-endpoint.js';
import { DatasetRepository } from '../../src/metadata/dataset-repository.js';
import { eventually, graphTriples, scheduleDump, startHookProxy, statusOf, storeHelpers, testEnv, testStream, turtleTriples, waitForStatus } from './support.js';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

let endpoint: IntegrationEndpoint;
let readProxy: { url: string; close(): Promise<void> };
let writeProxy: { url: string; close(): Promise<void> };
const children: ChildService[] = [];
let dropHeld: () => void = () => undefined;
let holdReads: number | undefined; // hold the n-th triple query
let holdPublish = false;
let tripleQueries = 0;
const held = { read: false, publish: false };
const stream = testStream();
let env: Record<string, string>;

function hold(kind: 'read' | 'publish'): Promise<void> {
  held[kind] = true;
  // A held request is never forwarded: the process that sent it dies first.
  return new Promise((_resolve, reject) => {
    dropHeld = () => reject(new Error('dropped: the sender was killed'));
  });
}

function start(): ChildService {
  const child = new ChildService(MAIN, env);
  children.push(child);
  return child;
}

async function kill(child: ChildService): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
  dropHeld();
}

beforeAll(async () => {
  endpoint = await integrationEndpoint({ maxRows: 10_000 });
  const { client } = storeHelpers(endpoint.url);
  const quads: Quad[] = [];
  for (let index = 0; index < 400; index += 1) quads.push(quad(namedNode(`http://test.example/${stream.name}/r${index}`), namedNode('http://test.example/p'), literal(`value ${index}`), namedNode(stream.targetGraph)));
  await client.insertData(quads);
  readProxy = await startHookProxy(endpoint.url, async (body) => {
    if (!decodeURIComponent(body.replace(/\+/g, ' ')).includes('VALUES ?s')) return;
    tripleQueries += 1;
    if (holdReads !== undefined && tripleQueries === holdReads) await hold('read');
  });
  writeProxy = await startHookProxy(endpoint.url, async (body) => {
    const text = decodeURIComponent(body.replace(/\+/g, ' '));
    if (holdPublish && text.includes('INSERT DATA') && text.includes('DeltaCacheGraphDump')) await hold('publish');
  });
  const proxied = { ...stream, entry: { ...stream.entry, publicationGraphEndpoint: readProxy.url } };
  env = testEnv(writeProxy.url, [proxied], { EXPORT_TTL_BATCH_SIZE: '20', MAX_SUBJECT_COUNT: '100', STALE_TASK_AFTER_MS: '1500', TASK_SCAN_INTERVAL_MS: '1000', LOG_LEVEL: 'info', CLEANUP_GRACE_PERIOD_MS: '0' });
});

afterAll(async () => {
  dropHeld();
  for (const child of children) await child.stop();
  await readProxy?.close();
  await writeProxy?.close();
  await endpoint?.close();
});

async function datasets() {
  return new DatasetRepository(storeHelpers(endpoint.url).client).datasets({ subject: stream.subject, dcatGraph: stream.dcatGraph, filesGraph: stream.filesGraph });
}

async function folderFiles(): Promise<string[]> {
  const folder = `${env.SHARE_DIR}/delta-producer-dumps/${stream.entry.fileBaseName}`;
  return existsSync(folder) ? (await readdir(folder)).sort() : [];
}

test('killed while reading: the restarted process takes the task over and publishes one dump', async () => {
  const { client, jobs } = storeHelpers(endpoint.url);
  holdReads = 3;
  const first = start();
  const { task } = await scheduleDump(jobs, stream);
  await eventually(async () => held.read);
  expect(await statusOf(client, task, stream.jobsGraph)).toBe(STATUS.busy);
  await kill(first);

  // Mid-dump: only a hidden partial file, nothing published.
  expect((await folderFiles()).every((name) => name.endsWith('.partial'))).toBe(true);
  expect(await datasets()).toEqual([]);

  holdReads = undefined;
  const second = start();
  await second.waitForLog((line) => line.msg === 'dump restarted: the process that ran it stopped', 30_000);
  await waitForStatus(client, task, stream.jobsGraph, 'success');
  const published = await datasets();
  expect(published).toHaveLength(1);
  const download = await fetch(`${(await second.waitForLog((line) => line.msg === 'dump-file-publisher listening')).url as string}/${stream.name}/dumps/latest`);
  const body = await download.text();
  // The status and body (a JSON error) say more than a Turtle parse error would; so do the service's logs.
  if (download.status !== 200) throw new Error(`/dumps/latest answered ${download.status}: ${body}; service log: ${JSON.stringify(second.logLines.slice(-15))}`);
  expect(turtleTriples(body)).toEqual(await graphTriples(client, stream.targetGraph));
  // The dead process's partial file is swept once stale.
  await eventually(async () => (await folderFiles()).every((name) => !name.endsWith('.partial')));
  await kill(second);
});

test('killed between the file and its metadata: one head, the unpublished file swept', async () => {
  const { client, jobs } = storeHelpers(endpoint.url);
  holdPublish = true;
  const first = start();
  const { task } = await scheduleDump(jobs, stream);
  await eventually(async () => held.publish);
  const filesAtCrash = (await folderFiles()).filter((name) => name.endsWith('.ttl'));
  expect(filesAtCrash).toHaveLength(2); // the previous dump's and the unpublished new one
  await kill(first);
  expect(await datasets()).toHaveLength(1);

  holdPublish = false;
  const second = start();
  await waitForStatus(client, task, stream.jobsGraph, 'success');
  const published = await datasets();
  expect(published).toHaveLength(2);
  expect(published.filter((dataset) => dataset.next.length === 0)).toHaveLength(1);
  const head = published.find((dataset) => dataset.next.length === 0)!;
  expect(head.previous).toEqual([published.find((dataset) => dataset !== head)!.uri]);
  // The file the killed process renamed into place but never published is removed (grace 0 here).
  const referenced = await new DatasetRepository(client).physicalFiles({ subject: stream.subject, dcatGraph: stream.dcatGraph, filesGraph: stream.filesGraph });
  await eventually(async () => (await folderFiles()).length === referenced.size);
  expect((await folderFiles()).every((name) => [...referenced].some((uri) => uri.endsWith(`/${name}`)))).toBe(true);
  await kill(second);
});
