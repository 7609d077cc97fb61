/**
 * One stream's live worker: consumes the intake log in order with its own cursor (`live.<stream>`),
 * event-driven (`tail()` wakes on every append; no polling), a batch of consecutive records at a time
 * (batching.ts), and for each batch: reconcile (impact → expected vs current → diff), commit through
 * the outbox (apply.ts), ack the intake cursor.
 *
 * Failures (store down, timeouts, anything) are retried for that batch with capped exponential
 * back-off, logged once per failure streak; other streams' workers are independent and go on. Before a
 * retry the outbox is recovered first, so a diff that was appended but not applied is completed (never
 * left behind in the outbox unapplied, never recomputed on top of).
 *
 * Start-up: outbox recovery (re-apply what was interrupted, skip intake records it covers), then
 * consumption from the cursor on.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { backoffDelay, type Changeset, type Logger } from '@delta-producer/core';
import type { DurableLog, LogCursor, LogRecord } from '../storage/index.js';
import { LogClosedError } from '../storage/index.js';
import type { Outbox } from './apply.js';
import { DEFAULT_BATCH_LIMITS, fitsInBatch, type BatchLimits, type BatchSize } from './batching.js';
import { changedQuads, changesetQuadCount, decodeIntakeRecord } from './intake-record.js';
import type { StreamReconciler } from './reconcile.js';
import { StreamGate } from './stream-gate.js';

/** Cursor of a stream on the intake log. Cursor names allow `A-Z a-z 0-9 . _ -` only, hence the dot. */
export const INTAKE_CURSOR_PREFIX = 'live.';

export function intakeCursorName(stream: string): string {
  return `${INTAKE_CURSOR_PREFIX}${stream}`;
}

export interface RetryBackoff {
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { baseDelayMs: 500, maxDelayMs: 30_000 };
/** Shortest pause between two attempts of a failing batch. */
const MIN_RETRY_DELAY_MS = 100;

export interface StreamWorkerOptions {
  stream: string;
  intake: DurableLog;
  cursor: LogCursor;
  outbox: Outbox;
  reconciler: StreamReconciler;
  logger: Logger;
  limits?: BatchLimits;
  retry?: RetryBackoff;
  /** LOG_DELTA_REWRITE: log every batch at info level (debug otherwise). */
  logBatches?: boolean;
  /** Called after the intake cursor moved (e.g. to compact the intake log). */
  onAck?: () => void;
  /** Holds of tasks and waitForInitialSync (default: a gate of its own, never held). */
  gate?: StreamGate;
}

interface DecodedRecord {
  seq: number;
  changesets: Changeset[];
  quads: number;
}

/** `failed`: stopped by an unexpected error (a bug, a broken log); the service must be restarted. */
export type StreamWorkerState = 'created' | 'recovering' | 'running' | 'stopped' | 'failed';

export class StreamWorker {
  readonly #options: StreamWorkerOptions;
  readonly #controller = new AbortController();
  readonly #waiters = new Set<{ target: number; resolve: () => void; reject: (error: Error) => void }>();
  readonly #gate: StreamGate;
  #state: StreamWorkerState = 'created';
  #loop: Promise<void> | undefined;
  #failures = 0;

  constructor(options: StreamWorkerOptions) {
    this.#options = options;
    this.#gate = options.gate ?? new StreamGate();
  }

  get gate(): StreamGate {
    return this.#gate;
  }

  /** Position of the stream's intake cursor (the last record it consumed). */
  get position(): number {
    return this.#options.cursor.position();
  }

