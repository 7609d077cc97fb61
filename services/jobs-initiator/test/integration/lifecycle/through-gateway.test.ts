/**
 * The lifecycle behind the dev-gateway, as in a stack: jobs and status changes are written through the
 * gateway's `/sparql` (mu-authorization's stand-in), its delta-notifier emulation posts the
 * `adms:status` changes (rules.js written here) to a small express app that hands them to
 * `acceptDelta(parseDeltaMessage(body))`, as `POST /delta` does. No scan runs: only deltas drive it.
 * The gateway stores in its embedded store, or in Virtuoso with TEST_SPARQL_BACKEND=virtuoso.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createSparqlClient, JobRepository, parseDeltaMessage, PREDICATES, type SparqlClient } from '@delta-producer/core';
import { startDevGateway, type DevGateway } from '../../../../dev-gateway/src/gateway.js';
import { capturingLogger, TEST_BACKEND } from '../../../../core/test/support/sparql-endpoint.js';
import { JobLifecycle } from '../../../src/lifecycle/job-lifecycle.js';
import { addResultsContainers, clearGraphs, createJob, eventually, finishTask, objectsOf, statusOf, TASK_OPS, tasksOf, testConfig, testStream, uniqueGraph } from './support.js';

let tempDir: string;
let gateway: DevGateway;
let server: Server;
let client: SparqlClient;
let repository: JobRepository;
let lifecycle: JobLifecycle;
let deliveries = 0;
const jobsGraph = uniqueGraph('gateway');
const stream = testStream(jobsGraph);

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'lifecycle-gateway-'));
  const app = express();
  app.use(express.json({ limit: '10mb' }));
  app.post('/delta', (request, response) => {
    deliveries += 1;
    lifecycle.acceptDelta(parseDeltaMessage(request.body));
    response.status(202).end();
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/delta`;
  const rules = [
    {
      match: { predicate: { type: 'uri', value: PREDICATES.status } },
      callback: { url: callback, method: 'POST' },
      options: { resourceFormat: 'v0.0.1', gracePeriod: 0 },
    },
  ];
  const rulesPath = join(tempDir, 'rules.js');
  // As in an app's config/delta/: package.json type module, so rules.js is an ES module.
  await writeFile(join(tempDir, 'package.json'), '{"type":"module"}\n');
  await writeFile(rulesPath, `export default ${JSON.stringify(rules, null, 2)};\n`);
  gateway = await startDevGateway({
    rules: rulesPath,
    ...(TEST_BACKEND === 'virtuoso' ? { backendSparqlUrl: process.env.TEST_VIRTUOSO_URL! } : { dataDir: join(tempDir, 'data') }),
  });
  client = createSparqlClient({ endpoint: gateway.url });
  repository = new JobRepository(client);
  lifecycle = new JobLifecycle({ client, repository, config: testConfig([stream]), logger: capturingLogger().logger });
});

afterAll(async () => {
  await lifecycle?.stop();
  if (client) await clearGraphs(client, [jobsGraph]);
  await gateway?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await rm(tempDir, { recursive: true, force: true });
});

it('status changes written through the gateway drive the initial-sync chain to job success', async () => {
  const { job, task } = await createJob(repository, stream, 'initialSync');
  await addResultsContainers(client, jobsGraph, task, ['http://data.lblod.info/id/dataContainers/gw']);
  await finishTask(repository, jobsGraph, task, 'success');

  await eventually(async () => (await tasksOf(repository, jobsGraph, job)).length === 2, 10_000, 'the dump task');
  const [, dump] = await tasksOf(repository, jobsGraph, job);
  expect([dump!.index, dump!.operation, dump!.status]).toEqual(['1', TASK_OPS.dump, 'scheduled']);
  expect(await objectsOf(client, jobsGraph, dump!.uri, PREDICATES.dependsOn)).toEqual([task]);
  expect(await objectsOf(client, jobsGraph, dump!.uri, PREDICATES.inputContainer)).toEqual(['http://data.lblod.info/id/dataContainers/gw']);

  await finishTask(repository, jobsGraph, dump!.uri, 'success');
  await eventually(async () => (await statusOf(client, jobsGraph, job)).join() === 'success', 10_000, 'job success');
  await lifecycle.idle();
  expect(await tasksOf(repository, jobsGraph, job)).toHaveLength(2);
  expect(deliveries).toBeGreaterThan(0);
});
