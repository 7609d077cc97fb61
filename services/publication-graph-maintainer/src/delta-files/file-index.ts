/**
 * The stream's published files in created order, in memory: the files listing is answered from here
 * (a binary search, no store query per poll). Loaded from the files graph at start-up; a file is added
 * only after its metadata insert succeeded, and removed (by retention) before its metadata is deleted,
 * so the listing never names a file the store does not describe.
 */
import { listingPage, type ListedFile } from './listing.js';
import type { StoredFile } from './file-metadata-repository.js';

export class FileIndexError extends Error {
  override readonly name = 'FileIndexError';
}

export class DeltaFileIndex {
  #files: StoredFile[] = [];
  readonly #uuids = new Set<string>();
  #loaded = false;

  get loaded(): boolean {
    return this.#loaded;
  }

  get size(): number {
    return this.#files.length;
  }

  get last(): StoredFile | undefined {
    return this.#files.at(-1);
  }

  /** Replaces the content with the files read from the store (sorted by created). */
  load(files: readonly StoredFile[]): void {
    this.#files = [...files];
    this.#uuids.clear();
    for (const file of files) this.#uuids.add(file.uuid);
    this.#loaded = true;
  }

  has(uuid: string): boolean {
    return this.#uuids.has(uuid);
  }

  /** Appends newly published files; each must be newer than every listed one (the cursor never goes back). */
  append(files: readonly StoredFile[]): void {
    for (const file of files) {
      if (this.#uuids.has(file.uuid)) continue;
      const last = this.#files.at(-1);
      if (last && file.created <= last.created) throw new FileIndexError(`file ${file.name} (created ${new Date(file.created).toISOString()}) is not newer than the last listed file ${last.name}`);
      this.#files.push(file);
      this.#uuids.add(file.uuid);
    }
  }

  /** Removes and returns the files created before `cutoff` (ms). */
  removeOlderThan(cutoff: number): StoredFile[] {
    let count = 0;
    while (count < this.#files.length && this.#files[count]!.created < cutoff) count++;
    const removed = this.#files.splice(0, count);
    for (const file of removed) this.#uuids.delete(file.uuid);
    return removed;
  }

  page(since: number, limit: number): ListedFile[] {
    return listingPage(this.#files, since, limit);
  }
}
