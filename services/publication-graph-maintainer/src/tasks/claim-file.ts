/**
 * `<DATA_DIR>/tasks/<stream>.json`: the task this process claimed and the dct:modified it last wrote.
 * After a crash the restarted process finds it and takes its own task over at once (instead of waiting
 * TASK_STALE_AFTER_MS like any other instance must). Written to a temporary name, fsynced, renamed.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory } from '@delta-producer/core';

export interface ClaimRecord {
  task: string;
  /** ISO time of the last dct:modified this process wrote on the task. */
  modified: string;
}

export class ClaimFile {
  readonly #dir: string;
  readonly #path: string;

  constructor(dataDir: string, stream: string) {
    this.#dir = join(dataDir, 'tasks');
    this.#path = join(this.#dir, `${stream}.json`);
  }

  async read(): Promise<ClaimRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const value = JSON.parse(text) as Partial<ClaimRecord>;
      return typeof value.task === 'string' && typeof value.modified === 'string' ? { task: value.task, modified: value.modified } : undefined;
    } catch {
      return undefined;
    }
  }

  async write(record: ClaimRecord): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const temporary = `${this.#path}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(record)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.#path);
    await fsyncDirectory(this.#dir);
  }

  async clear(): Promise<void> {
    await rm(this.#path, { force: true });
  }
}
