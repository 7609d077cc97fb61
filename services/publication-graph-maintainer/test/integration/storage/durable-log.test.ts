/**
 * DurableLog on real files in a temp directory (no fs mocks): round trips, sequence numbers across
 * segment rolls and restarts, group commit, cursors, crash recovery of torn tails, corruption
 * reports, compaction, tail().
 */
import { appendFile, open, readdir, readFile, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@delta-producer/core';
import {
  DurableLog,
  DurableLogError,
  LogClosedError,
  LogCompactedError,
  LogCorruptionError,
  segmentFileName,
  type CompactionResult,
  type DurableLogOptions,
  type FsyncKind,
  type LogCursor,
  type LogRecord,
} from '../../../src/storage/index.js';
import { RECORD_HEADER_BYTES } from '../../../src/storage/record-format.js';
import { recordingLogger, tempDirs } from './support.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanUp());

const opened: DurableLog[] = [];
afterEach(async () => {
  for (const log of opened.splice(0)) await log.close().catch(() => undefined);
});

async function openLog(dir: string, options: Partial<DurableLogOptions> = {}): Promise<DurableLog> {
  const log = await DurableLog.open({ dir, logger: recordingLogger(), ...options });
  opened.push(log);
  return log;
}

async function reopen(log: DurableLog, options: Partial<DurableLogOptions> = {}): Promise<DurableLog> {
  await log.close();
  return openLog(log.dir, options);
}

async function readAll(log: DurableLog, fromSeq = log.firstSeq): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for (;;) {
    const batch = await log.read(records.length === 0 ? fromSeq : records.at(-1)!.seq + 1, { maxRecords: 500 });
    if (batch.length === 0) return records;
    records.push(...batch);
  }
}

const payloads = (records: LogRecord[]) => records.map((record) => record.payload);
const segmentPath = (dir: string, base: number) => join(dir, segmentFileName(base));
/** A JSON payload {"i":n} of a one-digit n takes 7 bytes: records of 36 bytes. */
const SMALL_RECORD = RECORD_HEADER_BYTES + 7;

async function appendOneByOne(log: DurableLog, count: number, make: (index: number) => unknown = (index) => ({ i: index % 10 })): Promise<number[]> {
  const seqs: number[] = [];
  for (let index = 0; index < count; index++) seqs.push(await log.append(make(index)));
  return seqs;
}

async function flipByte(path: string, offset: number): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0xff;
    await file.write(byte, 0, 1, offset);
  } finally {
    await file.close();
  }
}

