/**
 * Crash-safe application of a stream's diffs to its publication graph, through the stream's outbox
 * (a DurableLog at `<DATA_DIR>/outbox/<stream>`, cursor `applied`).
 *
 * Order of one batch:
 *   (a) a non-empty diff is appended to the outbox: `{intakeSeqs: [first, last], deletes, inserts}`
 *       (quads as SPARQL-JSON, graph = the publication graph); a very large diff is split into several
 *       records appended atomically (delete-only records first, then insert-only ones);
 *   (b) each record is applied: `DELETE DATA` then `INSERT DATA`, batched, to the stream's
 *       publicationWriteEndpoint with `mu-call-scope-id`/`mu-auth-scope` = the publicationGraphMaintenance
 *       scope and `mu-auth-sudo` (the client retries transient failures);
 *   (c) the outbox cursor `applied` is acked;
 *   (d) the stream's intake cursor is acked (by the caller, after `commit` resolved).
 * Start-up recovery (before the stream consumes intake) re-applies every record after `applied` and
 * acks the intake cursor up to the records' `intakeSeqs` (recovery.ts). So every change reaches the
 * publication graph, and only changes that were applied (or are being completed) are in the outbox —
 * which the delta-file writer consumes later with a cursor of its own (`files`, not registered here).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { namedNode, quadFromJson, quadToJson, type Logger, type Quad, type SparqlClient } from '@delta-producer/core';
import type { DurableLog, LogCursor } from '../storage/index.js';
import { planRecovery, type OutboxRecordSummary, type RecoveryPlan } from './recovery.js';

export const OUTBOX_RECORD_VERSION = 1;
/** Cursor of the outbox: records whose changes are in the publication graph. */
export const APPLIED_CURSOR = 'applied';
/** Quads per outbox record; a larger diff is split (records stay far below the log's record limit). */
export const MAX_QUADS_PER_OUTBOX_RECORD = 20_000;
/** Quads per DELETE DATA / INSERT DATA request of the live path (Virtuoso takes at most 1426). */
export const LIVE_WRITE_BATCH_SIZE = 500;

/** What produced an outbox record: the live path, or a healing task (written with its own endpoint and scope). */
export type OutboxOrigin = 'live' | 'healing';

export interface OutboxRecord {
  v: typeof OUTBOX_RECORD_VERSION;
  /** Absent in records written before healing existed: live. */
  origin?: OutboxOrigin;
  /**
   * First and last intake seq whose changes this diff publishes. A healing record covers no intake
   * record: it carries the stream's intake position twice (0 before any delta), which acks nothing.
   */
  intakeSeqs: [number, number];
  deletes: ReturnType<typeof quadToJson>[];
  inserts: ReturnType<typeof quadToJson>[];
}

export interface Diff {
  deletes: readonly Quad[];
  inserts: readonly Quad[];
}

export class OutboxRecordError extends Error {
  override readonly name = 'OutboxRecordError';
}

