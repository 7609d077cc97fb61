/**
 * A stream's delta-file writer: turns outbox records into delta files, with its own outbox cursor
 * `files`, reading only records the `applied` cursor has passed (a change is never published before it
 * is in the publication graph). Woken when `applied` advances; a flush starts `debounceMs` after the
 * first change (deltaInterval) and takes everything applied by then.
 *
 * One flush, in this order (a crash between any two steps is completed at the next start):
 *   1. plan: whole outbox records [from, to] → files (chunked, grouped), each with its uuid, name and
 *      created time (strictly after the last one); the plan is persisted in the writer state;
 *   2. each file: checked against the delta-file schema, written to a temporary name, fsynced,
 *      renamed, directory fsynced;
 *   3. metadata of every file inserted into filesGraph (idempotent); the files join the listing;
 *   4. the `files` cursor is acked to `to`; the plan is cleared; the outbox is compacted.
 * Recovery re-runs a persisted plan from step 2: the same records give the same bytes under the same
 * names and ids; when the cursor already passed it, only the plan is cleared.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@delta-producer/core';
import { APPLIED_CURSOR, decodeOutboxRecord, type Outbox } from '../live/apply.js';
import type { DurableLog, LogCompaction, LogCursor } from '../storage/index.js';
import { nextCreatedTimes } from './created-times.js';
import { chunkChangeset, fileChangesets, groupIntoFiles, serialiseFile, type Changeset, type ChunkLimits } from './file-content.js';
import type { DeltaFileIndex } from './file-index.js';
import type { FileMetadataRepository } from './file-metadata-repository.js';
import { deltaFileName, deltaFileRelativePath, logicalFileIri, physicalFileIri, type DeltaFileIdentity } from './file-naming.js';
import { assertDeltaFile } from './file-schema.js';
import { writeFileDurably, WriterStateFile, type PendingFlush, type WriterState } from './writer-state.js';

/** Cursor of the outbox: records published as delta files. */
export const FILES_CURSOR = 'files';
/** Files planned per flush at most (a larger backlog takes several flushes). */
export const MAX_FILES_PER_FLUSH = 100;

/** Points between the steps of a flush where tests inject a crash. */
export type FlushStep = 'planned' | 'file-written' | 'files-written' | 'metadata-inserted' | 'acked';

export class DeltaFileWriterError extends Error {
  override readonly name = 'DeltaFileWriterError';
}

export interface DeltaFileWriterOptions {
  stream: string;
  outbox: Outbox;
  log: DurableLog;
  repository: FileMetadataRepository;
  index: DeltaFileIndex;
  compaction: LogCompaction;
  /** `<DATA_DIR>/delta-files/<stream>`. */
  stateDir: string;
  shareDir: string;
  /** relativeFilePath, normalised. */
  relativeFilePath: string;
  limits: ChunkLimits;
  pretty: boolean;
  debounceMs: number;
  logger: Logger;
  /** Clock, ms since the epoch (tests). */
  now?: () => number;
  /** Called at each step boundary; a throw there stands for a crash at that point (tests). */
  onStep?: (step: FlushStep) => void | Promise<void>;
  /** Back-off after a failed flush (default 500 ms doubling to 30 s). */
  retry?: { initialMs: number; maxMs: number };
}

export class DeltaFileWriter {
  readonly #options: DeltaFileWriterOptions;
  readonly #stateFile: WriterStateFile;
  readonly #now: () => number;
  readonly #abort = new AbortController();
  #state: WriterState = { v: 1, lastCreated: null, pending: null };
  #files: LogCursor | undefined;
  #applied: LogCursor | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;
  #waiters: { seq: number; resolve: () => void }[] = [];
  #failures = 0;
  #stopped = false;

  constructor(options: DeltaFileWriterOptions) {
    this.#options = options;
    this.#stateFile = new WriterStateFile(options.stateDir);
    this.#now = options.now ?? Date.now;
  }

  get stream(): string {
    return this.#options.stream;
  }

