/** File-system helpers of the durable log: fsync of directories, the directory lock. */
import { open, readFile, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { DurableLogError } from './errors.js';

/** What was fsynced: a segment's data, a directory entry (create, rename, unlink), a cursor file. */
export type FsyncKind = 'segment' | 'directory' | 'cursor';

/** fsync (fdatasync for files) that the log counts and reports to its hook. */
export type SyncFn = (file: FileHandle, kind: FsyncKind, path: string) => Promise<void>;

/** fsyncs a directory, so entries created, renamed or removed in it survive a crash. */
export async function syncDirectory(dir: string, sync: SyncFn): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await sync(handle, 'directory', dir);
  } finally {
    await handle.close();
  }
}

export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const LOCK = 'LOCK';
/** Directories locked by this process (two logs on one directory would interleave their writes). */
const lockedHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory for this process: `LOCK` holds the pid; a lock of a dead process is taken over. */
export async function lockDirectory(dir: string): Promise<void> {
  if (lockedHere.has(dir)) throw new DurableLogError(`${dir} is already open as a durable log in this process`);
  const path = join(dir, LOCK);
  try {
    await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const pid = Number((await readIfExists(path))?.toString('utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new DurableLogError(`${dir} is in use by process ${pid} (${path}); one process per log directory`);
    }
    await writeFile(path, `${process.pid}\n`); // left by a process that did not stop cleanly
  }
  lockedHere.add(dir);
}

export async function unlockDirectory(dir: string): Promise<void> {
  lockedHere.delete(dir);
  await unlink(join(dir, LOCK)).catch(() => undefined);
}
