/**
 * Data directories owned by one process: a `LOCK` file holds the owner's pid; a lock left by a dead
 * process is taken over. And fsync of a directory, so entries created, renamed or removed in it
 * survive a crash. Used by every component that keeps files it must not share (the dev-gateway's store,
 * the maintainer's logs).
 */
import { open, readFile, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export class DirectoryLockError extends Error {
  override readonly name = 'DirectoryLockError';
}

const LOCK = 'LOCK';
/** Directories locked by this process. */
const lockedHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLockPid(path: string): Promise<number | undefined> {
  try {
    return Number((await readFile(path, 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Takes the directory for this process; `owner` names the kind of user in messages ("gateway", "durable log"). */
export async function lockDirectory(dir: string, owner: string): Promise<void> {
  if (lockedHere.has(dir)) throw new DirectoryLockError(`${dir} is already open in this process (already used by another ${owner})`);
  const path = join(dir, LOCK);
  try {
    await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const pid = await readLockPid(path);
    if (pid !== undefined && Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new DirectoryLockError(`${dir} is in use by process ${pid} (${path}); one ${owner} per directory`);
    }
    await writeFile(path, `${process.pid}\n`); // left by a process that did not stop cleanly
  }
  lockedHere.add(dir);
}

export async function unlockDirectory(dir: string): Promise<void> {
  lockedHere.delete(dir);
  await unlink(join(dir, LOCK)).catch(() => undefined);
}

/** fsyncs a directory; `sync` lets a caller count or observe the fsync (default: `handle.sync()`). */
export async function fsyncDirectory(dir: string, sync: (handle: FileHandle) => Promise<void> = (handle) => handle.sync()): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await sync(handle);
  } finally {
    await handle.close();
  }
}
