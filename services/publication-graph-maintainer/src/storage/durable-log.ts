/**
 * DurableLog: a durable, ordered, append-only log with named consumer cursors. The maintainer's
 * intake log (`<DATA_DIR>/intake`: every /delta body, written before the 2xx) and its outboxes
 * (`<DATA_DIR>/outbox/<stream>`: applied publication-graph changes waiting to become delta files)
 * are both one of these.
 *
 * Contract
 * - append() resolves with the records' sequence numbers only after their bytes and (for a new
 *   segment) the directory entry are fsynced. A resolved record survives any crash of the process or
 *   machine. A record whose append did not resolve may or may not be there after a crash; the records
 *   of one append() call are there all or none.
 * - Sequence numbers start at 1 and increase by exactly 1 per record, across segments and restarts,
 *   with no gaps and no reuse. Order is append-call order.
 * - Readers see only fsynced records. Delivery to a consumer is at-least-once: a cursor's ack(seq) is
 *   cumulative (everything ≤ seq is done) and durable when it resolves; after a crash the consumer
 *   resumes at position() + 1, so records processed after its last resolved ack come again. Exactly-
 *   once *effects* are the consumer's part: make the effect of record `seq` idempotent (or record
 *   `seq` atomically with the effect, and skip seqs already applied).
 * - compact() deletes only whole segments whose every record every registered cursor has durably
 *   acknowledged. With no cursor registered nothing is deleted.
 * - Recovery at open: records are CRC-checked; a torn last write (bad or partial records at the end
 *   of the last segment, with no later commit group after them) is cut off with a warning: it was
 *   never acknowledged. Anything else that is wrong stops open() with a LogCorruptionError naming the
 *   file and byte offset. Limitation: damage to the very last commit group on the medium is
 *   indistinguishable from a torn write; a cursor beyond the end of the log is then reported.
 *
 * Sequence numbers are JS numbers, not bigint: safe up to 2^53 − 1 (285 years at a million appends a
 * second), cheap to compare, Map keys and JSON values as they are. Disk stores them as u64, appends
 * beyond 2^53 − 1 are refused.
 *
 * Group commit: appends are queued; one commit writes all records queued so far (that fit in the
 * segment) with one write and one fdatasync. While it runs, new appends queue for the next commit.
 * The index of record offsets and times is kept in memory (12 bytes a record); open() scans every
 * retained segment once.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { assertCursorName, CursorFile } from './cursor-file.js';
import { DurableLogError, LogClosedError, LogCompactedError, LogCorruptionError } from './errors.js';
import { lockDirectory, syncDirectory, unlockDirectory, type FsyncKind, type SyncFn } from './fs-util.js';
import {
  FLAG_END,
  FLAG_JSON,
  findLaterGroupRecord,
  readExactly,
  readHeader,
  RECORD_HEADER_BYTES,
  recordProblem,
  scanSegment,
  writeExactly,
  writeRecord,
} from './record-format.js';

/** The part of a logger the log needs; a pino logger (core's Logger) fits. */
export interface DurableLogLogger {
  info(bindings: object, message: string): void;
  warn(bindings: object, message: string): void;
}

export interface DurableLogOptions {
  /** The log's own directory (created if needed, locked while open). */
  dir: string;
  logger: DurableLogLogger;
  /** A new segment is started when a commit would take the current one beyond this. Default 64 MiB. */
  segmentBytes?: number;
  /** Largest payload accepted by append(). Default 256 MiB (the format allows 4 GiB − 1). */
  maxRecordBytes?: number;
  /** A cursor file is rewritten to one entry after this many acks. Default 4096 (64 KiB). */
  cursorRewriteEntries?: number;
  /** Called after every fsync/fdatasync the log does (tests, metrics). */
  onFsync?: (kind: FsyncKind, path: string) => void;
  /** Clock for appendedAt and ages (ms since the epoch). */
  now?: () => number;
}

export interface ReadOptions {
  /** Default 1000. */
  maxRecords?: number;
  /** Bytes of records (header + payload) per read; at least one record is returned. Default 16 MiB. */
  maxBytes?: number;
}

