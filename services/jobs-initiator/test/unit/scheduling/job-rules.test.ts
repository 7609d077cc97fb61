import type { JobRecord } from '@delta-producer/core';
import type { StreamConfig } from '../../../src/config/stream-config.js';
import { decide, HEALING_GATE_MESSAGE, type StreamJobsSnapshot } from '../../../src/scheduling/job-rules.js';

const stream: StreamConfig = {
  name: 'organizations',
  jobsGraph: 'http://mu.semte.ch/graphs/jobs',
  jobOperations: { initialSync: 'http://op/initial', healing: 'http://op/healing', dump: 'http://op/dump' },
  startInitialSync: true,
  cron: { healing: '0 0 2 * * *', dump: '0 0 0 * * *', timeZone: 'UTC' },
  healingWaitsForInitialSync: true,
  errorCreatorUri: 'http://creator',
  failedInitialSyncPolicy: 'retry',
  manageJobLifecycle: true,
};

let counter = 0;
const job = (operation: string, status: string, created = '2025-01-01T00:00:00.000Z'): JobRecord => ({ uri: `http://job/${++counter}`, operation, status, created: new Date(created) });
const snapshot = (active: JobRecord[] = [], latestInitialSync?: JobRecord): StreamJobsSnapshot => ({ active, latestInitialSync });

describe('conflicts (dedupe)', () => {
  it.each(['initialSync', 'healing', 'dump'] as const)('refuses a %s job while any job of the stream is scheduled or busy', (kind) => {
    for (const [operation, status] of [
      ['http://op/healing', 'busy'],
      ['http://op/dump', 'scheduled'],
      ['http://op/initial', 'busy'],
    ]) {
      const active = job(operation!, status!);
      const decision = decide(kind, stream, snapshot([active], job('http://op/initial', 'success')), { source: 'http' });
      expect(decision).toMatchObject({ create: false, reason: 'conflict', jobs: [active.uri] });
    }
  });

  it('creates when nothing is active', () => {
    expect(decide('dump', stream, snapshot(), { source: 'cron' })).toEqual({ create: true });
  });
});

describe('the healing gate', () => {
  it('opens when the latest initial sync succeeded', () => {
    expect(decide('healing', stream, snapshot([], job('http://op/initial', 'success')), { source: 'cron' })).toEqual({ create: true });
  });

  it.each(['failed', 'busy', 'scheduled', 'canceled'])('stays closed when the latest initial sync is %s, even after an older success', (status) => {
    // The snapshot holds only the latest initial-sync job: an older success is not consulted.
    const decision = decide('healing', stream, snapshot([], job('http://op/initial', status, '2025-06-01T00:00:00.000Z')), { source: 'cron' });
    expect(decision).toMatchObject({ create: false, reason: 'healing-gate', message: HEALING_GATE_MESSAGE });
  });

  it('stays closed when no initial sync ever ran', () => {
    expect(decide('healing', stream, snapshot(), { source: 'http' })).toMatchObject({ create: false, reason: 'healing-gate', jobs: [] });
  });

  it('is switched off by healShouldNotWaitForInitialSync', () => {
    expect(decide('healing', { ...stream, healingWaitsForInitialSync: false }, snapshot(), { source: 'cron' })).toEqual({ create: true });
  });

  it('does not apply to dumps', () => {
    expect(decide('dump', stream, snapshot(), { source: 'cron' })).toEqual({ create: true });
  });
});

describe('initial sync', () => {
  it('runs when none ran yet', () => {
    expect(decide('initialSync', stream, snapshot(), { source: 'startup' })).toEqual({ create: true });
  });

  it('is refused once the latest succeeded, unless forced', () => {
    const done = job('http://op/initial', 'success');
    expect(decide('initialSync', stream, snapshot([], done), { source: 'startup' })).toMatchObject({ create: false, reason: 'initial-sync-succeeded' });
    expect(decide('initialSync', stream, snapshot([], done), { source: 'http' })).toMatchObject({ create: false, reason: 'initial-sync-succeeded' });
    expect(decide('initialSync', stream, snapshot([], done), { source: 'http', force: true })).toEqual({ create: true });
  });

  it('is retried after a failure at start-up with the retry policy', () => {
    expect(decide('initialSync', stream, snapshot([], job('http://op/initial', 'failed')), { source: 'startup' })).toEqual({ create: true });
  });

  it('waits for an operator after a failure with the wait-for-operator policy, but an operator may retry', () => {
    const waiting = { ...stream, failedInitialSyncPolicy: 'wait-for-operator' as const };
    const failed = job('http://op/initial', 'failed');
    expect(decide('initialSync', waiting, snapshot([], failed), { source: 'startup' })).toMatchObject({ create: false, reason: 'initial-sync-failed' });
    expect(decide('initialSync', waiting, snapshot([], failed), { source: 'http' })).toEqual({ create: true });
  });

  it('is never forced past an active job', () => {
    const active = job('http://op/dump', 'busy');
    expect(decide('initialSync', stream, snapshot([active]), { source: 'http', force: true })).toMatchObject({ reason: 'conflict' });
  });
});
