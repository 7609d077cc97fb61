/**
 * Creates jobs on request (start-up, cron, HTTP). Triggers of one stream run one at a time in this
 * process; across processes the guarded insert decides. "Not now" outcomes (conflict, healing gate)
 * are logged and returned, never stored as error resources; real failures are the caller's to report.
 */
import { ERROR_SUBJECTS, type JobRepository, type Logger } from '@delta-producer/core';
import type { JobKind, StreamConfig } from '../config/stream-config.js';
import type { JobLifecycleApi } from '../lifecycle/contract.js';
import type { StreamJobs } from '../jobs/stream-jobs.js';
import { decide, type RefusalReason, type TriggerSource } from './job-rules.js';
import { tickIds } from './tick-key.js';

export type TriggerResult =
  | { outcome: 'created'; job: string; task: string }
  | { outcome: 'refused'; reason: RefusalReason; message: string; jobs?: string[] };

export interface TriggerOptions {
  source: TriggerSource;
  force?: boolean;
  /** The cron tick this trigger belongs to: makes the job's ids deterministic. */
  tick?: Date;
}

export class JobScheduler {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly streamJobs: StreamJobs,
    private readonly lifecycle: Pick<JobLifecycleApi, 'failTimedOutJobs'>,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Runs `work` after every earlier trigger of the same stream has finished. */
  private serial<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(stream) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.queues.set(
      stream,
      next.catch(() => undefined),
    );
    return next;
  }

  trigger(stream: StreamConfig, kind: JobKind, options: TriggerOptions): Promise<TriggerResult> {
    return this.serial(stream.name, () => this.run(stream, kind, options));
  }

  private async run(stream: StreamConfig, kind: JobKind, options: TriggerOptions): Promise<TriggerResult> {
    const log = this.logger.child({ stream: stream.name, jobKind: kind, source: options.source });
    const now = this.now();
    const timedOut = await this.lifecycle.failTimedOutJobs(stream, now);
    if (timedOut.length > 0) log.warn({ jobs: timedOut }, 'failed jobs that exceeded the timeout');
    const decision = decide(kind, stream, await this.streamJobs.snapshot(stream), options);
    if (!decision.create) {
      log.info({ reason: decision.reason, jobs: decision.jobs }, `not now: ${decision.message}`);
      return { outcome: 'refused', reason: decision.reason, message: decision.message, jobs: decision.jobs };
    }
    const ids = options.tick ? tickIds(stream.name, kind, options.tick) : {};
    const created = await this.streamJobs.create(stream, kind, ids, now);
    if (!created) {
      // Another process created a job between our read and our guarded insert (or this tick's job exists).
      const active = (await this.streamJobs.snapshot(stream)).active.map((job) => job.uri);
      const message = `a job of stream "${stream.name}" was created concurrently${active.length ? `: ${active.join(', ')}` : ''}`;
      log.info({ jobs: active }, `not now: ${message}`);
      return { outcome: 'refused', reason: 'conflict', message, jobs: active };
    }
    log.info({ job: created.job, task: created.task }, `created ${kind} job`);
    return { outcome: 'created', ...created };
  }

  /** Waits until every trigger queued so far has finished. */
  async idle(): Promise<void> {
    await Promise.all(this.queues.values());
  }
}

/** Stores a real failure once as an error resource (linked to nothing: no job was created). */
export async function reportTriggerFailure(repository: JobRepository, stream: StreamConfig, kind: JobKind, error: unknown, logger: Logger): Promise<void> {
  const message = `Could not create a ${kind} job for stream "${stream.name}": ${error instanceof Error ? error.message : String(error)}`;
  logger.error({ stream: stream.name, jobKind: kind, err: error }, message);
  try {
    await repository.storeError({ graph: stream.jobsGraph, message, subject: ERROR_SUBJECTS.jobsInitiator, creator: stream.errorCreatorUri });
  } catch {
    // The store is what failed; the log line above is the record.
  }
}
