/** File-system helpers of the durable log: fsync of directories, the directory lock. */
import { readFile, type FileHandle } from 'node:fs/promises';
import { fsyncDirectory } from '@delta-producer/core';

/** What was fsynced: a segment's data, a directory entry (create, rename, unlink), a cursor file. */
export type FsyncKind = 'segment' | 'directory' | 'cursor';

/** fsync (fdatasync for files) that the log counts and reports to its hook. */
export type SyncFn = (file: FileHandle, kind: FsyncKind, path: string) => Promise<void>;

/** fsyncs a directory, so entries created, renamed or removed in it survive a crash. */
export async function syncDirectory(dir: string, sync: SyncFn): Promise<void> {
  await fsyncDirectory(dir, (handle) => sync(handle, 'directory', dir));
}

export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The directory lock lives in core (shared with the dev-gateway's store). */
export { lockDirectory, unlockDirectory } from '@delta-producer/core';
