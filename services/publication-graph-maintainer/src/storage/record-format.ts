/**
 * On-disk format of a log segment, and the scan that validates one.
 *
 * A segment file `<first seq, 20 digits>.log` is a plain sequence of records, no file header:
 *
 *     offset  size  field
 *     0       4     CRC-32 of bytes 4 .. end of payload (the rest of the header and the payload), LE
 *     4       4     payload length in bytes, LE
 *     8       8     sequence number, LE (u64; only values up to 2^53 - 1 are written)
 *     16      8     appendedAt: ms since the epoch, float64 LE (when the record's group was committed)
 *     24      4     group index: seq minus the first seq of the commit group (one write + one fsync)
 *     28      1     flags: bit 0 = payload is UTF-8 JSON (else binary); bit 1 = last record of an append()
 *     29      n     payload
 *
 * Every record of one append() call is written in the same commit group, in one segment; only the last
 * carries the END flag, so recovery can drop an append that was only partly written (an append is
 * atomic). The group index lets recovery tell a torn last write (every later valid record belongs to
 * the same group) from corruption of a record that was already fsynced (a valid record of a later
 * group follows it).
 */
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from './crc32.js';

export const RECORD_HEADER_BYTES = 29;
export const FLAG_JSON = 0b01;
export const FLAG_END = 0b10;
const KNOWN_FLAGS = FLAG_JSON | FLAG_END;
const TWO_TO_32 = 2 ** 32;
/** Largest high word of a sequence number that is still a safe integer. */
const MAX_SEQ_HIGH = Math.floor(Number.MAX_SAFE_INTEGER / TWO_TO_32);

export interface RecordHeader {
  crc: number;
  length: number;
  seq: number;
  appendedAt: number;
  groupIndex: number;
  flags: number;
}

export interface RecordToWrite {
  seq: number;
  appendedAt: number;
  groupIndex: number;
  flags: number;
  payload: Uint8Array;
}

/** Writes one record at `offset` of `target` (which must have room); returns the offset after it. */
export function writeRecord(target: Buffer, offset: number, record: RecordToWrite): number {
  const { payload } = record;
  target.writeUInt32LE(payload.length, offset + 4);
  target.writeUInt32LE(record.seq % TWO_TO_32, offset + 8);
  target.writeUInt32LE(Math.floor(record.seq / TWO_TO_32), offset + 12);
  target.writeDoubleLE(record.appendedAt, offset + 16);
  target.writeUInt32LE(record.groupIndex, offset + 24);
  target.writeUInt8(record.flags, offset + 28);
  target.set(payload, offset + RECORD_HEADER_BYTES);
  const end = offset + RECORD_HEADER_BYTES + payload.length;
  target.writeUInt32LE(crc32(target.subarray(offset + 4, end)), offset);
  return end;
}

/** Reads the header fields at `offset` (at least RECORD_HEADER_BYTES must be there). */
export function readHeader(source: Buffer, offset = 0): RecordHeader {
  return {
    crc: source.readUInt32LE(offset),
    length: source.readUInt32LE(offset + 4),
    seq: source.readUInt32LE(offset + 12) * TWO_TO_32 + source.readUInt32LE(offset + 8),
    appendedAt: source.readDoubleLE(offset + 16),
    groupIndex: source.readUInt32LE(offset + 24),
    flags: source.readUInt8(offset + 28),
  };
}

/** Whether the high word of the sequence number at `offset` keeps it a safe integer. */
function seqIsSafe(source: Buffer, offset: number): boolean {
  return source.readUInt32LE(offset + 12) <= MAX_SEQ_HIGH;
}

/** Whether the stored CRC matches the record `source[offset .. offset + header + length)`. */
export function crcMatches(source: Buffer, offset: number, header: RecordHeader): boolean {
  return crc32(source.subarray(offset + 4, offset + RECORD_HEADER_BYTES + header.length)) === header.crc;
}

/**
 * Checks a whole record already in memory (a read, or the scan): the problem with it, or undefined.
 * `definite` problems are records with a valid CRC that still do not fit (a torn write cannot make
 * one), so they are corruption even at the end of the log.
 */
export function recordProblem(source: Buffer, offset: number, header: RecordHeader, expectedSeq: number): { reason: string; definite: boolean } | undefined {
  if (!crcMatches(source, offset, header)) return { reason: 'CRC mismatch', definite: false };
  if (!seqIsSafe(source, offset)) return { reason: 'sequence number beyond 2^53', definite: true };
  if ((header.flags & ~KNOWN_FLAGS) !== 0) return { reason: `unknown flags 0x${header.flags.toString(16)}`, definite: true };
  if (header.seq !== expectedSeq) return { reason: `sequence number ${header.seq} where ${expectedSeq} was expected`, definite: true };
  return undefined;
}

/** Sequential reads of a file through a window buffer (segments can be larger than we want in memory). */
export class FileWindow {
  #buffer: Buffer = Buffer.alloc(0);
  #start = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
    private readonly chunkBytes = 4 * 1024 * 1024,
  ) {}

  /** Bytes [offset, offset + length), which must lie inside the file. */
  async get(offset: number, length: number): Promise<Buffer> {
    const relative = offset - this.#start;
    if (relative >= 0 && relative + length <= this.#buffer.length) return this.#buffer.subarray(relative, relative + length);
    const wanted = Math.min(Math.max(length, this.chunkBytes), this.size - offset);
    this.#buffer = await readExactly(this.file, offset, wanted);
    this.#start = offset;
    return this.#buffer.subarray(0, length);
  }
}

