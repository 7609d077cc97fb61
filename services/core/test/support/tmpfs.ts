/**
 * Real disk faults for tests: a small tmpfs mounted on a test directory can be filled up (ENOSPC),
 * given room again, or remounted read-only (EROFS) and back. Mounting needs root (CAP_SYS_ADMIN), as CI
 * and the development machines run; without it the test fails with this reason, it is never skipped.
 */
import { execFile } from 'node:child_process';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestTmpfs {
  dir: string;
  /** Writes a filler file until the filesystem is full. */
  fill(): Promise<void>;
  /** Removes the filler. */
  makeRoom(): Promise<void>;
  readOnly(): Promise<void>;
  readWrite(): Promise<void>;
  unmount(): Promise<void>;
}

async function mount(args: string[]): Promise<void> {
  try {
    await run('mount', args);
  } catch (error) {
    throw new Error(`mount ${args.join(' ')} failed: this test needs root to mount a tmpfs (CI runs as root): ${(error as Error).message}`, { cause: error });
  }
}

export async function mountTmpfs(dir: string, sizeBytes: number): Promise<TestTmpfs> {
  await mkdir(dir, { recursive: true });
  await mount(['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
  const filler = join(dir, '.filler');
  let mounted = true;
  return {
    dir,
    async fill() {
      const handle = await open(filler, 'a');
      const chunk = Buffer.alloc(4096, 120);
      try {
        for (;;) await handle.write(chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        await handle.close();
      }
    },
    async makeRoom() {
      await rm(filler, { force: true });
    },
    readOnly: () => mount(['-o', 'remount,ro', dir]),
    readWrite: () => mount(['-o', 'remount,rw', dir]),
    async unmount() {
      if (!mounted) return;
      mounted = false;
      await run('umount', ['-l', dir]);
    },
  };
}
