/**
 * Durability of the embedded store (oxigraph's JS store lives in memory only).
 *
 * Files under DATA_DIR:
 * - `snapshot.nq`: N-Quads dump of the whole store; replaced atomically (temp file, fsync, rename,
 *   fsync of the directory).
 * - `journal.log`: append-only, one block per committed update, in the order updates ran:
 *       + <s> <p> <o> <g> .      an effective insert (N-Quads, written by core's quadToNQuads)
 *       - <s> <p> <o> <g> .      an effective delete
 *       C <n>                    commit marker: the block's n change lines are complete
 *   A block is appended with one write and fsync'ed before the client gets its answer.
 * - `LOCK`: pid of the gateway using the directory (one gateway per directory; core's directory lock).
 *
 * Start-up: load the snapshot, replay the committed blocks of the journal on top (replay is
 * idempotent, so a crash between snapshot and truncation is harmless), then, when the journal was
 * not empty, write a new snapshot and truncate the journal. A torn last line or an uncommitted last
 * block (crash mid-write) is ignored with a warning; anything wrong inside a committed block is
 * corruption and stops the start. At run time a snapshot is taken when the journal exceeds
 * `compactBytes`.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fsyncDirectory, lockDirectory, unlockDirectory, type Logger } from '@delta-producer/core';
import oxigraph from 'oxigraph';

const SNAPSHOT = 'snapshot.nq';
const JOURNAL = 'journal.log';
const NQUADS = 'application/n-quads';

export class DataDirectoryError extends Error {
  override readonly name = 'DataDirectoryError';
}

export interface RestoreReport {
  snapshotQuads: number;
  journalBlocks: number;
  journalLines: number;
  ignoredLines: number;
  compacted: boolean;
}

export interface DataDirectoryOptions {
  dir: string;
  logger: Logger;
  /** Journal size that triggers a snapshot. */
  compactBytes: number;
}

export class DataDirectory {
  readonly dir: string;
  readonly #logger: Logger;
  readonly #compactBytes: number;
  #journal: FileHandle | undefined;
  #journalBytes = 0;
  #broken: Error | undefined;

  private constructor(dir: string, options: DataDirectoryOptions) {
    this.dir = dir;
    this.#logger = options.logger;
    this.#compactBytes = options.compactBytes;
  }

  /** Creates the directory if needed and locks it. */
  static async open(options: DataDirectoryOptions): Promise<DataDirectory> {
    const dir = resolve(options.dir);
    await mkdir(dir, { recursive: true });
    await lockDirectory(dir, 'gateway');
    return new DataDirectory(dir, options);
  }

  get journalBytes(): number {
    return this.#journalBytes;
  }

  /** Loads snapshot + journal into `store` (which should be empty), compacts, opens the journal for appending. */
  async restore(store: oxigraph.Store): Promise<RestoreReport> {
    await rm(join(this.dir, `${SNAPSHOT}.tmp`), { force: true });
    const snapshot = await readIfExists(join(this.dir, SNAPSHOT));
    let snapshotQuads = 0;
    if (snapshot) {
      try {
        // parse keeps blank-node labels (store.load would rename them), so journal lines about
        // blank nodes still find their quads.
        for (const q of oxigraph.parse(snapshot, { format: NQUADS })) {
          store.add(q);
          snapshotQuads++;
        }
      } catch (error) {
        throw new DataDirectoryError(`${join(this.dir, SNAPSHOT)} is not valid N-Quads: ${(error as Error).message}`, { cause: error });
      }
    }
    const journalPath = join(this.dir, JOURNAL);
    const journal = (await readIfExists(journalPath)) ?? '';
    const replay = replayJournal(journal, store, journalPath);
    for (const warning of replay.warnings) this.#logger.warn({ journal: journalPath }, warning);
    this.#journal = await open(journalPath, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
    this.#journalBytes = Buffer.byteLength(journal);
    let compacted = false;
    if (journal.length > 0) {
      await this.snapshot(store);
      compacted = true;
    }
    return { snapshotQuads, journalBlocks: replay.blocks, journalLines: replay.lines, ignoredLines: replay.ignoredLines, compacted };
  }