describe('DurableLog: append and read', () => {
  it('round-trips JSON, binary, empty and 1 MB payloads with their kind and commit time', async () => {
    const log = await openLog(await dirs.make(), { now: () => 1_700_000_000_123 });
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 10, 13]);
    const bigText = 'é'.repeat(512 * 1024); // 1 MiB of UTF-8
    const bigBinary = Buffer.alloc(1024 * 1024, 7);
    bigBinary[12345] = 0;
    const seqs = [
      await log.append({ deltas: [{ inserts: [], deletes: [] }], note: 'ünïcödé' }),
      await log.append(binary),
      await log.append(new Uint8Array([9, 8, 7])),
      await log.append(Buffer.alloc(0)),
      await log.append('a string'),
      await log.append(42),
      await log.append(null),
      await log.append({ text: bigText }),
      await log.append(bigBinary),
    ];
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    for (const reopening of [false, true]) {
      const records = await readAll(reopening ? await reopen(log) : log);
      expect(records.map((record) => [record.seq, record.kind, record.appendedAt])).toEqual(seqs.map((seq) => [seq, [2, 3, 4, 9].includes(seq) ? 'binary' : 'json', 1_700_000_000_123]));
      expect(records[0]!.payload).toEqual({ deltas: [{ inserts: [], deletes: [] }], note: 'ünïcödé' });
      expect(records[1]!.payload).toEqual(binary);
      expect(records[2]!.payload).toEqual(Buffer.from([9, 8, 7]));
      expect(records[3]!.payload).toEqual(Buffer.alloc(0));
      expect(payloads(records.slice(4, 7))).toEqual(['a string', 42, null]);
      expect((records[7]!.payload as { text: string }).text).toBe(bigText);
      expect(Buffer.compare(records[8]!.payload as Buffer, bigBinary)).toBe(0);
    }
  });

  it('appends a batch atomically with consecutive sequence numbers; a JSON array is a batch', async () => {
    const log = await openLog(await dirs.make());
    expect(await log.append(['a', 'b', 'c'])).toEqual([1, 2, 3]);
    expect(await log.append([[1, 2]])).toEqual([4]);
    expect(await log.append([])).toEqual([]);
    expect(payloads(await log.read(1))).toEqual(['a', 'b', 'c', [1, 2]]);
  });

  it('copies binary payloads at append: later changes to the caller buffer are not written', async () => {
    const log = await openLog(await dirs.make());
    const buffer = Buffer.from('original');
    const appended = log.append(buffer);
    buffer.write('changed!');
    await appended;
    expect((await log.read(1))[0]!.payload).toEqual(Buffer.from('original'));
  });

  it('reads within maxRecords and maxBytes, always at least one record, across segments', async () => {
    const log = await openLog(await dirs.make(), { segmentBytes: 4 * SMALL_RECORD });
    await appendOneByOne(log, 20);
    expect((await log.read(3, { maxRecords: 5 })).map((record) => record.seq)).toEqual([3, 4, 5, 6, 7]);
    expect((await log.read(3, { maxRecords: 100, maxBytes: 3 * SMALL_RECORD })).map((record) => record.seq)).toEqual([3, 4, 5]);
    expect((await log.read(3, { maxBytes: 1 })).map((record) => record.seq)).toEqual([3]);
    expect((await log.read(2, { maxRecords: 1000 })).map((record) => record.seq)).toEqual([...Array(19).keys()].map((index) => index + 2));
    expect(await log.read(21)).toEqual([]);
    expect(await log.read(1000)).toEqual([]);
    await expect(log.read(0)).rejects.toThrow(RangeError);
    await expect(log.read(1.5)).rejects.toThrow(RangeError);
  });

  it('refuses payloads that are not JSON-serialisable or larger than maxRecordBytes, without breaking the log', async () => {
    const log = await openLog(await dirs.make(), { maxRecordBytes: 100 });
    await expect(log.append(undefined)).rejects.toThrow(TypeError);
    await expect(log.append(() => 1)).rejects.toThrow(TypeError);
    await expect(log.append(Buffer.alloc(101))).rejects.toThrow(/exceeds maxRecordBytes/);
    await expect(log.append(['ok', Buffer.alloc(101)])).rejects.toThrow(/exceeds maxRecordBytes/);
    expect(await log.append(Buffer.alloc(100))).toBe(1);
    expect(log.lastSeq).toBe(1);
  });
});

