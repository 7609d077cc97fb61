/**
 * Retention of a stream's delta files (`deltaFileRetentionDays`; none = keep all): files whose created
 * time is older than the window are taken out of the listing, their metadata deleted, then the files
 * removed from disk. Runs at start-up and every hour.
 *
 * What consumers get: every file stays listed and downloadable for at least the window after its
 * created time. A consumer whose cursor is older than the window can no longer catch up from files
 * and must start again from a dump (initial sync).
 */
import { unlink } from 'node:fs/promises';
import { filePathOfShareUri, type Logger } from '@delta-producer/core';
import type { DeltaFileIndex } from './file-index.js';
import type { FileMetadataRepository, StoredFile } from './file-metadata-repository.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  stream: string;
  retentionDays: number;
  index: DeltaFileIndex;
  repository: FileMetadataRepository;
  shareDir: string;
  logger: Logger;
  now?: () => number;
  intervalMs?: number;
}

export class DeltaFileRetention {
  readonly #options: RetentionOptions;
  readonly #now: () => number;
  /** Files out of the listing whose metadata or bytes are still to be removed. */
  #leftover: StoredFile[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(options: RetentionOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    const tick = () => {
      this.#running ??= this.runOnce()
        .catch((error: unknown) => this.#options.logger.warn({ err: error, stream: this.#options.stream }, 'delta-file retention failed; retried at the next run'))
        .finally(() => (this.#running = undefined));
    };
    tick();
    this.#timer = setInterval(tick, this.#options.intervalMs ?? 60 * 60 * 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }

  /** Removes the files older than the window; returns how many. */
  async runOnce(): Promise<number> {
    const { index, repository, shareDir, logger, stream, retentionDays } = this.#options;
    if (!index.loaded) return 0;
    const cutoff = this.#now() - retentionDays * DAY_MS;
    this.#leftover.push(...index.removeOlderThan(cutoff));
    if (this.#leftover.length === 0) return 0;
    const files = this.#leftover;
    await repository.remove(files);
    for (const file of files) {
      if (!file.physical) continue;
      try {
        await unlink(filePathOfShareUri(shareDir, file.physical));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ err: error, stream, file: file.name }, 'delta-file retention: could not remove the file from disk');
      }
    }
    this.#leftover = [];
    logger.info({ stream, removed: files.length, olderThan: new Date(cutoff).toISOString() }, 'delta-file retention: removed old files');
    return files.length;
  }
}
