/**
 * Task pickup. Candidates come from `/delta` (scheduled-status inserts), from a scan at start-up and
 * from a periodic scan (deltas can be lost). Each stream has one serial queue, so one dump per stream
 * runs at a time in this process; a task is claimed (guarded scheduled → busy) only when its turn
 * comes, so a queued task never looks stale to another replica. A busy task whose `dct:modified` is
 * older than the stale time (the process running it died: a running dump refreshes it) is taken over,
 * guarded, and dumped again from the start: a dump is a fresh snapshot, there is nothing to resume.
 *
 * A dump that meets a transient store failure (the store restarting, a refused connection, a timeout)
 * is dumped again after a delay, up to `dumpAttempts` times, the task kept busy and its heartbeat going
 * meanwhile; any other failure, or the last attempt's, fails the task.
 *
 * Task outcome: busy → success, or busy → failed with a `task:error`. The job's status belongs to the
 * job lifecycle (jobs-initiator or job-controller).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { isTransientFailure, type Logger } from '@delta-producer/core';
import type { DumpStream } from '../config/stream-config.js';
import type { DumpPublisher } from '../publisher.js';
import type { DumpTask, TaskRepository } from './task-repository.js';

export interface TaskRunnerSettings {
  scanIntervalMs: number;
  staleTaskAfterMs: number;
  dumpAttempts: number;
  dumpRetryDelayMs: number;
}

type Pickup = 'claim' | 'take-over';

export class TaskRunner {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly streamByOperation: Map<string, DumpStream>;
  private readonly abort = new AbortController();
  private timer: ReturnType<typeof setInterval> | undefined;
  private scanning: Promise<void> | undefined;
  private scanAgain = false;

  constructor(
    private readonly deps: { tasks: TaskRepository; publisher: DumpPublisher; streams: DumpStream[]; settings: TaskRunnerSettings; logger: Logger; now?: () => Date },
  ) {
    this.streamByOperation = new Map(deps.streams.flatMap((stream) => stream.jobOperations.map((operation) => [operation, stream] as const)));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Starts the periodic scan (the first scan runs at once). */
  start(): void {
    void this.scan();
    this.timer = setInterval(() => void this.scan(), this.deps.settings.scanIntervalMs);
    this.timer.unref();
  }

  /** Stops scanning, aborts running dumps and waits for the queues. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.abort.abort(new Error('service stopping'));
    await this.scanning;
    await this.idle();
  }

  /** Resolves when every queued dump has finished. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  /** Tasks named by a delta: looked up, and queued when they are scheduled dump tasks of a configured stream. */
  async considerTasks(uris: string[]): Promise<number> {
    if (uris.length === 0 || this.abort.signal.aborted) return 0;
    const tasks = await this.deps.tasks.find({ tasks: uris, statuses: ['scheduled'] });
    for (const task of tasks) this.enqueue(task, 'claim');
    return tasks.length;
  }

  /**
   * Scheduled tasks, busy tasks of dead processes, and the streams' clean-up. Never throws. A call while
   * a scan runs makes it scan once more (a task scheduled after that scan read the store is not missed)
   * and resolves after that second scan.
   */
  scan(): Promise<void> {
    if (this.abort.signal.aborted) return this.scanning ?? Promise.resolve();
    if (this.scanning) {
      this.scanAgain = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      try {
        do {
          this.scanAgain = false;
          await this.scanOnce();
        } while (this.scanAgain && !this.abort.signal.aborted);
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    try {
      const tasks = await this.deps.tasks.find({ statuses: ['scheduled', 'busy'] });
      const staleBefore = this.now().getTime() - this.deps.settings.staleTaskAfterMs;
      for (const task of tasks) {
        if (task.status === 'scheduled') this.enqueue(task, 'claim');
        else if (task.status === 'busy' && !this.running.has(task.uri) && task.modified && task.modified.getTime() <= staleBefore) this.enqueue(task, 'take-over');
      }
      for (const stream of this.deps.streams) this.inQueue(stream, () => this.cleanUp(stream));
    } catch (error) {
      if (!this.abort.signal.aborted) this.deps.logger.error({ err: error }, 'task scan failed; the next scan retries');
    }
  }

  private enqueue(task: DumpTask, pickup: Pickup): void {
    const stream = this.streamByOperation.get(task.jobOperation);
    if (!stream || this.queued.has(task.uri) || this.running.has(task.uri)) return;
    this.queued.add(task.uri);
    this.inQueue(stream, async () => {
      this.queued.delete(task.uri);
      await this.runTask(stream, task, pickup);
    });
  }

  private inQueue(stream: DumpStream, work: () => Promise<void>): void {
    const key = stream.dcatDataSetSubject;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.abort.signal.aborted) return;
      await work();
    });
    this.queues.set(key, next);
    void next.finally(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  private async cleanUp(stream: DumpStream): Promise<void> {
    try {
      const removed = await this.deps.publisher.cleanUp(stream);
      if (removed.removedDatasets.length + removed.removedFiles.length > 0) this.deps.logger.info({ stream: stream.name, ...removed }, 'old dumps removed');
    } catch (error) {
      this.deps.logger.warn({ err: error, stream: stream.name }, 'dump clean-up failed; the next scan retries');
    }
  }

  /** Claims the task and runs the dump; the one place a dump's failure is handled. */
  private async runTask(stream: DumpStream, task: DumpTask, pickup: Pickup): Promise<void> {
    const { tasks, publisher, logger, settings } = this.deps;
    const log = logger.child({ stream: stream.name, task: task.uri });
    let mine: boolean;
    try {
      mine = pickup === 'claim' ? await tasks.claim(task, this.now()) : await tasks.takeOver(task, this.now());
    } catch (error) {
      log.error({ err: error }, 'could not claim the dump task; the next scan retries');
      return;
    }
    if (!mine) {
      log.debug({ pickup }, 'dump task taken by someone else');
      return;
    }
    this.running.add(task.uri);
    log.info({ pickup }, pickup === 'claim' ? 'dump started' : 'dump restarted: the process that ran it stopped');
    let lastBeat = Date.now();
    const heartbeat = async () => {
      if (Date.now() - lastBeat < settings.staleTaskAfterMs / 4) return;
      lastBeat = Date.now();
      await tasks.heartbeat(task, this.now());
    };
    const dumpOnce = () =>
      publisher.run(stream, {
        task: { uri: task.uri, graph: task.graph },
        signal: this.abort.signal,
        onProgress: async (progress) => {
          log.debug(progress, 'dump progress');
          await heartbeat();
        },
      });
    try {
      let dump: Awaited<ReturnType<typeof dumpOnce>> | undefined;
      for (let attempt = 1; !dump; attempt++) {
        try {
          dump = await dumpOnce();
        } catch (error) {
          if (this.abort.signal.aborted || attempt >= settings.dumpAttempts || !isTransientFailure(error)) throw error;
          const waitMs = Math.min(settings.dumpRetryDelayMs * 2 ** (attempt - 1), settings.staleTaskAfterMs / 4);
          log.warn({ err: error, attempt, retryInMs: waitMs }, 'dump met a transient store failure; dumping again after a pause');
          await this.pause(waitMs, heartbeat);
        }
      }
      await tasks.finish(task, 'success');
      log.info({ dataset: dump.dataset, issued: dump.issued, triples: dump.triples, subjects: dump.subjects, bytes: dump.bytes, files: dump.files.map((file) => file.fileName) }, 'dump published');
      await this.cleanUp(stream);
    } catch (error) {
      if (this.abort.signal.aborted) {
        // Stopping: hand the task back (busy → scheduled) so a replica or the next start picks it up at
        // once instead of after the stale time (the lblod publisher left it busy, pitfall 113).
        const released = await tasks.release(task).catch(() => false);
        log.warn({ released }, released ? 'dump interrupted by shutdown; the task is scheduled again' : 'dump interrupted by shutdown; the task is taken over once stale');
        return;
      }
      log.error({ err: error }, 'dump failed');
      try {
        await tasks.appendError(task, `[${stream.name}] ${error instanceof Error ? error.message : String(error)}`);
        await tasks.finish(task, 'failed');
      } catch (storeError) {
        log.error({ err: storeError }, 'could not mark the dump task failed; it is taken over once stale');
      }
    } finally {
      this.running.delete(task.uri);
    }
  }

  /** Waits (aborted by stop), keeping the task's heartbeat going; a failed heartbeat is left to the next one. */
  private async pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && !this.abort.signal.aborted) {
      await delay(Math.min(1_000, until - Date.now()), undefined, { signal: this.abort.signal }).catch(() => undefined);
      await heartbeat().catch(() => undefined);
    }
    if (this.abort.signal.aborted) throw this.abort.signal.reason;
  }
}