describe('DurableLog: sequence numbers', () => {
  it('increase by one across segment rolls and reopening', async () => {
    const dir = await dirs.make();
    let log = await openLog(dir, { segmentBytes: 1024 });
    const expected: unknown[] = [];
    let seq = 0;
    for (let round = 0; round < 60; round++) {
      const batch = Array.from({ length: 1 + (round % 4) }, (_, index) => ({ round, index, pad: 'x'.repeat((round * 37) % 150) }));
      const seqs = round % 2 === 0 ? await log.append(batch) : await Promise.all(batch.map((payload) => log.append(payload)));
      expect(seqs).toEqual(batch.map(() => ++seq));
      expected.push(...batch);
    }
    const files = (await readdir(dir)).filter((name) => name.endsWith('.log'));
    expect(files.length).toBeGreaterThan(5);
    // Each file is named after its first record's seq, and none exceeds the limit but by one commit.
    expect(files[0]).toBe(segmentFileName(1));

    log = await reopen(log, { segmentBytes: 1024 });
    expect(log.lastSeq).toBe(seq);
    for (let index = 0; index < 30; index++) {
      expect(await log.append({ after: index })).toBe(++seq);
      expected.push({ after: index });
    }
    log = await reopen(log, { segmentBytes: 1024 });
    const records = await readAll(log);
    expect(records.map((record) => record.seq)).toEqual([...Array(seq).keys()].map((index) => index + 1));
    expect(payloads(records)).toEqual(expected);
  });

  it('puts a commit larger than a segment in a segment of its own', async () => {
    const dir = await dirs.make();
    const log = await openLog(dir, { segmentBytes: 200 });
    await log.append({ small: 1 });
    await log.append(Buffer.alloc(1000));
    await log.append({ small: 2 });
    expect((await readdir(dir)).filter((name) => name.endsWith('.log'))).toEqual([segmentFileName(1), segmentFileName(2), segmentFileName(3)]);
    expect((await stat(segmentPath(dir, 2))).size).toBe(RECORD_HEADER_BYTES + 1000);
    expect((await readAll(log)).map((record) => record.seq)).toEqual([1, 2, 3]);
  });
});

describe('DurableLog: group commit', () => {
  it('commits 100 concurrent appends with a handful of fsyncs, in call order', async () => {
    const fsyncs: FsyncKind[] = [];
    const log = await openLog(await dirs.make(), { onFsync: (kind) => fsyncs.push(kind) });
    fsyncs.length = 0; // creating the directory and first segment
    const before = log.stats();
    const seqs = await Promise.all(Array.from({ length: 100 }, (_, index) => log.append({ index })));
    expect(seqs).toEqual([...Array(100).keys()].map((index) => index + 1));
    const after = log.stats();
    expect(after.commits - before.commits).toBeLessThanOrEqual(2);
    expect(fsyncs.filter((kind) => kind === 'segment').length).toBeLessThanOrEqual(2);
    expect(after.fsyncs - before.fsyncs).toBe(fsyncs.length);
    expect(payloads(await log.read(1, { maxRecords: 100 }))).toEqual(seqs.map((_, index) => ({ index })));
  });

  it('lets appends that arrive during a commit share the next one', async () => {
    const log = await openLog(await dirs.make());
    const waves: Promise<number>[] = [];
    for (let wave = 0; wave < 5; wave++) {
      for (let index = 0; index < 50; index++) waves.push(log.append({ wave, index }));
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
    }
    const seqs = await Promise.all(waves);
    expect(seqs).toEqual([...Array(250).keys()].map((index) => index + 1));
    expect(log.stats().commits).toBeLessThan(20);
  });

  it('commits each awaited append on its own (an append resolves only after its fsync)', async () => {
    let segmentSyncs = 0;
    const log = await openLog(await dirs.make(), { onFsync: (kind) => (segmentSyncs += kind === 'segment' ? 1 : 0) });
    await appendOneByOne(log, 10);
    expect(segmentSyncs).toBe(10);
    expect(log.stats().commits).toBe(10);
  });
});