  /** Consecutive failed flushes (readiness). */
  get failures(): number {
    return this.#failures;
  }

  /** Files planned but not yet acked, plus outbox records applied and not yet in a file. */
  get backlog(): number {
    if (!this.#files || !this.#applied) return 0;
    return Math.max(0, this.#applied.position() - this.#files.position());
  }

  /**
   * Reads the state and the published files, completes a flush a crash interrupted, and starts
   * following the outbox. Resolves once the listing can be served.
   */
  async start(): Promise<void> {
    const { log, outbox, repository, index, logger, stream } = this.#options;
    this.#state = await this.#stateFile.read();
    this.#applied = await log.cursor(APPLIED_CURSOR);
    this.#files = await log.cursor(FILES_CURSOR);
    index.load(await repository.list());
    // Never below a created value already in the store (state lost, or files from the lblod service).
    const stored = index.last?.created;
    if (stored !== undefined && (this.#state.lastCreated === null || stored > this.#state.lastCreated)) this.#state = { ...this.#state, lastCreated: stored };
    if (this.#state.pending) logger.info({ stream, fromSeq: this.#state.pending.fromSeq, toSeq: this.#state.pending.toSeq, files: this.#state.pending.files.length }, 'delta files: completing the flush interrupted by the last stop');
    this.#unsubscribe = outbox.onApplied(() => this.#schedule());
    this.#schedule(this.#state.pending ? 0 : undefined);
  }

  /** Resolves once every record applied at the time of the call is in a published file. */
  flushed(): Promise<void> {
    const target = this.#applied?.position() ?? 0;
    if ((this.#files?.position() ?? 0) >= target && !this.#state.pending) return Promise.resolve();
    this.#schedule(0);
    return new Promise((resolve) => this.#waiters.push({ seq: target, resolve }));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
    await this.#running?.catch(() => undefined);
  }

  #schedule(delayMs = this.#options.debounceMs): void {
    if (this.#stopped || this.#running) return;
    if (this.#timer) {
      if (delayMs !== 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#run().finally(() => {
        this.#running = undefined;
        // Changes applied during the run start a new debounce.
        if (!this.#stopped && (this.backlog > 0 || this.#state.pending)) this.#schedule();
      });
    }, delayMs);
  }

  async #run(): Promise<void> {
    const { logger, stream } = this.#options;
    const retry = this.#options.retry ?? { initialMs: 500, maxMs: 30_000 };
    while (!this.#stopped && (this.#state.pending || this.backlog > 0)) {
      try {
        if (this.#state.pending) await this.#complete(this.#state.pending);
        else await this.#flushOnce();
        this.#failures = 0;
        this.#notify();
      } catch (error) {
        if (this.#stopped) return;
        this.#failures++;
        const wait = Math.min(retry.maxMs, retry.initialMs * 2 ** Math.min(this.#failures - 1, 16));
        logger.error({ err: error, stream, failures: this.#failures, retryInMs: wait }, 'delta files: flush failed; retrying (nothing was published twice or skipped)');
        await delay(wait, undefined, { signal: this.#abort.signal }).catch(() => undefined);
      }
    }
  }

  #notify(): void {
    const position = this.#files?.position() ?? 0;
    if (this.#state.pending) return;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (waiter.seq > position) return true;
      waiter.resolve();
      return false;
    });
  }

  async #records(fromSeq: number, toSeq: number, maxChangesets: number): Promise<{ changesets: Changeset[]; lastSeq: number }> {
    const { log, stream } = this.#options;
    const changesets: Changeset[] = [];
    let lastSeq = fromSeq - 1;
    let chunks = 0;
    while (lastSeq < toSeq && chunks < maxChangesets) {
      const batch = await log.read(lastSeq + 1, { maxRecords: Math.min(256, toSeq - lastSeq) });
      if (batch.length === 0) throw new DeltaFileWriterError(`outbox of stream ${stream} has no record ${lastSeq + 1} although ${toSeq} was applied`);
      for (const record of batch) {
        if (record.seq > toSeq || chunks >= maxChangesets) break;
        const { deletes, inserts } = decodeOutboxRecord(record.payload);
        changesets.push({ deletes, inserts });
        chunks += chunkChangeset({ deletes, inserts }, this.#options.limits.maxTriplesPerOperation).length;
        lastSeq = record.seq;
      }
    }
    return { changesets, lastSeq };
  }

  async #flushOnce(): Promise<void> {
    const { limits, pretty, stream, relativeFilePath } = this.#options;
    const fromSeq = this.#files!.position() + 1;
    const toSeq = this.#applied!.position();
    const { changesets, lastSeq } = await this.#records(fromSeq, toSeq, MAX_FILES_PER_FLUSH * limits.maxDeltasPerFile);
    const contents = groupIntoFiles(changesets, limits);
    const created = nextCreatedTimes(this.#state.lastCreated ?? undefined, this.#now(), contents.length);
    const files: DeltaFileIdentity[] = created.map((time, index) => {
      const name = deltaFileName(time, stream, index);
      return { uuid: randomUUID(), physicalUuid: randomUUID(), name, relativePath: deltaFileRelativePath(relativeFilePath, time, name), created: time };
    });
    const pending: PendingFlush = { fromSeq, toSeq: lastSeq, limits, pretty, files };
    await this.#saveState({ lastCreated: created.at(-1) ?? this.#state.lastCreated, pending });
    await this.#options.onStep?.('planned');
    await this.#complete(pending, contents);
  }

  /** Steps 2–4 of a planned flush; `contents` are recomputed from the outbox after a restart. */
  async #complete(pending: PendingFlush, planned?: Changeset[][]): Promise<void> {
    const { repository, index, logger, stream, shareDir, onStep, compaction } = this.#options;
    const files = this.#files!;
    if (files.position() >= pending.toSeq) {
      await this.#saveState({ ...this.#state, pending: null });
      return;
    }
    let contents = planned;
    if (!contents) {
      const { changesets, lastSeq } = await this.#records(pending.fromSeq, pending.toSeq, Number.MAX_SAFE_INTEGER);
      if (lastSeq !== pending.toSeq) throw new DeltaFileWriterError(`outbox of stream ${stream} ends at ${lastSeq}, the interrupted flush covers up to ${pending.toSeq}`);
      contents = groupIntoFiles(changesets, pending.limits);
    }
    if (contents.length !== pending.files.length) throw new DeltaFileWriterError(`outbox records ${pending.fromSeq}–${pending.toSeq} of stream ${stream} make ${contents.length} files, the plan has ${pending.files.length}`);

    const written: { file: DeltaFileIdentity; size: number }[] = [];
    for (const [position, file] of pending.files.entries()) {
      const text = serialiseFile(fileChangesets(contents[position]!), pending.pretty);
      assertDeltaFile(text, file.name);
      const path = join(shareDir, file.relativePath);
      await mkdir(dirname(path), { recursive: true });
      written.push({ file, size: await writeFileDurably(path, text) });
      await onStep?.('file-written');
    }
    await onStep?.('files-written');
    await repository.insert(written, this.#abort.signal);
    index.append(written.map(({ file }) => ({ uuid: file.uuid, name: file.name, created: file.created, logical: logicalFileIri(file.uuid), physical: physicalFileIri(file.relativePath) })));
    await onStep?.('metadata-inserted');
    await files.ack(pending.toSeq);
    await onStep?.('acked');
    await this.#saveState({ ...this.#state, pending: null });
    compaction.soon();
    logger.info({ stream, files: written.length, outboxSeqs: [pending.fromSeq, pending.toSeq], first: pending.files[0]?.name }, 'delta files published');
  }

  async #saveState(state: Omit<WriterState, 'v'>): Promise<void> {
    const next: WriterState = { v: 1, lastCreated: state.lastCreated, pending: state.pending };
    await this.#stateFile.write(next);
    this.#state = next;
  }
}
