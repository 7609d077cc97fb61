/**
 * The delta-file writer's durable state, one small JSON file per stream
 * (`<DATA_DIR>/delta-files/<stream>/state.json`), replaced atomically (temporary file, fsync, rename,
 * directory fsync):
 * - `lastCreated`: the created time of the last file planned, so created times stay strictly
 *   increasing across restarts and clock steps back;
 * - `pending`: the flush under way — which outbox records, with which limits, into which files (names,
 *   uuids, created times). Written before any file; cleared after the `files` cursor is acked. After a
 *   crash the same files are written again from the same records and their metadata inserted again
 *   (idempotent), so nothing is published twice under different names and nothing is skipped.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory } from '@delta-producer/core';
import type { ChunkLimits } from './file-content.js';
import type { DeltaFileIdentity } from './file-naming.js';

export const WRITER_STATE_VERSION = 1;

export interface PendingFlush {
  /** First and last outbox seq of the flush (whole records). */
  fromSeq: number;
  toSeq: number;
  limits: ChunkLimits;
  pretty: boolean;
  files: DeltaFileIdentity[];
}

export interface WriterState {
  v: typeof WRITER_STATE_VERSION;
  lastCreated: number | null;
  pending: PendingFlush | null;
}

export class WriterStateError extends Error {
  override readonly name = 'WriterStateError';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function decodeState(value: unknown, path: string): WriterState {
  if (!isObject(value) || value.v !== WRITER_STATE_VERSION) throw new WriterStateError(`${path}: not a delta-file writer state of version ${WRITER_STATE_VERSION}`);
  const lastCreated = value.lastCreated;
  if (lastCreated !== null && !Number.isSafeInteger(lastCreated)) throw new WriterStateError(`${path}: lastCreated must be an integer or null`);
  const pending = value.pending;
  if (pending !== null && !(isObject(pending) && Number.isSafeInteger(pending.fromSeq) && Number.isSafeInteger(pending.toSeq) && Array.isArray(pending.files) && isObject(pending.limits))) {
    throw new WriterStateError(`${path}: pending must be a flush or null`);
  }
  return value as unknown as WriterState;
}

export class WriterStateFile {
  readonly dir: string;
  readonly path: string;

  constructor(dir: string) {
    this.dir = dir;
    this.path = join(dir, 'state.json');
  }

  async read(): Promise<WriterState> {
    await mkdir(this.dir, { recursive: true });
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { v: WRITER_STATE_VERSION, lastCreated: null, pending: null };
      throw error;
    }
    try {
      return decodeState(JSON.parse(text), this.path);
    } catch (error) {
      if (error instanceof WriterStateError) throw error;
      throw new WriterStateError(`${this.path}: not JSON (${(error as Error).message})`, { cause: error });
    }
  }

  async write(state: WriterState): Promise<void> {
    await writeFileDurably(this.path, JSON.stringify(state));
  }
}

/** Writes `path` atomically and durably: temporary name, fsync, rename, fsync of the directory. */
export async function writeFileDurably(path: string, content: string): Promise<number> {
  const temporary = `${path}.tmp`;
  const bytes = Buffer.from(content, 'utf8');
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  await fsyncDirectory(join(path, '..'));
  return bytes.length;
}
