import { TASK_OPERATIONS, CREATORS } from '@delta-producer/core';
import { integrationEndpoint, type IntegrationEndpoint } from '../../../../core/test/support/sparql-endpoint.js';
import type { RunningJobsInitiator } from '../../../src/service.js';
import { startInitiator, storeHelpers, testStream, type TestStream } from '../support.js';

let endpoint: IntegrationEndpoint;
let store: ReturnType<typeof storeHelpers>;
const running: RunningJobsInitiator[] = [];
const graphs: string[] = [];

beforeAll(async () => {
  endpoint = await integrationEndpoint();
  store = storeHelpers(endpoint.url);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((initiator) => initiator.stop()));
  await Promise.all(graphs.splice(0).map((graph) => store.clear(graph)));
});
afterAll(() => endpoint.close());

async function start(streams: TestStream[], env: Record<string, string> = {}) {
  graphs.push(...streams.map((stream) => stream.jobsGraph));
  const initiator = await startInitiator(endpoint.url, streams, env);
  running.push(initiator);
  return initiator;
}

const post = (initiator: RunningJobsInitiator, path: string, init: RequestInit = {}) => fetch(`${initiator.url}${path}`, { method: 'POST', ...init });
const jobsOf = (stream: TestStream, operation: string) => store.repository.findJobs({ graph: stream.jobsGraph, operations: [operation] });

describe('start-up', () => {
  it('creates one initial-sync job when startInitialSync is set, written as data-model §7.1', async () => {
    const stream = testStream({ startInitialSync: true });
    await start([stream]);
    const jobs = await jobsOf(stream, stream.entry.initialPublicationGraphSyncJobOperation as string);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'busy', creator: CREATORS.jobsInitiator });
    const tasks = await store.repository.findTasks({ graph: stream.jobsGraph, job: jobs[0]!.uri });
    expect(tasks).toMatchObject([{ status: 'scheduled', index: '0', operation: TASK_OPERATIONS.initialSync }]);
  });

  it('does not create a second initial sync on restart while the first is active, nor after it succeeded', async () => {
    const stream = testStream({ startInitialSync: true });
    const first = await start([stream]);
    await first.stop();
    await start([stream]);
    const [job] = await jobsOf(stream, stream.entry.initialPublicationGraphSyncJobOperation as string);
    await store.repository.setStatus({ subject: job!.uri, graph: stream.jobsGraph, to: 'success' });
    await start([stream]);
    expect(await jobsOf(stream, stream.entry.initialPublicationGraphSyncJobOperation as string)).toHaveLength(1);
  });

  it('retries a failed initial sync at start-up with the retry policy, not with wait-for-operator', async () => {
    const stream = testStream({ startInitialSync: true, failedInitialSyncPolicy: 'wait-for-operator' });
    const first = await start([stream]);
    await first.stop();
    const op = stream.entry.initialPublicationGraphSyncJobOperation as string;
    const [job] = await jobsOf(stream, op);
    await store.repository.setStatus({ subject: job!.uri, graph: stream.jobsGraph, to: 'failed' });
    const waiting = await start([stream]);
    expect(await jobsOf(stream, op)).toHaveLength(1);
    await waiting.stop();
    await start([{ ...stream, entry: { ...stream.entry, failedInitialSyncPolicy: 'retry' } }]);
    expect(await jobsOf(stream, op)).toHaveLength(2);
  });
});