interface RecordBase {
  seq: number;
  /** When the record was committed, ms since the epoch. */
  appendedAt: number;
}
export interface JsonLogRecord extends RecordBase {
  kind: 'json';
  payload: unknown;
}
export interface BinaryLogRecord extends RecordBase {
  kind: 'binary';
  payload: Buffer;
}
export type LogRecord = JsonLogRecord | BinaryLogRecord;

/** A named consumer position; see the module comment for the delivery contract. */
export interface LogCursor {
  readonly name: string;
  /** Last acknowledged seq (0 or firstSeq − 1 when nothing is); the consumer reads from position() + 1. */
  position(): number;
  /** Last acknowledged seq that is on disk (what survives a crash, what compaction respects). */
  durablePosition(): number;
  /** Acknowledges every record ≤ seq; resolves once that is on disk. Lower values are no-ops. */
  ack(seq: number): Promise<void>;
}

export interface CursorOptions {
  /** Where a new cursor starts: before the first retained record (default) or after the last one. */
  initial?: 'start' | 'end';
}

export interface CompactionResult {
  removedSegments: number;
  removedRecords: number;
  firstSeq: number;
}

export interface DurableLogStats {
  firstSeq: number;
  lastSeq: number;
  segments: number;
  bytes: number;
  /** Commit groups written by this instance (each is one write + one fdatasync). */
  commits: number;
  /** Every fsync/fdatasync by this instance: segments, directories, cursors. */
  fsyncs: number;
  appendedRecords: number;
}

interface Segment {
  base: number;
  path: string;
  size: number;
  offsets: number[];
  times: number[];
}

interface PendingAppend {
  payloads: { bytes: Buffer; json: boolean }[];
  bytes: number;
  resolve: (firstSeq: number) => void;
  reject: (error: Error) => void;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;
const FORMAT_MAX_RECORD_BYTES = 2 ** 32 - 1;
const SEGMENT_FILE = /^(\d{20})\.log$/;
const CURSOR_DIR = 'cursors';

export function segmentFileName(base: number): string {
  return `${String(base).padStart(20, '0')}.log`;
}

function encodePayload(payload: unknown): { bytes: Buffer; json: boolean } {
  if (payload instanceof Uint8Array) return { bytes: Buffer.from(payload), json: false };
  const text = JSON.stringify(payload);
  if (text === undefined) throw new TypeError(`cannot append ${typeof payload}: not JSON-serialisable`);
  return { bytes: Buffer.from(text, 'utf8'), json: true };
}

function lastSeqOf(segment: Segment): number {
  return segment.base + segment.offsets.length - 1;
}

function assertSeq(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
}

export class DurableLog {
  readonly dir: string;
  readonly #cursorDir: string;
  readonly #logger: DurableLogLogger;
  readonly #segmentBytes: number;
  readonly #maxRecordBytes: number;
  readonly #cursorRewriteEntries: number;
  readonly #onFsync: ((kind: FsyncKind, path: string) => void) | undefined;
  readonly #now: () => number;
  readonly #sync: SyncFn;

  #segments: Segment[] = [];
  #writer: FileHandle | undefined;
  #nextSeq = 1;
  #queue: PendingAppend[] = [];
  #committing = false;
  #commitLoop: Promise<void> = Promise.resolve();
  #waiters = new Set<() => void>();
  #cursors = new Map<string, Cursor>();
  /** Tail of the chain that runs cursor registration, removal and compaction one at a time. */
  #registry: Promise<unknown> = Promise.resolve();
  #broken: Error | undefined;
  #closing = false;
  #closed = false;
  #closePromise: Promise<void> | undefined;
  #commits = 0;
  #fsyncs = 0;
  #appendedRecords = 0;

