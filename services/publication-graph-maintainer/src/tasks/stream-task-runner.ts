/**
 * Runs one stream's initial-sync and healing tasks, one at a time.
 *
 * Finding: scheduled tasks of this stream (task operation and job operation both the stream's) are
 * looked for at start, whenever a delta inserts a `scheduled` status (`wake()`), and every
 * TASK_SCAN_INTERVAL_MS. Initial sync first, then oldest first. A busy task whose dct:modified is older
 * than TASK_STALE_AFTER_MS was abandoned by a crashed process and is taken over (restarted); so is, at
 * once, the task the claim file says this process was running when it stopped.
 *
 * Claiming is one guarded update (scheduled → busy, or busy-at-that-time → busy), so of two instances
 * exactly one runs a task. While it runs the stream's gate is held: live deltas wait in the intake and
 * are applied after it. The heartbeat (progress + dct:modified, every few seconds) keeps the claim; if it
 * finds the task taken over, the run stops.
 *
 * Outcome: busy → success with a results container, or → failed with one error resource (malformed
 * tasks are failed without running). The job's status belongs to the initiator's lifecycle.
 *
 * waitForInitialSync: until a successful initial sync of the stream exists, the gate stays held (deltas
 * kept, not dropped). After an initial sync the live cursor skips the intake records that arrived before
 * the sync started: the sync read a state that already holds their changes.
 */
import type { Logger, TaskRecord } from '@delta-producer/core';
import type { ChangeTally } from '../healing/healing-run.js';
import type { TaskProgress } from '../healing/scope-reads.js';
import type { StreamGate } from '../live/stream-gate.js';
import type { ClaimFile } from './claim-file.js';
import { MalformedTaskError, type MaintainerTaskRepository, type StreamTask, type TaskKind } from './task-repository.js';

export const WAIT_FOR_INITIAL_SYNC_HOLD = 'waiting for a successful initial sync';

export interface TaskContext {
  task: StreamTask;
  signal: AbortSignal;
  /** The stream's intake position while the task holds the gate. */
  intakePosition: number;
  onProgress: (progress: TaskProgress) => void;
}

export type TaskExecutor = (context: TaskContext) => Promise<ChangeTally>;

export interface LiveControl {
  readonly gate: StreamGate;
  readonly position: number;
  skipTo(seq: number): Promise<number>;
}

export interface StreamTaskRunnerOptions {
  stream: string;
  waitForInitialSync: boolean;
  repository: MaintainerTaskRepository;
  live: LiveControl;
  /** Last seq of the intake log. */
  intakeLastSeq: () => number;
  executors: Record<TaskKind, TaskExecutor>;
  claimFile: ClaimFile;
  scanIntervalMs: number;
  staleAfterMs: number;
  logger: Logger;
  now?: () => Date;
}

export class TaskTakenOverError extends Error {
  override readonly name = 'TaskTakenOverError';
}

class StopRequested extends Error {
  override readonly name = 'StopRequested';
}

const KIND_ORDER: Record<TaskKind, number> = { initialSync: 0, healing: 1 };

export class StreamTaskRunner {
  readonly #options: StreamTaskRunnerOptions;
  readonly #stopping = new AbortController();
  #scan: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #running: StreamTask | undefined;
  #waitingForInitialSync = false;

  constructor(options: StreamTaskRunnerOptions) {
    this.#options = options;
  }

  get running(): StreamTask | undefined {
    return this.#running;
  }

  get waitingForInitialSync(): boolean {
    return this.#waitingForInitialSync;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  /** Holds the live path when it must wait for an initial sync, then scans now and every interval. */
  async start(): Promise<void> {
    if (this.#options.waitForInitialSync) {
      await this.#options.live.gate.hold(WAIT_FOR_INITIAL_SYNC_HOLD);
      this.#waitingForInitialSync = true;
    }
    this.wake();
    this.#timer = setInterval(() => this.wake(), this.#options.scanIntervalMs);
    this.#timer.unref();
  }

  /** Looks for tasks soon (a delta inserted a scheduled status, or the interval passed). */
  wake(): void {
    if (this.#stopping.signal.aborted) return;
    if (this.#scan) {
      this.#again = true;
      return;
    }
    this.#scan = this.#scanLoop().finally(() => {
      this.#scan = undefined;
    });
  }