/** Reads exactly `length` bytes at `position`; fails if the file is shorter. */
export async function readExactly(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done} (wanted ${length} bytes from ${position})`);
    done += bytesRead;
  }
  return buffer;
}

/** Writes all of `buffer` at `position` (a write may be short). */
export async function writeExactly(file: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesWritten } = await file.write(buffer, done, buffer.length - done, position + done);
    if (bytesWritten <= 0) throw new Error(`write returned ${bytesWritten} at byte ${position + done}`);
    done += bytesWritten;
  }
}

export interface ScanProblem {
  /** Byte offset of the first record that is not valid. */
  offset: number;
  /** Sequence number the record there should have had. */
  expectedSeq: number;
  reason: string;
  /** A CRC-valid record that does not fit: corruption even at the end of the log. */
  definite: boolean;
}

export interface SegmentScan {
  /** Byte offset of every record of a complete append, in order (record i has seq base + i). */
  offsets: number[];
  /** appendedAt of every such record. */
  times: number[];
  /** Offset just after the last record of a complete append: where the valid data ends. */
  end: number;
  size: number;
  /** Valid records after `end` that belong to an append whose END record is missing. */
  incompleteRecords: number;
  problem?: ScanProblem;
}

/** Walks a segment from its start, checking every record (CRC, sequence, flags) and append boundaries. */
export async function scanSegment(file: FileHandle, base: number, chunkBytes?: number): Promise<SegmentScan> {
  const size = (await file.stat()).size;
  const window = new FileWindow(file, size, chunkBytes);
  const offsets: number[] = [];
  const times: number[] = [];
  let pendingOffsets: number[] = [];
  let pendingTimes: number[] = [];
  let end = 0;
  let offset = 0;
  let seq = base;
  let problem: ScanProblem | undefined;
  while (offset < size) {
    const remaining = size - offset;
    if (remaining < RECORD_HEADER_BYTES) {
      problem = { offset, expectedSeq: seq, reason: `${remaining} bytes left, fewer than a record header (${RECORD_HEADER_BYTES})`, definite: false };
      break;
    }
    const header = readHeader(await window.get(offset, RECORD_HEADER_BYTES));
    if (header.length > remaining - RECORD_HEADER_BYTES) {
      problem = { offset, expectedSeq: seq, reason: `record of ${header.length} payload bytes runs past the end of the file (${remaining - RECORD_HEADER_BYTES} left)`, definite: false };
      break;
    }
    const recordBytes = RECORD_HEADER_BYTES + header.length;
    const bad = recordProblem(await window.get(offset, recordBytes), 0, header, seq);
    if (bad) {
      problem = { offset, expectedSeq: seq, ...bad };
      break;
    }
    pendingOffsets.push(offset);
    pendingTimes.push(header.appendedAt);
    offset += recordBytes;
    seq++;
    if ((header.flags & FLAG_END) !== 0) {
      for (let i = 0; i < pendingOffsets.length; i++) {
        offsets.push(pendingOffsets[i]!);
        times.push(pendingTimes[i]!);
      }
      pendingOffsets = [];
      pendingTimes = [];
      end = offset;
    }
  }
  const scan: SegmentScan = { offsets, times, end, size, incompleteRecords: pendingOffsets.length };
  if (problem) scan.problem = problem;
  return scan;
}

/**
 * After a bad record at `problem.offset` of the last segment: a valid record further on that belongs
 * to a commit group started after the bad record's one, if any. Such a record proves the bad record's
 * group was complete and fsynced before it (groups are written strictly one after another), so the
 * bad record is corruption of acknowledged data, not a torn last write.
 */
export async function findLaterGroupRecord(
  file: FileHandle,
  size: number,
  base: number,
  problem: ScanProblem,
): Promise<{ offset: number; seq: number } | undefined> {
  if (size - problem.offset <= RECORD_HEADER_BYTES) return undefined;
  const tail = await readExactly(file, problem.offset, size - problem.offset);
  // No valid record can have a sequence number beyond this (each takes at least a header).
  const maxSeq = problem.expectedSeq + Math.floor(tail.length / RECORD_HEADER_BYTES);
  let at = 1;
  while (at + RECORD_HEADER_BYTES <= tail.length) {
    const header = readHeader(tail, at);
    const plausible =
      seqIsSafe(tail, at) &&
      header.seq > problem.expectedSeq &&
      header.seq <= maxSeq &&
      (header.flags & ~KNOWN_FLAGS) === 0 &&
      header.groupIndex <= header.seq - base &&
      header.length <= tail.length - at - RECORD_HEADER_BYTES;
    if (plausible && crcMatches(tail, at, header)) {
      if (header.seq - header.groupIndex > problem.expectedSeq) return { offset: problem.offset + at, seq: header.seq };
      at += RECORD_HEADER_BYTES + header.length; // a record of the torn group itself: look further
    } else {
      at++;
    }
  }
  return undefined;
}