describe('DurableLog: cursors', () => {
  it('persists acks across reopening; acks are cumulative and only grow', async () => {
    let log = await openLog(await dirs.make());
    await appendOneByOne(log, 10);
    const cursor = await log.cursor('worker');
    expect(cursor.position()).toBe(0);
    await cursor.ack(4);
    await cursor.ack(2); // lower: no-op
    expect(cursor.position()).toBe(4);
    expect(cursor.durablePosition()).toBe(4);
    await expect(cursor.ack(11)).rejects.toThrow(/cannot acknowledge record 11: the log ends at 10/);
    await expect(cursor.ack(-1)).rejects.toThrow(RangeError);
    expect(await log.cursor('worker')).toBe(cursor);
    expect(log.depth('worker')).toBe(6);

    log = await reopen(log);
    expect(log.cursorNames()).toEqual(['worker']);
    const again = await log.cursor('worker');
    expect(again.position()).toBe(4);
    expect((await log.read(again.position() + 1)).map((record) => record.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    await again.ack(10);
    log = await reopen(log);
    expect((await log.cursor('worker')).position()).toBe(10);
    expect(log.depth('worker')).toBe(0);
  });

  it('coalesces concurrent acks into few cursor writes; position is the latest requested, durablePosition what is on disk', async () => {
    let cursorSyncs = 0;
    const log = await openLog(await dirs.make(), { onFsync: (kind) => (cursorSyncs += kind === 'cursor' ? 1 : 0) });
    await log.append(Array.from({ length: 100 }, (_, index) => index));
    const cursor = await log.cursor('c');
    cursorSyncs = 0;
    const acks = Array.from({ length: 100 }, (_, index) => cursor.ack(index + 1));
    expect(cursor.position()).toBe(100);
    expect(cursor.durablePosition()).toBe(0);
    await Promise.all(acks);
    expect(cursor.durablePosition()).toBe(100);
    expect(cursorSyncs).toBeLessThanOrEqual(3);
  });

  it('rewrites a grown cursor file to one entry and keeps the position', async () => {
    const dir = await dirs.make();
    let log = await openLog(dir, { cursorRewriteEntries: 5 });
    await appendOneByOne(log, 12);
    const cursor = await log.cursor('c');
    for (let seq = 1; seq <= 12; seq++) await cursor.ack(seq);
    expect((await stat(join(dir, 'cursors', 'c.cursor'))).size).toBeLessThanOrEqual(5 * 16);
    log = await reopen(log, { cursorRewriteEntries: 5 });
    expect((await log.cursor('c')).position()).toBe(12);
  });

  it('ignores a torn or damaged cursor entry: the cursor can only go back, never forward', async () => {
    const dir = await dirs.make();
    const logger = recordingLogger();
    let log = await openLog(dir);
    await appendOneByOne(log, 5);
    const cursor = await log.cursor('c');
    await cursor.ack(2);
    await cursor.ack(3);
    await log.close();
    const path = join(dir, 'cursors', 'c.cursor');
    await flipByte(path, 16 + 3); // the entry for 2 (the first entry is the initial 0)
    await appendFile(path, Buffer.from([1, 2, 3])); // torn entry
    log = await openLog(dir, { logger });
    expect((await log.cursor('c')).position()).toBe(3);
    expect(logger.warnings()).toEqual([expect.objectContaining({ bindings: expect.objectContaining({ damagedEntries: 2, position: 3 }) })]);
    expect((await readFile(path)).length).toBe(16);
  });

  it('starts a new cursor before the first retained record, or at the end', async () => {
    const log = await openLog(await dirs.make());
    await appendOneByOne(log, 3);
    expect((await log.cursor('from-start')).position()).toBe(0);
    expect((await log.cursor('from-end', { initial: 'end' })).position()).toBe(3);
    await expect(log.cursor('../escape')).rejects.toThrow(/invalid cursor name/);
    await expect(log.cursor('')).rejects.toThrow(/invalid cursor name/);
  });

  it('removes a cursor: its file goes, it holds back nothing, acks on it fail', async () => {
    const dir = await dirs.make();
    let log = await openLog(dir);
    await log.append(1);
    const cursor = await log.cursor('gone');
    await log.removeCursor('gone');
    await expect(cursor.ack(1)).rejects.toThrow(/was removed/);
    expect(() => log.depth('gone')).toThrow(DurableLogError);
    log = await reopen(log);
    expect(log.cursorNames()).toEqual([]);
  });

  it('reports depth and the age of the oldest unacknowledged record', async () => {
    let clock = 1_000_000;
    const log = await openLog(await dirs.make(), { now: () => clock });
    const fast = await log.cursor('fast');
    const slow = await log.cursor('slow');
    expect(log.oldestUnackedAge()).toBe(0);
    await log.append('a'); // at 1_000_000
    clock += 500;
    await log.append('b'); // at 1_000_500
    clock += 1000;
    expect(log.depth('slow')).toBe(2);
    expect(log.oldestUnackedAge('slow')).toBe(1500);
    await fast.ack(1);
    expect(log.oldestUnackedAge('fast')).toBe(1000);
    expect(log.oldestUnackedAge()).toBe(1500);
    await slow.ack(2);
    await fast.ack(2);
    expect(log.oldestUnackedAge()).toBe(0);
    expect(log.depth('fast')).toBe(0);
  });
});

describe('DurableLog: recovery at open', () => {
  async function logWithRecords(count: number, logger = recordingLogger()): Promise<{ dir: string; path: string; logger: ReturnType<typeof recordingLogger> }> {
    const dir = await dirs.make();
    const log = await openLog(dir, { logger });
    await appendOneByOne(log, count);
    await log.close();
    return { dir, path: segmentPath(dir, 1), logger };
  }

  it('cuts off a last record torn mid-payload, with a warning; later appends reuse its seq', async () => {
    const { dir, path } = await logWithRecords(10);
    await truncate(path, 10 * SMALL_RECORD - 3);
    const logger = recordingLogger();
    const log = await openLog(dir, { logger });
    expect(log.lastSeq).toBe(9);
    expect(payloads(await readAll(log))).toEqual([...Array(9).keys()].map((index) => ({ i: index })));
    expect(logger.warnings()).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/torn write/), bindings: expect.objectContaining({ file: path, offset: 9 * SMALL_RECORD, lastSeq: 9 }) }),
    ]);
    expect((await stat(path)).size).toBe(9 * SMALL_RECORD);
    expect(await log.append('next')).toBe(10);
    const again = await reopen(log);
    expect(payloads(await again.read(9))).toEqual([{ i: 8 }, 'next']);
    expect(again.lastSeq).toBe(10);
  });

  it('cuts off a last record of which only part of the header was written', async () => {
    const { dir, path } = await logWithRecords(3);
    await truncate(path, 2 * SMALL_RECORD + 5);
    const log = await openLog(dir);
    expect(log.lastSeq).toBe(2);
    expect(await log.append('x')).toBe(3);
  });

  it('cuts off a last record with a flipped CRC byte, or a flipped payload byte', async () => {
    for (const offsetInRecord of [0, SMALL_RECORD - 2]) {
      const { dir, path } = await logWithRecords(5);
      await flipByte(path, 4 * SMALL_RECORD + offsetInRecord);
      const logger = recordingLogger();
      const log = await openLog(dir, { logger });
      expect(log.lastSeq).toBe(4);
      expect(logger.warnings()[0]?.bindings.reason).toBe('CRC mismatch');
      expect(await log.append({ i: 9 })).toBe(5);
      expect(payloads(await readAll(log))).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }, { i: 9 }]);
      await log.close();
    }
  });

  it('cuts off zeros or garbage after the last record (a file extended but not written)', async () => {
    const { dir, path } = await logWithRecords(4);
    await appendFile(path, Buffer.alloc(4096));
    let log = await openLog(dir);
    expect(log.lastSeq).toBe(4);
    await log.close();
    await appendFile(path, Buffer.from('garbage garbage garbage garbage garbage garbage'));
    log = await openLog(dir);
    expect(log.lastSeq).toBe(4);
    expect((await stat(path)).size).toBe(4 * SMALL_RECORD);
  });

  it('drops the whole of a batch whose last record was torn (an append is all or nothing)', async () => {
    const dir = await dirs.make();
    let log = await openLog(dir);
    await log.append({ i: 0 });
    await log.append([{ i: 1 }, { i: 2 }, { i: 3 }]);
    const path = segmentPath(dir, 1);
    await log.close();
    await truncate(path, 4 * SMALL_RECORD - 1);
    const logger = recordingLogger();
    log = await openLog(dir, { logger });
    expect(log.lastSeq).toBe(1);
    expect(logger.warnings()[0]?.bindings).toEqual(expect.objectContaining({ droppedRecords: 2, offset: SMALL_RECORD }));
    // Same when the write stopped exactly between two records of the batch.
    await log.append([{ i: 1 }, { i: 2 }, { i: 3 }]);
    await log.close();
    await truncate(path, 3 * SMALL_RECORD);
    log = await openLog(dir);
    expect(log.lastSeq).toBe(1);
  });

  it('keeps the complete appends of a torn commit group and drops the rest', async () => {
    const dir = await dirs.make();
    let log = await openLog(dir);
    await log.append({ i: 0 });
    await Promise.all([log.append({ i: 1 }), log.append({ i: 2 }), log.append({ i: 3 })]);
    expect(log.stats().commits).toBe(2);
    await log.close();
    await truncate(segmentPath(dir, 1), 3 * SMALL_RECORD + 10);
    log = await openLog(dir);
    expect(payloads(await readAll(log))).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  });

  it('reports corruption inside the last segment with the file and offset, and does not touch the file', async () => {
    const { dir, path } = await logWithRecords(10);
    await flipByte(path, 2 * SMALL_RECORD + 20);
    const sizeBefore = (await stat(path)).size;
    const error = await DurableLog.open({ dir, logger: recordingLogger() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LogCorruptionError);
    expect(error).toMatchObject({ file: path, offset: 2 * SMALL_RECORD });
    expect((error as Error).message).toContain(`${path} at byte offset ${2 * SMALL_RECORD}: CRC mismatch`);
    expect((error as Error).message).toMatch(/not a torn write/);
    expect((await stat(path)).size).toBe(sizeBefore);
    // The lock was released: a repaired directory can be opened again by this process.
    await flipByte(path, 2 * SMALL_RECORD + 20);
    expect((await openLog(dir)).lastSeq).toBe(10);
  });

  it('reports a damaged length field in the middle (the record seems to run past the end)', async () => {
    const { dir, path } = await logWithRecords(10);
    await flipByte(path, 3 * SMALL_RECORD + 7); // high byte of the length
    await expect(DurableLog.open({ dir, logger: recordingLogger() })).rejects.toMatchObject({ name: 'LogCorruptionError', file: path, offset: 3 * SMALL_RECORD });
  });

  it('reports corruption in a segment that is not the last, even at its end', async () => {
    const dir = await dirs.make();
    const log = await openLog(dir, { segmentBytes: 3 * SMALL_RECORD });
    await appendOneByOne(log, 7); // segments 1-3, 4-6, 7
    await log.close();
    await flipByte(segmentPath(dir, 4), 2 * SMALL_RECORD + 1);
    await expect(DurableLog.open({ dir, logger: recordingLogger() })).rejects.toMatchObject({ file: segmentPath(dir, 4), offset: 2 * SMALL_RECORD });
    await flipByte(segmentPath(dir, 4), 2 * SMALL_RECORD + 1);
    await truncate(segmentPath(dir, 4), 3 * SMALL_RECORD - 1);
    await expect(DurableLog.open({ dir, logger: recordingLogger() })).rejects.toThrow(LogCorruptionError);
  });

  it('reports a missing segment in the middle', async () => {
    const dir = await dirs.make();
    const log = await openLog(dir, { segmentBytes: 2 * SMALL_RECORD });
    await appendOneByOne(log, 6);
    await log.close();
    await unlink(segmentPath(dir, 3));
    await expect(DurableLog.open({ dir, logger: recordingLogger() })).rejects.toThrow(
      `${segmentPath(dir, 5)} at byte offset 0: segment starts at seq 5 but the previous segment ends at seq 2: records are missing`,
    );
  });

  it('refuses to open when a cursor acknowledged records the log no longer has', async () => {
    const dir = await dirs.make();
    const log = await openLog(dir);
    await appendOneByOne(log, 5);
    await (await log.cursor('c')).ack(5);
    await log.close();
    await truncate(segmentPath(dir, 1), 4 * SMALL_RECORD + 1); // damage shaped like a torn write
    await expect(DurableLog.open({ dir, logger: recordingLogger() })).rejects.toThrow(/cursor c acknowledged up to seq 5 but the log ends at seq 4: acknowledged records are missing/);
  });

  it('works with a pino logger from core (the service logger)', async () => {
    const { dir, path } = await logWithRecords(2);
    await truncate(path, SMALL_RECORD + 1);
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        callback();
      },
    });
    await openLog(dir, { logger: createLogger({ level: 'info', format: 'json', name: 'test', destination }) });
    const lines = chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, file: path, droppedBytes: 1 }));
  });

  it('allows one open log per directory', async () => {
    const dir = await dirs.make();
    await openLog(dir);
    await expect(DurableLog.open({ dir, logger: recordingLogger() })).rejects.toThrow(/already open/);
  });

  it('creates missing parent directories and removes a stale lock of a dead process', async () => {
    const root = await dirs.make();
    const dir = join(root, 'data', 'outbox', 'stream-a');
    let log = await openLog(dir);
    await log.append('x');
    await log.close();
    await writeFile(join(dir, 'LOCK'), '2147483646\n');
    log = await openLog(dir);
    expect(log.lastSeq).toBe(1);
  });
});