  /** Resolves when no scan is running (tests). */
  async settled(): Promise<void> {
    while (this.#scan) await this.#scan;
  }

  /** Stops scanning; a running task is interrupted and stays busy: the claim file makes the next start resume it. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#stopping.abort(new StopRequested('task runner stopping'));
    await this.#scan;
  }

  async #scanLoop(): Promise<void> {
    do {
      this.#again = false;
      try {
        if (this.#waitingForInitialSync && (await this.#options.repository.hasSuccessfulInitialSync())) this.#releaseInitialSyncWait('found a successful initial sync');
        while (!this.#stopping.signal.aborted && (await this.#runNext())) {
          // one task after another until none is waiting
        }
      } catch (error) {
        if (this.#stopping.signal.aborted) return;
        this.#options.logger.error({ err: error, stream: this.#options.stream }, 'task scan failed; retrying at the next scan');
      }
    } while (this.#again && !this.#stopping.signal.aborted);
  }

  #releaseInitialSyncWait(reason: string): void {
    if (!this.#waitingForInitialSync) return;
    this.#waitingForInitialSync = false;
    this.#options.live.gate.release(WAIT_FOR_INITIAL_SYNC_HOLD);
    this.#options.logger.info({ stream: this.#options.stream, reason }, 'live deltas are applied again (waitForInitialSync)');
  }

  /** Claims and runs the first runnable task; false when there was none. */
  async #runNext(): Promise<boolean> {
    const { repository, claimFile, logger, stream, staleAfterMs } = this.#options;
    const records = await repository.find(['scheduled', 'busy']);
    const claim = await claimFile.read();
    const now = this.#now();
    const runnable: { task: StreamTask; record: TaskRecord; abandoned: boolean }[] = [];
    for (const record of records) {
      const scheduled = record.status === 'scheduled';
      const abandoned = !scheduled && record.modified !== undefined && (claim?.task === record.uri || now.getTime() - record.modified.getTime() > staleAfterMs);
      if (!scheduled && !abandoned) continue;
      try {
        runnable.push({ task: repository.describe(record), record, abandoned });
      } catch (error) {
        if (!(error instanceof MalformedTaskError)) throw error;
        logger.error({ stream, task: record.uri, err: error }, 'malformed task failed without running');
        await repository.fail(record.uri, `${error.message}. The task was not run.`, this.#now());
      }
    }
    runnable.sort((a, b) => KIND_ORDER[a.task.kind] - KIND_ORDER[b.task.kind] || (a.record.created?.getTime() ?? 0) - (b.record.created?.getTime() ?? 0));
    for (const { task, record, abandoned } of runnable) {
      const claimedAt = this.#now();
      const claimed = abandoned ? await repository.claimAbandoned(task.uri, record.modified!, claimedAt) : await repository.claimScheduled(task.uri, claimedAt);
      if (!claimed) continue;
      if (abandoned) logger.warn({ stream, task: task.uri, lastModified: record.modified }, 'taking over a task abandoned by a stopped process; running it again from the start');
      await this.#run(task, claimedAt);
      return true;
    }
    return false;
  }

  async #run(task: StreamTask, claimedAt: Date): Promise<void> {
    const { repository, claimFile, live, logger, stream } = this.#options;
    await claimFile.write({ task: task.uri, modified: claimedAt.toISOString() });
    const hold = `task ${task.uri}`;
    await live.gate.hold(hold);
    this.#running = task;
    const intakeAtStart = this.#options.intakeLastSeq();
    const controller = new AbortController();
    const onStop = () => controller.abort(this.#stopping.signal.reason);
    this.#stopping.signal.addEventListener('abort', onStop, { once: true });

    let modified = claimedAt;
    let progress: TaskProgress = { processed: 0, total: 0 };
    let written = 0;
    let beating: Promise<void> = Promise.resolve();
    const beat = () => {
      beating = beating.then(async () => {
        if (controller.signal.aborted) return;
        const next = await repository.heartbeat(task.uri, modified, progress, new Date(Math.max(this.#now().getTime(), modified.getTime() + 1)));
        if (!next) {
          controller.abort(new TaskTakenOverError(`task ${task.uri} was taken over by another process`));
          return;
        }
        modified = next;
        written = Date.now();
        await claimFile.write({ task: task.uri, modified: modified.toISOString() });
      }).catch((error: unknown) => {
        logger.warn({ err: error, stream, task: task.uri }, 'task heartbeat failed; retrying');
      });
    };
    const heartbeatEvery = Math.max(1000, Math.min(30_000, Math.floor(this.#options.staleAfterMs / 4)));
    const timer = setInterval(beat, heartbeatEvery);
    const startedAt = performance.now();
    logger.info({ stream, task: task.uri, kind: task.kind, intakeAtStart }, `${task.kind === 'initialSync' ? 'initial sync' : 'healing'} task started; live deltas wait until it ends`);
    try {
      const tally = await this.#options.executors[task.kind]({
        task,
        signal: controller.signal,
        intakePosition: live.position,
        onProgress: (next) => {
          progress = next;
          if (Date.now() - written >= 2000) beat();
          logger.debug({ stream, task: task.uri, ...next }, 'task progress');
        },
      });
      clearInterval(timer);
      beat();
      await beating;
      controller.signal.throwIfAborted();
      if (task.kind === 'initialSync') {
        const skipped = await live.skipTo(intakeAtStart);
        if (skipped > 0) logger.info({ stream, skipped, upTo: intakeAtStart }, 'intake records from before the initial sync skipped: the sync already holds their changes');
      }
      const done = await repository.succeed(task.uri, tally, new Date(Math.max(this.#now().getTime(), modified.getTime() + 1)));
      if (!done) throw new TaskTakenOverError(`task ${task.uri} was no longer busy when it finished`);
      if (task.kind === 'initialSync') this.#releaseInitialSyncWait(`initial sync ${task.uri} succeeded`);
      logger.info({ stream, task: task.uri, kind: task.kind, resources: progress.processed, inserted: tally.inserted, deleted: tally.deleted, durationMs: Math.round(performance.now() - startedAt) }, 'task succeeded');
      await claimFile.clear();
    } catch (error) {
      clearInterval(timer);
      await beating;
      if (this.#stopping.signal.aborted) {
        logger.info({ stream, task: task.uri }, 'task interrupted by the stop; it is resumed at the next start');
      } else if (error instanceof TaskTakenOverError || controller.signal.reason instanceof TaskTakenOverError) {
        logger.warn({ stream, task: task.uri }, 'task taken over by another process; this run stopped');
        await claimFile.clear();
      } else {
        logger.error({ err: error, stream, task: task.uri, kind: task.kind }, 'task failed');
        await repository.fail(task.uri, `${task.kind === 'initialSync' ? 'Initial sync' : 'Healing'} of stream ${stream} failed: ${error instanceof Error ? error.message : String(error)}`, new Date(Math.max(this.#now().getTime(), modified.getTime() + 1)));
        await claimFile.clear();
      }
    } finally {
      this.#stopping.signal.removeEventListener('abort', onStop);
      this.#running = undefined;
      live.gate.release(hold);
    }
  }
}