  private constructor(dir: string, options: DurableLogOptions) {
    this.dir = dir;
    this.#cursorDir = join(dir, CURSOR_DIR);
    this.#logger = options.logger;
    this.#segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.#maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.#cursorRewriteEntries = options.cursorRewriteEntries ?? 4096;
    this.#onFsync = options.onFsync;
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.#segmentBytes) || this.#segmentBytes <= RECORD_HEADER_BYTES) throw new RangeError(`segmentBytes must be an integer > ${RECORD_HEADER_BYTES}`);
    if (!Number.isSafeInteger(this.#maxRecordBytes) || this.#maxRecordBytes < 0 || this.#maxRecordBytes > FORMAT_MAX_RECORD_BYTES) {
      throw new RangeError(`maxRecordBytes must be an integer between 0 and ${FORMAT_MAX_RECORD_BYTES}`);
    }
    if (!Number.isSafeInteger(this.#cursorRewriteEntries) || this.#cursorRewriteEntries < 1) throw new RangeError('cursorRewriteEntries must be a positive integer');
    this.#sync = async (file, kind, path) => {
      if (kind === 'directory') await file.sync();
      else await file.datasync();
      this.#fsyncs++;
      this.#onFsync?.(kind, path);
    };
  }

  /** Opens (creating if needed) the log in `options.dir`, recovering from a crash; see the module comment. */
  static async open(options: DurableLogOptions): Promise<DurableLog> {
    const dir = resolve(options.dir);
    const log = new DurableLog(dir, options);
    await log.#createDirectory(dir);
    await lockDirectory(dir, 'durable log');
    try {
      await log.#createDirectory(log.#cursorDir);
      await log.#recoverSegments();
      await log.#loadCursors();
    } catch (error) {
      await log.#writer?.close().catch(() => undefined);
      for (const cursor of log.#cursors.values()) await cursor.file.close().catch(() => undefined);
      await unlockDirectory(dir);
      throw error;
    }
    log.#logger.info(
      { dir, segments: log.#segments.length, firstSeq: log.firstSeq, lastSeq: log.lastSeq, cursors: [...log.#cursors.keys()] },
      'durable log opened',
    );
    return log;
  }

  /** Seq of the first retained record (lastSeq + 1 when the log holds none). */
  get firstSeq(): number {
    return this.#segments[0]?.base ?? this.#nextSeq;
  }

  /** Seq of the last durable record (0 when nothing was ever appended). */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /**
   * Appends records durably (see the module comment). An array is a batch of payloads (atomic,
   * consecutive seqs): to append a JSON array as one record, wrap it in a batch. A Uint8Array is
   * stored as bytes, anything else as JSON. Resolves after the fsync.
   */
  append(payloads: readonly unknown[]): Promise<number[]>;
  append(payload: unknown): Promise<number>;
  append(input: unknown): Promise<number | number[]> {
    const batch = Array.isArray(input);
    const items: readonly unknown[] = batch ? (input as unknown[]) : [input];
    let payloads: { bytes: Buffer; json: boolean }[];
    try {
      this.#assertWritable();
      payloads = items.map((item) => {
        const encoded = encodePayload(item);
        if (encoded.bytes.length > this.#maxRecordBytes) throw new RangeError(`payload of ${encoded.bytes.length} bytes exceeds maxRecordBytes (${this.#maxRecordBytes})`);
        return encoded;
      });
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (payloads.length === 0) return Promise.resolve([]);
    const bytes = payloads.reduce((sum, payload) => sum + RECORD_HEADER_BYTES + payload.bytes.length, 0);
    return new Promise<number>((resolvePromise, reject) => {
      this.#queue.push({ payloads, bytes, resolve: resolvePromise, reject });
      this.#scheduleCommit();
    }).then((first) => (batch ? payloads.map((_, index) => first + index) : first));
  }

  /** Durable records with seq ≥ fromSeq, in order, within the limits; [] when there are none yet. */
  async read(fromSeq: number, options: ReadOptions = {}): Promise<LogRecord[]> {
    if (this.#closed) throw new LogClosedError(`${this.dir}: the log is closed`);
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 1) throw new RangeError(`fromSeq must be a positive safe integer, got ${fromSeq}`);
    const maxRecords = options.maxRecords ?? 1000;
    const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    if (fromSeq < this.firstSeq) throw new LogCompactedError(fromSeq, this.firstSeq, this.dir);
    const records: LogRecord[] = [];
    let bytes = 0;
    let seq = fromSeq;
    while (seq <= this.lastSeq && records.length < maxRecords) {
      const segment = this.#segmentOf(seq);
      if (!segment) throw new LogCompactedError(seq, this.firstSeq, this.dir);
      // Plan the range synchronously: a commit may extend the segment while we read, never change it.
      const first = seq - segment.base;
      const count = segment.offsets.length;
      const start = segment.offsets[first]!;
      let last = first;
      const endOf = (index: number) => (index + 1 < count ? segment.offsets[index + 1]! : segment.size);
      if (records.length > 0 && bytes + endOf(first) - start > maxBytes) break;
      bytes += endOf(first) - start;
      while (last + 1 < count && records.length + (last + 1 - first) + 1 <= maxRecords && bytes + endOf(last + 1) - segment.offsets[last + 1]! <= maxBytes) {
        last++;
        bytes += endOf(last) - segment.offsets[last]!;
      }
      const chunk = await this.#readRange(segment, start, endOf(last) - start);
      for (let index = first; index <= last; index++) {
        records.push(this.#decode(segment, chunk, segment.offsets[index]! - start, segment.offsets[index]!, segment.base + index));
      }
      seq = segment.base + last + 1;
      if (bytes >= maxBytes) break;
    }
    return records;
  }

  /**
   * Every record from fromSeq on, waiting for new ones as they are appended (woken by the commit, no
   * polling). Ends when `signal` aborts or the log closes.
   */
  async *tail(fromSeq: number, signal?: AbortSignal): AsyncGenerator<LogRecord, void, undefined> {
    let next = fromSeq;
    while (!signal?.aborted && !this.#closed) {
      if (next > this.lastSeq) {
        await this.#waitForRecord(next, signal);
        continue;
      }
      for (const record of await this.read(next, { maxRecords: 256 })) {
        if (signal?.aborted) return;
        yield record;
        next = record.seq + 1;
      }
    }
  }

  /**
   * The named cursor, registered durably on first use (it holds back compaction from then on).
   * Registration, removal and compaction run one at a time, so a new cursor's starting position is
   * never deleted under it.
   */
  cursor(name: string, options: CursorOptions = {}): Promise<LogCursor> {
    try {
      assertCursorName(name);
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const existing = this.#cursors.get(name);
    if (existing) return Promise.resolve(existing);
    return this.#exclusive(async () => {
      const registered = this.#cursors.get(name);
      if (registered) return registered;
      const position = options.initial === 'end' ? this.lastSeq : this.firstSeq - 1;
      const file = await CursorFile.create(this.#cursorDir, name, position, this.#sync, this.#cursorRewriteEntries);
      const cursor = new Cursor(name, file, position, (subject, seq) => this.#checkAck(subject, seq));
      this.#cursors.set(name, cursor);
      return cursor;
    });
  }

  /** Names of the registered cursors. */
  cursorNames(): string[] {
    return [...this.#cursors.keys()].sort();
  }

  /** Unregisters a cursor (its file is deleted); it no longer holds back compaction. */
  removeCursor(name: string): Promise<void> {
    try {
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.#exclusive(async () => {
      const cursor = this.#cursors.get(name);
      if (!cursor) return;
      this.#cursors.delete(name);
      await cursor.idle();
      await cursor.file.remove();
    });
  }

  /** Deletes the segments whose records every registered cursor has durably acknowledged. */
  compact(): Promise<CompactionResult> {
    try {
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.#exclusive(() => this.#compact());
  }

  /** Records not yet acknowledged by the cursor (metrics). */
  depth(cursorName: string): number {
    return this.lastSeq - this.#cursorNamed(cursorName).position();
  }

  /**
   * Age in ms of the oldest record not yet acknowledged by the named cursor, or by any cursor when no
   * name is given (lag metric); 0 when everything is acknowledged or no cursor exists.
   */
  oldestUnackedAge(cursorName?: string): number {
    const cursors = cursorName === undefined ? [...this.#cursors.values()] : [this.#cursorNamed(cursorName)];
    let oldest: number | undefined;
    for (const cursor of cursors) {
      const seq = cursor.position() + 1;
      if (seq > this.lastSeq) continue;
      const segment = this.#segmentOf(seq);
      const time = segment?.times[seq - segment.base];
      if (time !== undefined && (oldest === undefined || time < oldest)) oldest = time;
    }
    return oldest === undefined ? 0 : Math.max(0, this.#now() - oldest);
  }

  stats(): DurableLogStats {
    return {
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
      segments: this.#segments.length,
      bytes: this.#segments.reduce((sum, segment) => sum + segment.size, 0),
      commits: this.#commits,
      fsyncs: this.#fsyncs,
      appendedRecords: this.#appendedRecords,
    };
  }

  /** Refuses new appends, waits for pending commits and acks, closes the files and the lock; ends tails. */
  close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    while (this.#committing) await this.#commitLoop;
    await this.#registry;
    for (const cursor of this.#cursors.values()) await cursor.idle();
    this.#closed = true;
    this.#notify();
    try {
      await this.#writer?.close();
      for (const cursor of this.#cursors.values()) await cursor.file.close();
    } finally {
      this.#writer = undefined;
      await unlockDirectory(this.dir);
    }
  }

  // ---- appends ----

  #assertOpen(): void {
    if (this.#closing) throw new LogClosedError(`${this.dir}: the log is closed`);
  }

  #assertWritable(): void {
    this.#assertOpen();
    if (this.#broken) throw this.#broken;
  }

  #scheduleCommit(): void {
    if (this.#committing) return;
    this.#committing = true;
    this.#commitLoop = this.#runCommits();
  }

  async #runCommits(): Promise<void> {
    // Let every append of this turn of the event loop join the first group.
    await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    try {
      while (this.#queue.length > 0) {
        if (this.#broken) {
          for (const pending of this.#queue.splice(0)) pending.reject(this.#broken);
          break;
        }
        await this.#commitGroup();
      }
    } finally {
      // Same synchronous step as the empty-queue check: an append after this schedules a new loop.
      this.#committing = false;
    }
  }

  async #commitGroup(): Promise<void> {
    let segment = this.#segments.at(-1)!;
    const first = this.#queue[0]!;
    try {
      if (segment.size > 0 && segment.size + first.bytes > this.#segmentBytes) segment = await this.#roll();
      let bytes = 0;
      let count = 0;
      const group: PendingAppend[] = [];
      for (const pending of this.#queue) {
        if (group.length > 0 && segment.size + bytes + pending.bytes > this.#segmentBytes) break;
        group.push(pending);
        bytes += pending.bytes;
        count += pending.payloads.length;
      }
      if (this.#nextSeq + count - 1 > Number.MAX_SAFE_INTEGER) throw new DurableLogError(`${this.dir}: sequence numbers exhausted`);
      this.#queue.splice(0, group.length);

      const buffer = Buffer.allocUnsafe(bytes);
      const appendedAt = this.#now();
      const groupFirst = this.#nextSeq;
      const offsets: number[] = [];
      let seq = groupFirst;
      let at = 0;
      const firsts: number[] = [];
      for (const pending of group) {
        firsts.push(seq);
        pending.payloads.forEach((payload, index) => {
          offsets.push(segment.size + at);
          const flags = (payload.json ? FLAG_JSON : 0) | (index === pending.payloads.length - 1 ? FLAG_END : 0);
          at = writeRecord(buffer, at, { seq, appendedAt, groupIndex: seq - groupFirst, flags, payload: payload.bytes });
          seq++;
        });
      }
      try {
        await writeExactly(this.#writer!, buffer, segment.size);
        await this.#sync(this.#writer!, 'segment', segment.path);
      } catch (error) {
        // Only this group's bytes are in doubt (everything before segment.size was fsynced when it was
        // acknowledged): cut them off and the log takes appends again, e.g. once a full disk has room.
        // If even that fails the file's state is unknown: refuse appends; a restart recovers from disk.
        const failure = new DurableLogError(`${segment.path}: write or fsync failed (${(error as Error).message}); the append was not taken`, { cause: error });
        for (const pending of group) pending.reject(failure);
        try {
          await this.#writer!.truncate(segment.size);
          await this.#sync(this.#writer!, 'segment', segment.path);
        } catch (repairError) {
          this.#broken = new DurableLogError(`${segment.path}: write or fsync failed and the segment could not be cut back (${(repairError as Error).message}); the log takes no more appends until reopened`, { cause: error });
        }
        return;
      }
      for (const offset of offsets) {
        segment.offsets.push(offset);
        segment.times.push(appendedAt);
      }
      segment.size += bytes;
      this.#nextSeq = seq;
      this.#commits++;
      this.#appendedRecords += count;
      group.forEach((pending, index) => pending.resolve(firsts[index]!));
      this.#notify();
    } catch (error) {
      this.#broken ??= error instanceof DurableLogError ? error : new DurableLogError(`${this.dir}: ${(error as Error).message}`, { cause: error });
      for (const pending of this.#queue.splice(0)) pending.reject(this.#broken);
    }
  }

  /** Starts a new segment at the next seq (the current one is complete and fsynced). */
  async #roll(): Promise<Segment> {
    await this.#writer?.close();
    this.#writer = undefined;
    const base = this.#nextSeq;
    const path = join(this.dir, segmentFileName(base));
    this.#writer = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
    await syncDirectory(this.dir, this.#sync);
    const segment: Segment = { base, path, size: 0, offsets: [], times: [] };
    this.#segments.push(segment);
    return segment;
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #waitForRecord(seq: number, signal?: AbortSignal): Promise<void> {
    if (this.lastSeq >= seq || this.#closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolveWait) => {
      const done = () => {
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolveWait();
      };
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  // ---- reads ----

  #segmentOf(seq: number): Segment | undefined {
    const segments = this.#segments;
    let low = 0;
    let high = segments.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const segment = segments[middle]!;
      if (seq < segment.base) high = middle - 1;
      else if (seq > lastSeqOf(segment)) low = middle + 1;
      else return segment;
    }
    return undefined;
  }

  async #readRange(segment: Segment, position: number, length: number): Promise<Buffer> {
    let file: FileHandle;
    try {
      file = await open(segment.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !this.#segments.includes(segment)) throw new LogCompactedError(segment.base, this.firstSeq, this.dir);
      throw error;
    }
    try {
      return await readExactly(file, position, length);
    } catch (error) {
      throw new LogCorruptionError(segment.path, position, (error as Error).message, { cause: error });
    } finally {
      await file.close();
    }
  }

  #decode(segment: Segment, chunk: Buffer, at: number, fileOffset: number, seq: number): LogRecord {
    const header = readHeader(chunk, at);
    const problem = at + RECORD_HEADER_BYTES + header.length > chunk.length ? { reason: 'record length does not match the index' } : recordProblem(chunk, at, header, seq);
    if (problem) throw new LogCorruptionError(segment.path, fileOffset, `reading record ${seq}: ${problem.reason}`);
    const payload = chunk.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + header.length);
    if ((header.flags & FLAG_JSON) === 0) return { seq, appendedAt: header.appendedAt, kind: 'binary', payload };
    try {
      return { seq, appendedAt: header.appendedAt, kind: 'json', payload: JSON.parse(payload.toString('utf8')) as unknown };
    } catch (error) {
      throw new LogCorruptionError(segment.path, fileOffset, `record ${seq} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }

  // ---- cursors, compaction ----

  #cursorNamed(name: string): Cursor {
    const cursor = this.#cursors.get(name);
    if (!cursor) throw new DurableLogError(`${this.dir}: no cursor named ${JSON.stringify(name)}`);
    return cursor;
  }

  /** Validation of an ack by `cursor` (Cursor.ack calls it). */
  #checkAck(cursor: Cursor, seq: number): void {
    assertSeq(seq, 'ack seq');
    this.#assertOpen();
    if (this.#cursors.get(cursor.name) !== cursor) throw new DurableLogError(`${this.dir}: cursor ${cursor.name} was removed`);
    if (seq > this.lastSeq) throw new RangeError(`${this.dir}: cannot acknowledge record ${seq}: the log ends at ${this.lastSeq}`);
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#registry.then(task);
    this.#registry = run.catch(() => undefined);
    return run;
  }

  async #compact(): Promise<CompactionResult> {
    let removedSegments = 0;
    let removedRecords = 0;
    if (this.#cursors.size > 0) {
      const acknowledged = Math.min(...[...this.#cursors.values()].map((cursor) => cursor.durablePosition()));
      // The last segment is the one appends go to: never deleted (it also carries the next seq).
      while (this.#segments.length > 1 && lastSeqOf(this.#segments[0]!) <= acknowledged) {
        const segment = this.#segments.shift()!;
        await unlink(segment.path);
        // One segment at a time, oldest first, each removal durable: no gap can appear at a crash.
        await syncDirectory(this.dir, this.#sync);
        removedSegments++;
        removedRecords += segment.offsets.length;
      }
    }
    if (removedSegments > 0) this.#logger.info({ dir: this.dir, removedSegments, removedRecords, firstSeq: this.firstSeq }, 'durable log compacted');
    return { removedSegments, removedRecords, firstSeq: this.firstSeq };
  }

  // ---- open and recovery ----

  /** mkdir -p, with an fsync of the parent of every directory it created. */
  async #createDirectory(dir: string): Promise<void> {
    const firstCreated = await mkdir(dir, { recursive: true });
    if (firstCreated === undefined) return;
    const top = resolve(firstCreated);
    for (let created = dir; ; created = dirname(created)) {
      await syncDirectory(dirname(created), this.#sync);
      if (created === top || dirname(created) === created) break;
    }
  }

  async #recoverSegments(): Promise<void> {
    const names = (await readdir(this.dir)).filter((name) => SEGMENT_FILE.test(name)).sort();
    if (names.length === 0) {
      const path = join(this.dir, segmentFileName(1));
      this.#writer = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
      await syncDirectory(this.dir, this.#sync);
      this.#segments = [{ base: 1, path, size: 0, offsets: [], times: [] }];
      this.#nextSeq = 1;
      return;
    }
    const segments: Segment[] = [];
    for (const [index, name] of names.entries()) {
      const path = join(this.dir, name);
      const base = Number(name.slice(0, 20));
      if (!Number.isSafeInteger(base) || base < 1) throw new LogCorruptionError(path, 0, 'segment name is not a sequence number between 1 and 2^53 − 1');
      const previous = segments.at(-1);
      if (previous && base !== lastSeqOf(previous) + 1) {
        throw new LogCorruptionError(path, 0, `segment starts at seq ${base} but the previous segment ends at seq ${lastSeqOf(previous)}: records are missing`);
      }
      const isLast = index === names.length - 1;
      const file = await open(path, isLast ? 'r+' : 'r');
      try {
        const scan = await scanSegment(file, base);
        if (!isLast) {
          if (scan.problem) throw new LogCorruptionError(path, scan.problem.offset, scan.problem.reason);
          if (scan.end !== scan.size) throw new LogCorruptionError(path, scan.end, `an append of ${scan.incompleteRecords} records was not completed in a segment that is not the last`);
          if (scan.offsets.length === 0) throw new LogCorruptionError(path, 0, 'empty segment that is not the last');
        } else if (scan.problem || scan.end !== scan.size) {
          if (scan.problem) {
            if (scan.problem.definite) throw new LogCorruptionError(path, scan.problem.offset, scan.problem.reason);
            const later = await findLaterGroupRecord(file, scan.size, base, scan.problem);
            if (later) {
              throw new LogCorruptionError(
                path,
                scan.problem.offset,
                `${scan.problem.reason}; a record committed after it follows (seq ${later.seq} at byte offset ${later.offset}), so this is damaged acknowledged data, not a torn write`,
              );
            }
          }
          this.#logger.warn(
            {
              file: path,
              offset: scan.end,
              droppedBytes: scan.size - scan.end,
              droppedRecords: scan.incompleteRecords,
              reason: scan.problem?.reason ?? 'the last append was not completed',
              lastSeq: base + scan.offsets.length - 1,
            },
            'durable log: cutting off a torn write at the end of the log (it was never acknowledged)',
          );
          await file.truncate(scan.end);
          await this.#sync(file, 'segment', path);
        }
        segments.push({ base, path, size: scan.end, offsets: scan.offsets, times: scan.times });
      } finally {
        await file.close();
      }
    }
    const last = segments.at(-1)!;
    this.#segments = segments;
    this.#nextSeq = lastSeqOf(last) + 1;
    this.#writer = await open(last.path, constants.O_WRONLY);
  }

  async #loadCursors(): Promise<void> {
    for (const name of (await readdir(this.#cursorDir)).sort()) {
      const path = join(this.#cursorDir, name);
      if (name.endsWith('.tmp')) {
        await unlink(path); // an interrupted create or rewrite: the previous file (if any) stands
        continue;
      }
      if (!name.endsWith('.cursor')) continue;
      const cursorName = name.slice(0, -'.cursor'.length);
      const { file, position, damagedEntries } = await CursorFile.load(this.#cursorDir, cursorName, this.#sync, this.#cursorRewriteEntries);
      this.#cursors.set(cursorName, new Cursor(cursorName, file, position, (cursor, seq) => this.#checkAck(cursor, seq)));
      if (damagedEntries > 0) this.#logger.warn({ file: path, position, damagedEntries }, 'durable log: dropped damaged cursor entries (the cursor can only have moved back)');
      if (position > this.lastSeq) {
        throw new LogCorruptionError(path, 0, `cursor ${cursorName} acknowledged up to seq ${position} but the log ends at seq ${this.lastSeq}: acknowledged records are missing`);
      }
      if (position < this.firstSeq - 1) {
        throw new LogCorruptionError(path, 0, `cursor ${cursorName} is at seq ${position} but records up to ${this.firstSeq - 1} were deleted`);
      }
    }
  }
}

class Cursor implements LogCursor {
  readonly name: string;
  readonly file: CursorFile;
  readonly #check: (cursor: Cursor, seq: number) => void;
  #requested: number;
  #durable: number;
  #waiters: { seq: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  #flushing: Promise<void> | undefined;

  constructor(name: string, file: CursorFile, position: number, check: (cursor: Cursor, seq: number) => void) {
    this.name = name;
    this.file = file;
    this.#requested = position;
    this.#durable = position;
    this.#check = check;
  }

  position(): number {
    return this.#requested;
  }

  durablePosition(): number {
    return this.#durable;
  }

  ack(seq: number): Promise<void> {
    try {
      this.#check(this, seq);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (seq <= this.#durable) return Promise.resolve();
    if (seq > this.#requested) this.#requested = seq;
    const done = new Promise<void>((resolveAck, reject) => this.#waiters.push({ seq, resolve: resolveAck, reject }));
    this.#flushing ??= this.#flush();
    return done;
  }

  /** Resolves when no write of this cursor is in flight. */
  async idle(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #flush(): Promise<void> {
    try {
      // Acks that arrive while one is written are coalesced into the next write (the highest wins).
      while (this.#requested > this.#durable) {
        const target = this.#requested;
        await this.file.write(target);
        this.#durable = target;
        const done = this.#waiters.filter((waiter) => waiter.seq <= target);
        this.#waiters = this.#waiters.filter((waiter) => waiter.seq > target);
        for (const waiter of done) waiter.resolve();
      }
    } catch (error) {
      // A torn entry is harmless (the largest valid entry wins) and the next ack writes the same slot
      // again, so a failed write only fails the acks waiting for it (e.g. while the disk is full).
      const failure = new DurableLogError(`${this.file.path}: writing the cursor failed: ${(error as Error).message}`, { cause: error });
      this.#requested = this.#durable;
      for (const waiter of this.#waiters.splice(0)) waiter.reject(failure);
    } finally {
      this.#flushing = undefined;
    }
  }
}