describe('DurableLog: compaction', () => {
  it('deletes only segments every cursor acknowledged entirely, never the last one', async () => {
    const dir = await dirs.make();
    let log = await openLog(dir, { segmentBytes: 4 * SMALL_RECORD });
    await appendOneByOne(log, 18); // segments 1-4, 5-8, 9-12, 13-16, 17-18
    const a = await log.cursor('a');
    const b = await log.cursor('b');
    expect(await log.compact()).toEqual({ removedSegments: 0, removedRecords: 0, firstSeq: 1 });
    await a.ack(18);
    await b.ack(11);
    expect(await log.compact()).toEqual({ removedSegments: 2, removedRecords: 8, firstSeq: 9 });
    expect((await readdir(dir)).filter((name) => name.endsWith('.log'))).toEqual([segmentFileName(9), segmentFileName(13), segmentFileName(17)]);
    await expect(log.read(8)).rejects.toThrow(LogCompactedError);
    expect((await log.read(b.position() + 1)).map((record) => record.seq)).toEqual([12, 13, 14, 15, 16, 17, 18]);

    log = await reopen(log, { segmentBytes: 4 * SMALL_RECORD });
    expect([log.firstSeq, log.lastSeq]).toEqual([9, 18]);
    expect((await log.cursor('new')).position()).toBe(8);
    await (await log.cursor('a')).ack(18);
    await (await log.cursor('b')).ack(18);
    await (await log.cursor('new')).ack(18);
    expect(await log.compact()).toEqual({ removedSegments: 2, removedRecords: 8, firstSeq: 17 });
    expect(await log.append('after')).toBe(19);
  });

  it('keeps everything while no cursor is registered; an unflushed ack does not count', async () => {
    const dir = await dirs.make();
    const log = await openLog(dir, { segmentBytes: 2 * SMALL_RECORD });
    await appendOneByOne(log, 6);
    expect((await log.compact()).removedSegments).toBe(0);
    const cursor = await log.cursor('c');
    const ack = cursor.ack(6);
    expect((await log.compact()).removedSegments).toBe(0);
    await ack;
    expect((await log.compact()).removedSegments).toBe(2);
  });

  it('never deletes the starting position of a cursor registered while compacting', async () => {
    for (const compactFirst of [true, false]) {
      const dir = await dirs.make();
      let log = await openLog(dir, { segmentBytes: 2 * SMALL_RECORD });
      await appendOneByOne(log, 6);
      await (await log.cursor('a')).ack(6);
      // Both calls start in the same tick; whichever comes first runs first.
      let compaction: Promise<CompactionResult>;
      let late: Promise<LogCursor>;
      if (compactFirst) {
        compaction = log.compact();
        late = log.cursor('late');
      } else {
        late = log.cursor('late');
        compaction = log.compact();
      }
      expect((await compaction).removedSegments).toBe(compactFirst ? 2 : 0);
      expect((await late).position()).toBe(log.firstSeq - 1);
      expect((await log.read((await late).position() + 1)).length).toBeGreaterThan(0);
      log = await reopen(log, { segmentBytes: 2 * SMALL_RECORD });
      expect((await log.cursor('late')).position()).toBe(log.firstSeq - 1);
      await log.close();
    }
  });

  it('continues the sequence after every old segment is gone, also from an empty last segment', async () => {
    const dir = await dirs.make();
    let log = await openLog(dir, { segmentBytes: 2 * SMALL_RECORD });
    await appendOneByOne(log, 5); // segments 1-2, 3-4, 5
    const cursor = await log.cursor('c');
    await cursor.ack(5);
    expect(await log.compact()).toEqual({ removedSegments: 2, removedRecords: 4, firstSeq: 5 });
    log = await reopen(log, { segmentBytes: 2 * SMALL_RECORD });
    expect([log.firstSeq, log.lastSeq]).toEqual([5, 5]);
    expect(log.depth('c')).toBe(0);
    await log.close();
    // A crash right after a roll leaves an empty last segment: it carries the next seq.
    await writeFile(segmentPath(dir, 6), '');
    log = await openLog(dir, { segmentBytes: 2 * SMALL_RECORD });
    expect([log.firstSeq, log.lastSeq]).toEqual([5, 5]);
    expect(await log.append('x')).toBe(6);
    expect((await stat(segmentPath(dir, 6))).size).toBe(RECORD_HEADER_BYTES + 3);
  });
});