  /** Appends one committed block and fsyncs it. On failure the journal is cut back to its last good size. */
  async append(lines: readonly string[]): Promise<void> {
    const journal = this.#open();
    if (lines.length === 0) return;
    const block = `${lines.join('\n')}\nC ${lines.length}\n`;
    try {
      await journal.appendFile(block, 'utf8');
      await journal.datasync();
    } catch (error) {
      try {
        await journal.truncate(this.#journalBytes);
        await journal.datasync();
      } catch (truncateError) {
        this.#broken = new DataDirectoryError(`journal could not be repaired after a failed write: ${(truncateError as Error).message}`, { cause: truncateError });
      }
      throw new DataDirectoryError(`journal write failed: ${(error as Error).message}`, { cause: error });
    }
    this.#journalBytes += Buffer.byteLength(block);
  }

  needsCompaction(): boolean {
    return this.#journalBytes > this.#compactBytes;
  }

  /** Writes the whole store as the new snapshot, then empties the journal. */
  async snapshot(store: oxigraph.Store): Promise<void> {
    const journal = this.#open();
    const started = performance.now();
    const path = join(this.dir, SNAPSHOT);
    const temp = `${path}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(store.dump({ format: NQUADS }), 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
    await fsyncDirectory(this.dir);
    await journal.truncate(0);
    await journal.datasync();
    const journalBytes = this.#journalBytes;
    this.#journalBytes = 0;
    this.#logger.info({ dataDir: this.dir, quads: store.size, journalBytes, ms: Math.round(performance.now() - started) }, 'snapshot written, journal truncated');
  }

  /** Closes the journal and releases the lock. */
  async close(): Promise<void> {
    const journal = this.#journal;
    this.#journal = undefined;
    this.#broken = new DataDirectoryError('the data directory is closed');
    if (journal) await journal.close();
    await unlockDirectory(this.dir);
  }

  #open(): FileHandle {
    if (this.#broken) throw this.#broken;
    if (!this.#journal) throw new DataDirectoryError('the journal is not open (restore() first)');
    return this.#journal;
  }
}

interface ReplayResult {
  blocks: number;
  lines: number;
  ignoredLines: number;
  warnings: string[];
}

/** Applies the committed blocks of `text` to `store`; see the module comment for the format. */
export function replayJournal(text: string, store: oxigraph.Store, name = JOURNAL): ReplayResult {
  const warnings: string[] = [];
  const lines = text.split('\n');
  const torn = lines.pop() ?? '';
  if (torn !== '') {
    warnings.push(`ignoring a torn last journal line (the gateway stopped while writing it): ${JSON.stringify(torn.slice(0, 200))}`);
  }
  let block: { line: string; number: number }[] = [];
  let blocks = 0;
  let applied = 0;
  lines.forEach((line, index) => {
    const commit = /^C (\d+)$/.exec(line);
    if (!commit) {
      block.push({ line, number: index + 1 });
      return;
    }
    if (Number(commit[1]) !== block.length) {
      throw new DataDirectoryError(`${name}:${index + 1}: commit marker counts ${commit[1]} lines but the block has ${block.length}: the journal is corrupt`);
    }
    applyBlock(block, store, name);
    applied += block.length;
    blocks++;
    block = [];
  });
  if (block.length > 0) {
    warnings.push(`ignoring ${block.length} journal lines of an update that was not committed (the gateway stopped while writing it)`);
  }
  return { blocks, lines: applied, ignoredLines: block.length + (torn === '' ? 0 : 1), warnings };
}

function applyBlock(block: readonly { line: string; number: number }[], store: oxigraph.Store, name: string): void {
  // Consecutive lines with the same sign are parsed together; order between signs is kept.
  let start = 0;
  while (start < block.length) {
    const sign = block[start]!.line.slice(0, 2);
    let end = start;
    while (end < block.length && block[end]!.line.slice(0, 2) === sign) end++;
    const group = block.slice(start, end);
    if (sign !== '+ ' && sign !== '- ') {
      throw new DataDirectoryError(`${name}:${group[0]!.number}: expected a line starting with "+ " or "- ": the journal is corrupt`);
    }
    let quads: oxigraph.Quad[];
    try {
      quads = oxigraph.parse(group.map((entry) => entry.line.slice(2)).join('\n'), { format: NQUADS });
    } catch (error) {
      throw new DataDirectoryError(`${name}:${group[0]!.number}-${group.at(-1)!.number}: invalid N-Quads in a committed block: ${(error as Error).message}`, {
        cause: error,
      });
    }
    for (const q of quads) {
      if (sign === '+ ') store.add(q);
      else store.delete(q);
    }
    start = end;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