describe('POST job routes', () => {
  it('answers 201 with the job and task, then 409 with the reason while it is active', async () => {
    const stream = testStream();
    const initiator = await start([stream]);
    const created = await post(initiator, `/${stream.name}/initial-sync-jobs`);
    expect(created.status).toBe(201);
    const body = (await created.json()) as { job: string; task: string };
    expect(body.job).toMatch(/^http:\/\/redpencil\.data\.gift\/id\/job\//);
    expect(body.task).toMatch(/^http:\/\/redpencil\.data\.gift\/id\/task\//);
    const refused = await post(initiator, `/${stream.name}/dump-publication-graph-jobs`);
    expect(refused.status).toBe(409);
    const error = (await refused.json()) as { errors: { code: string; meta: { jobs: string[] } }[] };
    expect(error.errors[0]).toMatchObject({ code: 'conflict', meta: { jobs: [body.job] } });
  });

  it('creates exactly one job from 20 concurrent POSTs', async () => {
    const stream = testStream({ healShouldNotWaitForInitialSync: true });
    const initiator = await start([stream]);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => post(initiator, `/${stream.name}/healing-jobs`).then((response) => response.status)));
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    expect(await jobsOf(stream, stream.entry.healingJobOperation as string)).toHaveLength(1);
  });

  it('creates exactly one job from concurrent POSTs to two instances', async () => {
    const stream = testStream();
    const [a, b] = [await start([stream]), await start([stream])];
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => post(i % 2 ? a : b, `/${stream.name}/dump-publication-graph-jobs`).then((response) => response.status)));
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(await jobsOf(stream, stream.entry.dumpFileCreationJobOperation as string)).toHaveLength(1);
  });

  it('keeps the healing gate closed until the latest initial sync succeeded', async () => {
    const stream = testStream();
    const initiator = await start([stream]);
    const closed = await post(initiator, `/${stream.name}/healing-jobs`);
    expect(closed.status).toBe(409);
    expect(((await closed.json()) as { errors: { code: string; detail: string }[] }).errors[0]).toMatchObject({ code: 'healing-gate', detail: 'Healing must wait for initial sync to complete, but initial sync did not complete yet' });
    const { job } = (await (await post(initiator, `/${stream.name}/initial-sync-jobs`)).json()) as { job: string };
    await store.repository.setStatus({ subject: job, graph: stream.jobsGraph, to: 'success' });
    expect((await post(initiator, `/${stream.name}/healing-jobs`)).status).toBe(201);
    // "Not now" is not stored as an error resource.
    const errors = await store.client.select(`SELECT ?e WHERE { GRAPH <${stream.jobsGraph}> { ?e a <http://open-services.net/ns/core#Error> } }`);
    expect(errors).toHaveLength(0);
  });

  it('refuses a second initial sync after success unless forced', async () => {
    const stream = testStream();
    const initiator = await start([stream]);
    const { job } = (await (await post(initiator, `/${stream.name}/initial-sync-jobs`)).json()) as { job: string };
    await store.repository.setStatus({ subject: job, graph: stream.jobsGraph, to: 'success' });
    const refused = await post(initiator, `/${stream.name}/initial-sync-jobs`);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('initial-sync-succeeded');
    expect((await post(initiator, `/${stream.name}/initial-sync-jobs?force=true`)).status).toBe(201);
  });

  it('rejects bad input with a 4xx JSON error and writes nothing', async () => {
    const stream = testStream({ triggerToken: 'a-very-long-trigger-token' });
    const initiator = await start([stream]);
    const auth = { authorization: 'Bearer a-very-long-trigger-token' };
    const cases: [string, RequestInit, number][] = [
      ['/nope/healing-jobs', { headers: auth }, 404],
      [`/${stream.name}/initial-sync-jobs`, {}, 401],
      [`/${stream.name}/initial-sync-jobs`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } }, 401],
      [`/${stream.name}/initial-sync-jobs?force=yes`, { headers: auth }, 400],
      [`/${stream.name}/initial-sync-jobs?page=1`, { headers: auth }, 400],
      [`/${stream.name}/initial-sync-jobs`, { headers: { ...auth, 'content-type': 'application/json' }, body: '{"a":1}' }, 400],
      ['/delta', { headers: { 'content-type': 'application/json' }, body: '{"delta":{}}' }, 400],
      ['/delta', { headers: { 'content-type': 'application/json' }, body: '[{"inserts": [' }, 400],
    ];
    for (const [path, init, status] of cases) {
      const response = await post(initiator, path, init);
      expect([path, response.status]).toEqual([path, status]);
      expect(response.headers.get('content-type')).toMatch(/json/);
      expect(((await response.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    }
    expect(await store.client.select(`SELECT * WHERE { GRAPH <${stream.jobsGraph}> { ?s ?p ?o } }`)).toHaveLength(0);
    expect((await post(initiator, `/${stream.name}/initial-sync-jobs`, { headers: auth })).status).toBe(201);
  });
});

