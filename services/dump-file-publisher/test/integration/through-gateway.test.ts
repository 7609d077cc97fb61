/**
 * The stack's path, behind the dev-gateway (mu-authorization + delta-notifier stand-in): the
 * jobs-initiator creates a dump job on request; the gateway's notifier posts the task's scheduled
 * status to this publisher's `/delta` (the rule of config/local/delta/rules.js); the dump runs; the
 * task's success reaches the initiator, whose job lifecycle closes the job. The store behind the
 * gateway is the embedded one, or Virtuoso with TEST_SPARQL_BACKEND=virtuoso.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createSparqlClient, literal, namedNode, quad, STATUS } from '@delta-producer/core';
import { startDevGateway, type DevGateway } from '../../../dev-gateway/src/gateway.js';
import { unusedPort, TEST_BACKEND } from '../../../core/test/support/sparql-endpoint.js';
import { loadInitiatorConfig } from '../../../jobs-initiator/src/config/initiator-config.js';
import { startJobsInitiator, type RunningJobsInitiator } from '../../../jobs-initiator/src/service.js';
import { startDumpPublisher, type RunningDumpPublisher } from '../../src/service.js';
import { silentLogger, statusOf, testConfig, testStream, turtleTriples, eventually } from './support.js';

let tempDir: string;
let gateway: DevGateway;
let publisher: RunningDumpPublisher;
let initiator: RunningJobsInitiator;
const stream = testStream();

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'dump-gateway-'));
  const port = await unusedPort();
  const sparqlUrl = `http://127.0.0.1:${port}/sparql`;
  // The services start first (they wait for the store), so the rules can name their ports.
  publisher = await startDumpPublisher(testConfig(sparqlUrl, [stream], { TASK_SCAN_INTERVAL_MS: '3600000' }), silentLogger());
  const initiatorConfigPath = join(tempDir, 'initiator.json');
  await writeFile(
    initiatorConfigPath,
    JSON.stringify([
      {
        name: stream.name,
        jobsGraph: stream.jobsGraph,
        dumpFileCreationJobOperation: stream.dumpOperation,
        initialPublicationGraphSyncJobOperation: stream.initialSyncOperation,
        healingJobOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/healingOperation/${stream.name}`,
        startInitialSync: false,
        disableDumpFileCreation: true,
        disableHealingJobOperation: true,
      },
    ]),
  );
  initiator = await startJobsInitiator(
    loadInitiatorConfig({ CONFIG_PATH: initiatorConfigPath, CONFIG_OVERRIDE_PATH: join(tempDir, 'none.json'), MU_SPARQL_ENDPOINT: sparqlUrl, PORT: '0', HOST: '127.0.0.1', PING_DB_INTERVAL: '0.2', LIFECYCLE_SCAN_INTERVAL_MS: '3600000' }),
    createLogger({ level: 'silent', format: 'json', name: 'initiator' }),
  );
  const rules = [
    {
      match: { predicate: { type: 'uri', value: 'http://www.w3.org/ns/adms#status' }, object: { type: 'uri', value: STATUS.scheduled } },
      callback: { url: `${publisher.url}/delta`, method: 'POST' },
      options: { resourceFormat: 'v0.0.1', gracePeriod: 50 },
    },
    {
      match: { predicate: { type: 'uri', value: 'http://www.w3.org/ns/adms#status' } },
      callback: { url: `${initiator.url}/delta`, method: 'POST' },
      options: { resourceFormat: 'v0.0.1' },
    },
  ];
  await writeFile(join(tempDir, 'package.json'), '{"type":"module"}\n');
  await writeFile(join(tempDir, 'rules.js'), `export default ${JSON.stringify(rules, null, 2)};\n`);
  gateway = await startDevGateway({
    port,
    rules: join(tempDir, 'rules.js'),
    ...(TEST_BACKEND === 'virtuoso' ? { backendSparqlUrl: process.env.TEST_VIRTUOSO_URL! } : { dataDir: join(tempDir, 'data') }),
  });
  await publisher.started;
  await initiator.started;
  await createSparqlClient({ endpoint: gateway.directUrl }).insertData([quad(namedNode(`http://test.example/${stream.name}/a`), namedNode('http://test.example/p'), literal('through the gateway', 'en'), namedNode(stream.targetGraph))]);
});

afterAll(async () => {
  await initiator?.stop();
  await publisher?.stop();
  await gateway?.stop();
  await rm(tempDir, { recursive: true, force: true });
});

test('a dump job requested at the initiator ends in success, with the dump published', async () => {
  const response = await fetch(`${initiator.url}/${stream.name}/dump-publication-graph-jobs`, { method: 'POST' });
  expect(response.status).toBe(201);
  const { job, task } = (await response.json()) as { job: string; task: string };
  const client = createSparqlClient({ endpoint: gateway.directUrl });
  await eventually(async () => (await statusOf(client, job, stream.jobsGraph)) === STATUS.success, 200);
  expect(await statusOf(client, task, stream.jobsGraph)).toBe(STATUS.success);
  const latest = await fetch(`${publisher.url}/${stream.name}/dumps/latest`);
  expect(turtleTriples(await latest.text()).size).toBe(1);
});
