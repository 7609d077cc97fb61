/**
 * The file of one named consumer cursor: `cursors/<name>.cursor`, append-only, 16-byte entries
 *
 *     0  8  position (last acknowledged seq), u64 LE as two u32 (low, high)
 *     8  4  CRC-32 of bytes 0..8
 *     12 4  magic "CUR1"
 *
 * An ack appends one entry and fdatasyncs it. Positions only grow, so the largest valid entry is the
 * position: a torn or damaged entry can only move the cursor back, which re-delivers records
 * (at-least-once) and never skips one. The file is created, and rewritten when it has grown to
 * `rewriteAfterEntries`, as a temp file + fsync + rename + fsync of the directory, so it always holds
 * at least one valid entry.
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from './crc32.js';
import { LogCorruptionError } from './errors.js';
import { readIfExists, syncDirectory, type SyncFn } from './fs-util.js';

export const CURSOR_ENTRY_BYTES = 16;
const MAGIC = 0x31525543; // "CUR1" read as u32 LE
const TWO_TO_32 = 2 ** 32;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function assertCursorName(name: string): void {
  if (!NAME.test(name)) throw new RangeError(`invalid cursor name ${JSON.stringify(name)}: use 1-128 of A-Z a-z 0-9 . _ -, starting with a letter or digit`);
}

export function encodeCursorEntry(position: number): Buffer {
  const entry = Buffer.alloc(CURSOR_ENTRY_BYTES);
  entry.writeUInt32LE(position % TWO_TO_32, 0);
  entry.writeUInt32LE(Math.floor(position / TWO_TO_32), 4);
  entry.writeUInt32LE(crc32(entry.subarray(0, 8)), 8);
  entry.writeUInt32LE(MAGIC, 12);
  return entry;
}

export interface DecodedCursorFile {
  /** Largest valid position; undefined when the file holds no valid entry. */
  position: number | undefined;
  validEntries: number;
  /** Entries with a bad CRC or magic, and a torn last entry. */
  damagedEntries: number;
}

export function decodeCursorFile(bytes: Buffer): DecodedCursorFile {
  let position: number | undefined;
  let validEntries = 0;
  let damagedEntries = bytes.length % CURSOR_ENTRY_BYTES === 0 ? 0 : 1;
  for (let at = 0; at + CURSOR_ENTRY_BYTES <= bytes.length; at += CURSOR_ENTRY_BYTES) {
    const high = bytes.readUInt32LE(at + 4);
    const ok = bytes.readUInt32LE(at + 12) === MAGIC && crc32(bytes.subarray(at, at + 8)) === bytes.readUInt32LE(at + 8) && high < 2 ** 21;
    if (!ok) {
      damagedEntries++;
      continue;
    }
    validEntries++;
    const value = high * TWO_TO_32 + bytes.readUInt32LE(at);
    if (position === undefined || value > position) position = value;
  }
  return { position, validEntries, damagedEntries };
}

export class CursorFile {
  readonly path: string;
  readonly #dir: string;
  readonly #sync: SyncFn;
  readonly #rewriteAfterEntries: number;
  #handle: FileHandle;
  #entries: number;

  private constructor(dir: string, path: string, handle: FileHandle, entries: number, sync: SyncFn, rewriteAfterEntries: number) {
    this.#dir = dir;
    this.path = path;
    this.#handle = handle;
    this.#entries = entries;
    this.#sync = sync;
    this.#rewriteAfterEntries = rewriteAfterEntries;
  }

  static pathOf(dir: string, name: string): string {
    return join(dir, `${name}.cursor`);
  }

  /** Creates (or replaces) the cursor file durably with one entry. */
  static async create(dir: string, name: string, position: number, sync: SyncFn, rewriteAfterEntries: number): Promise<CursorFile> {
    const path = CursorFile.pathOf(dir, name);
    await replaceFile(dir, path, encodeCursorEntry(position), sync);
    return new CursorFile(dir, path, await open(path, 'r+'), 1, sync, rewriteAfterEntries);
  }

  /**
   * Opens an existing cursor file. A file without any valid entry is corruption (the file is only
   * ever created complete); damaged entries are dropped by rewriting the file with the position.
   */
  static async load(
    dir: string,
    name: string,
    sync: SyncFn,
    rewriteAfterEntries: number,
  ): Promise<{ file: CursorFile; position: number; damagedEntries: number }> {
    const path = CursorFile.pathOf(dir, name);
    const bytes = (await readIfExists(path)) ?? Buffer.alloc(0);
    const decoded = decodeCursorFile(bytes);
    if (decoded.position === undefined) {
      throw new LogCorruptionError(path, 0, `cursor file of ${bytes.length} bytes holds no valid entry`);
    }
    if (decoded.damagedEntries > 0) {
      return { file: await CursorFile.create(dir, name, decoded.position, sync, rewriteAfterEntries), position: decoded.position, damagedEntries: decoded.damagedEntries };
    }
    const file = new CursorFile(dir, path, await open(path, 'r+'), decoded.validEntries, sync, rewriteAfterEntries);
    return { file, position: decoded.position, damagedEntries: 0 };
  }

  /** Records `position` durably (resolves after fdatasync). */
  async write(position: number): Promise<void> {
    if (this.#entries >= this.#rewriteAfterEntries) {
      await this.#handle.close();
      try {
        await replaceFile(this.#dir, this.path, encodeCursorEntry(position), this.#sync);
        this.#entries = 1;
      } finally {
        // Reopened whether or not the rewrite happened: a failed one leaves the old file in place.
        this.#handle = await open(this.path, 'r+');
      }
      return;
    }
    const entry = encodeCursorEntry(position);
    const { bytesWritten } = await this.#handle.write(entry, 0, entry.length, this.#entries * CURSOR_ENTRY_BYTES);
    if (bytesWritten !== entry.length) throw new Error(`short write (${bytesWritten} bytes) to ${this.path}`);
    await this.#sync(this.#handle, 'cursor', this.path);
    this.#entries++;
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }

  /** Deletes the file (the cursor is no longer registered). */
  async remove(): Promise<void> {
    await this.#handle.close().catch(() => undefined);
    await unlink(this.path);
    await syncDirectory(this.#dir, this.#sync);
  }
}

/** Writes `content` to `path` atomically and durably: temp file, fsync, rename, fsync of the directory. */
async function replaceFile(dir: string, path: string, content: Buffer, sync: SyncFn): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    const { bytesWritten } = await handle.write(content, 0, content.length, 0);
    if (bytesWritten !== content.length) throw new Error(`short write (${bytesWritten} bytes) to ${temp}`);
    await sync(handle, 'cursor', temp);
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDirectory(dir, sync);
}