describe('DELETE job routes', () => {
  it('refuses active jobs without force, removes jobs with tasks and errors with force, and never hangs', async () => {
    const stream = testStream();
    const initiator = await start([stream]);
    const { job, task } = (await (await post(initiator, `/${stream.name}/initial-sync-jobs`)).json()) as { job: string; task: string };
    await store.repository.appendError({ owner: task, graph: stream.jobsGraph, message: 'boom' });
    const refused = await fetch(`${initiator.url}/${stream.name}/initial-sync-jobs`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    const removed = await fetch(`${initiator.url}/${stream.name}/initial-sync-jobs?force=true`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    const body = (await removed.json()) as { removed: string[] };
    expect(body.removed).toEqual(expect.arrayContaining([job, task]));
    expect(body.removed).toHaveLength(3);
    expect(await store.client.select(`SELECT * WHERE { GRAPH <${stream.jobsGraph}> { ?s ?p ?o } }`)).toHaveLength(0);
  });

  it('deletes finished jobs without force and leaves other kinds alone', async () => {
    const stream = testStream({ healShouldNotWaitForInitialSync: true });
    const initiator = await start([stream]);
    const { job: healing } = (await (await post(initiator, `/${stream.name}/healing-jobs`)).json()) as { job: string };
    await store.repository.setStatus({ subject: healing, graph: stream.jobsGraph, to: 'success' });
    const { job: dump } = (await (await post(initiator, `/${stream.name}/dump-publication-graph-jobs`)).json()) as { job: string };
    const response = await fetch(`${initiator.url}/${stream.name}/healing-jobs`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect((await jobsOf(stream, stream.entry.dumpFileCreationJobOperation as string)).map((j) => j.uri)).toEqual([dump]);
    expect(await jobsOf(stream, stream.entry.healingJobOperation as string)).toHaveLength(0);
  });
});

describe('GET /<name>/jobs', () => {
  it('lists jobs newest first with their tasks, paged', async () => {
    const stream = testStream({ healShouldNotWaitForInitialSync: true });
    const initiator = await start([stream]);
    const created: string[] = [];
    for (const route of ['healing-jobs', 'dump-publication-graph-jobs', 'healing-jobs']) {
      const { job } = (await (await post(initiator, `/${stream.name}/${route}`)).json()) as { job: string };
      await store.repository.setStatus({ subject: job, graph: stream.jobsGraph, to: 'success' });
      created.push(job);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const first = (await (await fetch(`${initiator.url}/${stream.name}/jobs?page[size]=2`)).json()) as { data: { attributes: { uri: string; kind: string; status: string; tasks: unknown[] } }[]; links: { next?: string } };
    expect(first.data.map((job) => job.attributes.uri)).toEqual([created[2], created[1]]);
    expect(first.data[0]!.attributes).toMatchObject({ kind: 'healing', status: 'success' });
    expect(first.data[0]!.attributes.tasks).toHaveLength(1);
    expect(first.links.next).toBeDefined();
    const second = (await (await fetch(`${initiator.url}${first.links.next!}`)).json()) as { data: { attributes: { uri: string } }[] };
    expect(second.data.map((job) => job.attributes.uri)).toEqual([created[0]]);
    expect((await fetch(`${initiator.url}/${stream.name}/jobs?page[size]=1000`)).status).toBe(400);
  });
});

describe('single-stream env mode', () => {
  it('serves unprefixed routes', async () => {
    const stream = testStream();
    graphs.push(stream.jobsGraph);
    const { startInitiatorFromEnv } = await import('../support-env.js');
    const initiator = await startInitiatorFromEnv(endpoint.url, stream);
    running.push(initiator);
    expect((await post(initiator, '/dump-publication-graph-jobs')).status).toBe(201);
    expect((await post(initiator, '/dump-cache-graph-jobs')).status).toBe(409);
    expect((await post(initiator, `/${stream.name}/dump-publication-graph-jobs`)).status).toBe(409);
  });
});