  /**
   * Marks the intake up to `seq` as consumed without processing it: after an initial sync, whose
   * snapshot already holds every change those records describe. Only while the gate is held.
   */
  async skipTo(seq: number): Promise<number> {
    if (this.#gate.isOpen) throw new Error(`stream ${this.stream}: skipTo needs the gate held`);
    const { cursor, intake } = this.#options;
    const target = Math.min(seq, intake.lastSeq);
    if (target <= cursor.position()) return 0;
    const skipped = target - cursor.position();
    await cursor.ack(target);
    this.#notify();
    return skipped;
  }

  get stream(): string {
    return this.#options.stream;
  }

  get state(): StreamWorkerState {
    return this.#state;
  }

  /** Attempts that failed in the current failure streak (0 when the last attempt succeeded). */
  get failures(): number {
    return this.#failures;
  }

  /** Intake records not yet consumed by this stream. */
  get depth(): number {
    return Math.max(0, this.#options.intake.lastSeq - this.#options.cursor.position());
  }

  start(): void {
    if (this.#state !== 'created') throw new Error(`stream worker ${this.stream} was already started`);
    this.#state = 'recovering';
    this.#loop = this.#run();
  }

  /** Resolves once this stream consumed the intake log up to its end at the time of the call. */
  idle(): Promise<void> {
    const target = this.#options.intake.lastSeq;
    if (this.#options.cursor.position() >= target) return Promise.resolve();
    if (!this.#gate.isOpen) return Promise.reject(new Error(`stream worker ${this.stream} is held (${this.#gate.holds.join(', ')}): deltas wait in the intake`));
    if (this.#state === 'stopped' || this.#state === 'failed') return Promise.reject(new Error(`stream worker ${this.stream} is ${this.#state}`));
    return new Promise((resolve, reject) => this.#waiters.add({ target, resolve, reject }));
  }

  /** Stops consuming; a batch in progress is abandoned (its outbox record is completed at the next start). */
  async stop(): Promise<void> {
    this.#controller.abort(new Error('stream worker stopping'));
    await this.#loop;
    if (this.#state !== 'failed') this.#state = 'stopped';
    this.#rejectWaiters();
  }

  #rejectWaiters(): void {
    for (const waiter of this.#waiters) waiter.reject(new Error(`stream worker ${this.stream} is ${this.#state}`));
    this.#waiters.clear();
  }

  #notify(): void {
    const position = this.#options.cursor.position();
    for (const waiter of [...this.#waiters]) {
      if (position < waiter.target) continue;
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
    this.#options.onAck?.();
  }

  async #run(): Promise<void> {
    const signal = this.#controller.signal;
    try {
      await this.#retrying('recovery', undefined, () => this.#recover());
      if (signal.aborted) return;
      this.#state = 'running';
      await this.#consume(signal);
    } catch (error) {
      if (signal.aborted || error instanceof LogClosedError) return;
      this.#state = 'failed';
      this.#rejectWaiters();
      this.#options.logger.fatal({ err: error, stream: this.stream }, 'live worker stopped by an unexpected error; restart the service');
    }
  }

  async #recover(): Promise<void> {
    const { outbox, intake, cursor } = this.#options;
    const plan = await outbox.recover({ cursor, lastSeq: intake.lastSeq }, this.#controller.signal);
    if (plan.ackIntakeTo !== undefined) this.#notify();
  }

  async #consume(signal: AbortSignal): Promise<void> {
    const { intake, cursor } = this.#options;
    const limits = this.#options.limits ?? DEFAULT_BATCH_LIMITS;
    const tail = intake.tail(cursor.position() + 1, signal);
    const next = async (): Promise<DecodedRecord | undefined> => {
      const item = await tail.next();
      return item.done ? undefined : this.#decode(item.value);
    };
    let carried: DecodedRecord | undefined;
    try {
      while (!signal.aborted) {
        const first = carried ?? (await next());
        carried = undefined;
        if (first === undefined) return;
        const batch = [first];
        let size: BatchSize = { records: 1, quads: first.quads };
        // Only records already in the log join: the next tail() step must not wait for an append.
        while (batch.at(-1)!.seq < intake.lastSeq && size.records < limits.maxRecords && size.quads < limits.maxQuads) {
          const record = await next();
          if (record === undefined) break;
          if (!fitsInBatch(size, record.quads, limits)) {
            carried = record;
            break;
          }
          batch.push(record);
          size = { records: size.records + 1, quads: size.quads + record.quads };
        }
        await this.#gate.enterBatch(signal);
        try {
          await this.#retrying('batch', [first.seq, batch.at(-1)!.seq], (attempt) => this.#process(batch, attempt, signal));
        } finally {
          this.#gate.exitBatch();
        }
      }
    } finally {
      await tail.return(undefined);
    }
  }

  #decode(record: LogRecord): DecodedRecord {
    try {
      if (record.kind !== 'json') throw new Error('not a JSON record');
      const { changesets } = decodeIntakeRecord(record.payload);
      return { seq: record.seq, changesets, quads: changesetQuadCount(changesets) };
    } catch (error) {
      // Not something POST /delta wrote: nothing to do with it (it is acknowledged with its batch).
      this.#options.logger.error({ err: error, stream: this.stream, intakeSeq: record.seq }, 'intake record cannot be read; skipped');
      return { seq: record.seq, changesets: [], quads: 0 };
    }
  }

  async #process(records: readonly DecodedRecord[], attempt: number, signal: AbortSignal): Promise<void> {
    const { outbox, intake, cursor, reconciler, logger } = this.#options;
    if (attempt > 1) {
      // A previous attempt may have appended its diff and failed while applying it: complete it first.
      await outbox.recover({ cursor, lastSeq: intake.lastSeq }, signal);
    }
    const pending = records.filter((record) => record.seq > cursor.position());
    if (pending.length === 0) return this.#notify();
    const intakeSeqs: [number, number] = [pending[0]!.seq, pending.at(-1)!.seq];
    const startedAt = performance.now();
    const changed = pending.flatMap((record) => changedQuads(record.changesets));
    const result = await reconciler.reconcile(changed, signal);
    const reconciledAt = performance.now();
    if (result.blankNodeQuads.size > 0 || result.diff.blankNodeTriples > 0) {
      logger.warn(
        { stream: this.stream, intakeSeqs, predicates: Object.fromEntries(result.blankNodeQuads), publishedBlankNodeTriples: result.diff.blankNodeTriples },
        'triples with blank nodes are not exported; skipped',
      );
    }
    const outboxRecords = await outbox.commit(intakeSeqs, result.diff, signal);
    await cursor.ack(intakeSeqs[1]);
    this.#notify();
    const details = {
      stream: this.stream,
      intakeSeqs,
      records: pending.length,
      quads: changed.length,
      candidates: result.candidates,
      resources: result.resources,
      outsideOwners: result.outsideOwners,
      deletes: result.diff.deletes.length,
      inserts: result.diff.inserts.length,
      outboxRecords,
      reconcileMs: Math.round(reconciledAt - startedAt),
      durationMs: Math.round(performance.now() - startedAt),
    };
    if (this.#options.logBatches) logger.info(details, 'live batch applied');
    else logger.debug(details, 'live batch applied');
  }

  /** Runs `task` until it succeeds or the worker stops; one log line per failure streak. */
  async #retrying(what: 'recovery' | 'batch', intakeSeqs: [number, number] | undefined, task: (attempt: number) => Promise<void>): Promise<void> {
    const signal = this.#controller.signal;
    const backoff = this.#options.retry ?? DEFAULT_RETRY_BACKOFF;
    for (let attempt = 1; ; attempt++) {
      try {
        await task(attempt);
        if (this.#failures > 0) this.#options.logger.info({ stream: this.stream, what, intakeSeqs, attempts: attempt }, 'live processing recovered');
        this.#failures = 0;
        return;
      } catch (error) {
        if (signal.aborted || error instanceof LogClosedError) throw error;
        this.#failures++;
        if (this.#failures === 1) {
          this.#options.logger.error(
            { err: error, stream: this.stream, what, intakeSeqs },
            `live ${what} failed; retrying with back-off until it succeeds (other streams go on; logged once per failure streak)`,
          );
        }
        await delay(Math.max(MIN_RETRY_DELAY_MS, backoffDelay(attempt, backoff)), undefined, { signal });
      }
    }
  }
}