describe('DurableLog: tail', () => {
  it('yields the records there are, wakes on append without polling, stops on abort', async () => {
    const log = await openLog(await dirs.make());
    await log.append(['a', 'b']);
    const controller = new AbortController();
    const iterator = log.tail(1, controller.signal)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ seq: 1, payload: 'a' });
    expect((await iterator.next()).value).toMatchObject({ seq: 2, payload: 'b' });
    const pending = iterator.next();
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((resolveLater) => setTimeout(resolveLater, 50));
    expect(settled).toBe(false);
    await log.append('c');
    expect((await pending).value).toMatchObject({ seq: 3, payload: 'c' });
    const waiting = iterator.next();
    controller.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it('ends when the log closes', async () => {
    const log = await openLog(await dirs.make());
    const received: unknown[] = [];
    const consumer = (async () => {
      for await (const record of log.tail(1)) received.push(record.payload);
    })();
    await log.append('x');
    await log.append('y');
    await log.close();
    await consumer;
    expect(received).toEqual(['x', 'y']);
  });
});

describe('DurableLog: close', () => {
  it('waits for pending appends, then refuses appends, acks and reads', async () => {
    const dir = await dirs.make();
    const log = await openLog(dir);
    const cursor = await log.cursor('c');
    const pending = [log.append('one'), log.append('two')];
    await log.close();
    expect(await Promise.all(pending)).toEqual([1, 2]);
    await expect(log.append('three')).rejects.toThrow(LogClosedError);
    await expect(cursor.ack(1)).rejects.toThrow(LogClosedError);
    await expect(log.read(1)).rejects.toThrow(LogClosedError);
    const again = await openLog(dir);
    expect(payloads(await again.read(1))).toEqual(['one', 'two']);
  });
});
