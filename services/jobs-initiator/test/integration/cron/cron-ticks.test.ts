/**
 * Cron firing under fake timers with two initiator instances on one store: every tick creates exactly
 * one job, with the tick's deterministic ids. Only timers and Date are faked; HTTP and the store are real.
 */
import { jest } from '@jest/globals';
import { URI_BASES } from '@delta-producer/core';
import { integrationEndpoint, type IntegrationEndpoint } from '../../../../core/test/support/sparql-endpoint.js';
import { tickIds } from '../../../src/scheduling/tick-key.js';
import type { StreamConfig } from '../../../src/config/stream-config.js';
import type { RunningJobsInitiator } from '../../../src/service.js';
import { startInitiator, storeHelpers, testStream } from '../support.js';

let endpoint: IntegrationEndpoint;
let store: ReturnType<typeof storeHelpers>;

beforeAll(async () => {
  endpoint = await integrationEndpoint();
  store = storeHelpers(endpoint.url);
});
afterAll(() => endpoint.close());

const idle = (instances: RunningJobsInitiator[]) => Promise.all(instances.map((instance) => instance.scheduler.idle()));

it('creates one job per tick with two instances running', async () => {
  // Dump cron at 03:00:00 UTC every day; healing off.
  const stream = testStream({ disableDumpFileCreation: false, cronPatternDumpJob: '0 0 3 * * *', cronTimeZone: 'UTC' });
  const operation = stream.entry.dumpFileCreationJobOperation as string;
  jest.useFakeTimers({ now: new Date('2025-03-01T02:59:58.000Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  const instances = [await startInitiator(endpoint.url, [stream]), await startInitiator(endpoint.url, [stream])];
  try {
    expect(instances[0]!.cron.entries().map((entry) => entry.nextRun()?.toISOString())).toEqual(['2025-03-01T03:00:00.000Z']);

    await jest.advanceTimersByTimeAsync(3_000);
    await idle(instances);
    const first = await store.repository.findJobs({ graph: stream.jobsGraph, operations: [operation] });
    expect(first.map((job) => job.uri)).toEqual([`${URI_BASES.job}${tickIds(stream.name, 'dump', new Date('2025-03-01T03:00:00.000Z')).jobUuid}`]);

    // The dump finishes; the next day's tick creates the next job, again exactly one.
    await store.repository.setStatus({ subject: first[0]!.uri, graph: stream.jobsGraph, to: 'success' });
    await jest.advanceTimersByTimeAsync(24 * 60 * 60 * 1000);
    await idle(instances);
    const second = await store.repository.findJobs({ graph: stream.jobsGraph, operations: [operation] });
    expect(second).toHaveLength(2);
    expect(second[0]!.uri).toBe(`${URI_BASES.job}${tickIds(stream.name, 'dump', new Date('2025-03-02T03:00:00.000Z')).jobUuid}`);
    expect(await store.repository.findTasks({ graph: stream.jobsGraph, job: second[0]!.uri })).toHaveLength(1);
  } finally {
    jest.useRealTimers();
    await Promise.all(instances.map((instance) => instance.stop()));
    await store.clear(stream.jobsGraph);
  }
});

it('re-running a tick that already produced a job (restart within the tick) adds nothing', async () => {
  const stream = testStream();
  const instance = await startInitiator(endpoint.url, [stream]);
  try {
    const tick = new Date('2025-03-01T03:00:00.000Z');
    const streamConfig: StreamConfig = { name: stream.name, jobsGraph: stream.jobsGraph, jobOperations: { initialSync: stream.entry.initialPublicationGraphSyncJobOperation as string, healing: stream.entry.healingJobOperation as string, dump: stream.entry.dumpFileCreationJobOperation as string }, startInitialSync: false, cron: { timeZone: 'UTC' }, healingWaitsForInitialSync: true, errorCreatorUri: 'http://creator', failedInitialSyncPolicy: 'retry', manageJobLifecycle: true };
    const created = await instance.scheduler.trigger(streamConfig, 'dump', { source: 'cron', tick });
    expect(created.outcome).toBe('created');
    await store.repository.setStatus({ subject: (created as { job: string }).job, graph: stream.jobsGraph, to: 'success' });
    const again = await instance.scheduler.trigger(streamConfig, 'dump', { source: 'cron', tick });
    expect(again).toMatchObject({ outcome: 'refused', reason: 'conflict' });
    const jobs = await store.repository.findJobs({ graph: stream.jobsGraph, operations: [streamConfig.jobOperations.dump] });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.status).toBe('success');
  } finally {
    await instance.stop();
    await store.clear(stream.jobsGraph);
  }
});
