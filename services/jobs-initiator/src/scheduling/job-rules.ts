/**
 * When may a job be created? Pure rules over a snapshot of the stream's jobs (unit tested with a fake
 * clock). The store re-checks conflicts atomically when inserting; these rules give the reason.
 *
 * - Conflicts: no job of any kind while a job of the stream is scheduled or busy (the lblod 1.x rule).
 * - Initial sync: refused once the latest initial sync succeeded (unless forced); after a failed one,
 *   start-up retries or waits for an operator, per `failedInitialSyncPolicy`; HTTP always may retry.
 * - Healing gate: the *latest* initial-sync job must be `success` (one old success does not open the
 *   gate after a newer attempt failed), unless `healShouldNotWaitForInitialSync`.
 */
import { ACTIVE_STATUSES, STATUS, type JobRecord } from '@delta-producer/core';
import type { JobKind, StreamConfig } from '../config/stream-config.js';

export type TriggerSource = 'startup' | 'cron' | 'http';

export interface StreamJobsSnapshot {
  /** Active (scheduled/busy) jobs of the stream's three operations. */
  active: JobRecord[];
  /** The newest initial-sync job of the stream, whatever its status. */
  latestInitialSync?: JobRecord;
}

export type RefusalReason = 'conflict' | 'healing-gate' | 'initial-sync-succeeded' | 'initial-sync-failed';

export type Decision = { create: true } | { create: false; reason: RefusalReason; message: string; jobs?: string[] };

export const HEALING_GATE_MESSAGE = 'Healing must wait for initial sync to complete, but initial sync did not complete yet';

const isActive = (job: JobRecord) => ACTIVE_STATUSES.includes(STATUS[job.status as keyof typeof STATUS] ?? job.status);

export function decide(kind: JobKind, stream: StreamConfig, snapshot: StreamJobsSnapshot, options: { source: TriggerSource; force?: boolean }): Decision {
  const active = snapshot.active.filter(isActive);
  if (active.length > 0) {
    return {
      create: false,
      reason: 'conflict',
      message: `a job of stream "${stream.name}" is still active: ${active.map((job) => `${job.uri} (${job.status})`).join(', ')}`,
      jobs: active.map((job) => job.uri),
    };
  }
  const latest = snapshot.latestInitialSync;
  if (kind === 'initialSync' && latest) {
    if (latest.status === 'success' && !options.force) {
      return { create: false, reason: 'initial-sync-succeeded', message: `the initial sync of stream "${stream.name}" already succeeded (${latest.uri}); use ?force=true to run it again`, jobs: [latest.uri] };
    }
    if (latest.status !== 'success' && options.source === 'startup' && stream.failedInitialSyncPolicy === 'wait-for-operator') {
      return { create: false, reason: 'initial-sync-failed', message: `the latest initial sync of stream "${stream.name}" ended ${latest.status} (${latest.uri}); waiting for an operator (failedInitialSyncPolicy)`, jobs: [latest.uri] };
    }
  }
  if (kind === 'healing' && stream.healingWaitsForInitialSync && latest?.status !== 'success') {
    return { create: false, reason: 'healing-gate', message: HEALING_GATE_MESSAGE, jobs: latest ? [latest.uri] : [] };
  }
  return { create: true };
}