/** The outbox records of one diff: one record, or delete-only records then insert-only records. */
export function outboxRecords(intakeSeqs: [number, number], diff: Diff, maxQuads = MAX_QUADS_PER_OUTBOX_RECORD, origin: OutboxOrigin = 'live'): OutboxRecord[] {
  const record = (deletes: readonly Quad[], inserts: readonly Quad[]): OutboxRecord => ({
    v: OUTBOX_RECORD_VERSION,
    ...(origin === 'live' ? {} : { origin }),
    intakeSeqs,
    deletes: deletes.map((q) => quadToJson(q)),
    inserts: inserts.map((q) => quadToJson(q)),
  });
  if (diff.deletes.length + diff.inserts.length === 0) return [];
  if (diff.deletes.length + diff.inserts.length <= maxQuads) return [record(diff.deletes, diff.inserts)];
  const records: OutboxRecord[] = [];
  for (let start = 0; start < diff.deletes.length; start += maxQuads) records.push(record(diff.deletes.slice(start, start + maxQuads), []));
  for (let start = 0; start < diff.inserts.length; start += maxQuads) records.push(record([], diff.inserts.slice(start, start + maxQuads)));
  return records;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface DecodedOutboxRecord {
  origin: OutboxOrigin;
  intakeSeqs: [number, number];
  deletes: Quad[];
  inserts: Quad[];
}

export function decodeOutboxRecord(payload: unknown): DecodedOutboxRecord {
  if (!isObject(payload) || payload.v !== OUTBOX_RECORD_VERSION) throw new OutboxRecordError(`not an outbox record of version ${OUTBOX_RECORD_VERSION}`);
  const origin = payload.origin ?? 'live';
  if (origin !== 'live' && origin !== 'healing') throw new OutboxRecordError(`origin must be live or healing, got ${JSON.stringify(origin)}`);
  const seqs = payload.intakeSeqs;
  const minimum = origin === 'live' ? 1 : 0;
  if (!Array.isArray(seqs) || seqs.length !== 2 || !seqs.every((seq) => Number.isSafeInteger(seq) && seq >= minimum)) throw new OutboxRecordError('intakeSeqs must be [first, last]');
  const list = (value: unknown, name: string): Quad[] => {
    if (!Array.isArray(value)) throw new OutboxRecordError(`${name} must be an array`);
    return value.map((item, index) => quadFromJson(item, `${name}[${index}]`));
  };
  return { origin, intakeSeqs: [seqs[0] as number, seqs[1] as number], deletes: list(payload.deletes, 'deletes'), inserts: list(payload.inserts, 'inserts') };
}

export interface PublicationWriterOptions {
  stream: string;
  publicationGraph: string;
  /** The stream's publicationWriteEndpoint client. */
  client: SparqlClient;
  /** mu-call-scope-id (and mu-auth-scope) of the writes. */
  scope: string;
  /** Pause after each write request, ms (0 = none). */
  throttleMs: number;
  batchSize?: number;
  logger: Logger;
}

/** Writes diffs to the publication graph: deletes first, then inserts. */
export class PublicationWriter {
  readonly #options: PublicationWriterOptions;
  readonly #graph: string;

  constructor(options: PublicationWriterOptions) {
    this.#options = options;
    this.#graph = namedNode(options.publicationGraph).value;
  }

  async write(diff: Diff, signal?: AbortSignal): Promise<void> {
    for (const q of [...diff.deletes, ...diff.inserts]) {
      if (q.graph.termType !== 'NamedNode' || q.graph.value !== this.#graph) throw new OutboxRecordError(`refusing to write a quad outside the publication graph ${this.#graph}`);
    }
    await this.#writeAll('delete', diff.deletes, signal);
    await this.#writeAll('insert', diff.inserts, signal);
  }

  async #writeAll(kind: 'delete' | 'insert', quads: readonly Quad[], signal: AbortSignal | undefined): Promise<void> {
    const { client, scope, throttleMs } = this.#options;
    const batchSize = this.#options.batchSize ?? LIVE_WRITE_BATCH_SIZE;
    const options = { sudo: true, callScopeId: scope, authScope: scope, batchSize, ...(signal ? { signal } : {}) };
    for (let start = 0; start < quads.length; start += batchSize) {
      const batch = quads.slice(start, start + batchSize);
      if (kind === 'delete') await client.deleteData(batch, options);
      else await client.insertData(batch, options);
      if (throttleMs > 0) await delay(throttleMs, undefined, signal ? { signal } : {});
    }
  }
}

export interface OutboxOptions {
  stream: string;
  log: DurableLog;
  /** Writes live records. */
  writer: PublicationWriter;
  /** Writes healing records (healingWriteEndpoint, healing scope); default: `writer`. */
  healingWriter?: PublicationWriter;
  logger: Logger;
}

export interface RecoveryOutcome extends RecoveryPlan {
  /** Quads written again while re-applying. */
  reappliedQuads: number;
}

/** A stream's outbox: steps (a)–(c) of a batch, and start-up recovery. */
export class Outbox {
  readonly #options: OutboxOptions;
  #applied: LogCursor | undefined;
  readonly #appliedListeners = new Set<(seq: number) => void>();

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  get log(): DurableLog {
    return this.#options.log;
  }

  /** Calls `listener` after each advance of `applied` (the delta-file writer wakes on it, no polling). */
  onApplied(listener: (seq: number) => void): () => void {
    this.#appliedListeners.add(listener);
    return () => this.#appliedListeners.delete(listener);
  }

  async #ackApplied(cursor: LogCursor, seq: number): Promise<void> {
    await cursor.ack(seq);
    for (const listener of this.#appliedListeners) listener(seq);
  }

  async #cursor(): Promise<LogCursor> {
    this.#applied ??= await this.#options.log.cursor(APPLIED_CURSOR);
    return this.#applied;
  }

  #writerOf(origin: OutboxOrigin): PublicationWriter {
    return origin === 'healing' ? (this.#options.healingWriter ?? this.#options.writer) : this.#options.writer;
  }

  /** (a) append, (b) apply, (c) ack `applied`. Resolves when the diff is in the publication graph. */
  async commit(intakeSeqs: [number, number], diff: Diff, signal?: AbortSignal, origin: OutboxOrigin = 'live'): Promise<number> {
    const records = outboxRecords(intakeSeqs, diff, MAX_QUADS_PER_OUTBOX_RECORD, origin);
    if (records.length === 0) return 0;
    const cursor = await this.#cursor();
    const seqs = await this.#options.log.append(records);
    for (const [index, record] of records.entries()) {
      const decoded = decodeOutboxRecord(record);
      await this.#writerOf(decoded.origin).write(decoded, signal);
      await this.#ackApplied(cursor, seqs[index]!);
    }
    return records.length;
  }

  /**
   * Re-applies the outbox records after `applied` and acks the intake cursor up to what the outbox
   * covers. Run once at start-up, before the stream consumes intake.
   */
  async recover(intake: { cursor: LogCursor; lastSeq: number }, signal?: AbortSignal): Promise<RecoveryOutcome> {
    const { log, logger, stream } = this.#options;
    const cursor = await this.#cursor();
    const from = Math.max(cursor.position(), log.firstSeq, 1);
    const records = new Map<number, ReturnType<typeof decodeOutboxRecord>>();
    const summaries: OutboxRecordSummary[] = [];
    for (let next = from; next <= log.lastSeq; ) {
      const batch = await log.read(next, { maxRecords: 100 });
      if (batch.length === 0) break;
      for (const record of batch) {
        if (record.kind !== 'json') throw new OutboxRecordError(`outbox record ${record.seq} of stream ${stream} is not JSON`);
        const decoded = decodeOutboxRecord(record.payload);
        if (record.seq > cursor.position()) records.set(record.seq, decoded);
        summaries.push({ seq: record.seq, intakeSeqs: decoded.intakeSeqs });
      }
      next = batch.at(-1)!.seq + 1;
    }
    const plan = planRecovery({ appliedPosition: cursor.position(), intakePosition: intake.cursor.position(), intakeLastSeq: intake.lastSeq, records: summaries });
    let reappliedQuads = 0;
    for (const seq of plan.reapply) {
      const record = records.get(seq)!;
      await this.#writerOf(record.origin).write(record, signal);
      await this.#ackApplied(cursor, seq);
      reappliedQuads += record.deletes.length + record.inserts.length;
    }
    if (plan.ackIntakeTo !== undefined) await intake.cursor.ack(plan.ackIntakeTo);
    if (plan.reapply.length > 0 || plan.ackIntakeTo !== undefined) {
      logger.info({ stream, reapplied: plan.reapply.length, reappliedQuads, intakeAckedTo: plan.ackIntakeTo, skippedIntakeRecords: plan.skippedIntakeRecords }, 'live recovery: completed the batch interrupted by the last stop');
    }
    return { ...plan, reappliedQuads };
  }
}
