/**
 * The intake: every accepted `POST /delta` body becomes ONE record of the intake log
 * (`<DATA_DIR>/intake`), durably (fsync), before the request is answered. Nothing is processed in the
 * request: the stream workers consume the log (stream-worker.ts).
 *
 * The log is compacted once every stream's cursor has passed a segment (DurableLog.compact uses the
 * minimum over the registered cursors); cursors of streams that are no longer configured are removed
 * at start-up so they do not hold compaction back forever.
 */
import type { Changeset, Logger } from '@delta-producer/core';
import { LogCompaction, type DurableLog } from '../storage/index.js';
import { changesetQuadCount, encodeIntakeRecord } from './intake-record.js';
import { INTAKE_CURSOR_PREFIX } from './stream-worker.js';

export interface AcceptedDelta {
  /** Intake seq of the record; undefined when the body held no quads (nothing was written). */
  seq: number | undefined;
  changesets: number;
  quads: number;
}

export class Intake {
  readonly #log: DurableLog;
  readonly #logger: Logger;
  readonly #compaction: LogCompaction;

  constructor(log: DurableLog, logger: Logger) {
    this.#log = log;
    this.#logger = logger;
    this.#compaction = new LogCompaction(log, 'intake log', logger);
  }

  get log(): DurableLog {
    return this.#log;
  }

  /** Appends the validated changesets as one record; resolves once it is on disk. */
  async accept(changesets: readonly Changeset[], callId?: string): Promise<AcceptedDelta> {
    const quads = changesetQuadCount(changesets);
    if (quads === 0) return { seq: undefined, changesets: changesets.length, quads };
    const seq = await this.#log.append(encodeIntakeRecord(changesets, callId));
    return { seq, changesets: changesets.length, quads };
  }

  /** Removes the cursors of streams that are no longer configured (each is logged). */
  async removeStaleCursors(streams: readonly string[]): Promise<string[]> {
    const wanted = new Set(streams.map((stream) => `${INTAKE_CURSOR_PREFIX}${stream}`));
    const stale = this.#log.cursorNames().filter((name) => name.startsWith(INTAKE_CURSOR_PREFIX) && !wanted.has(name));
    for (const name of stale) {
      this.#logger.warn({ cursor: name, depth: this.#log.depth(name) }, 'intake cursor of a stream that is no longer configured: removed (its unprocessed deltas are dropped; healing repairs its graph if the stream comes back)');
      await this.#log.removeCursor(name);
    }
    return stale;
  }

  /** Compacts the log in the background; calls while one runs are folded into one more run. */
  compactSoon(): void {
    this.#compaction.soon();
  }

  /** Waits for a running compaction (before closing the log). */
  settled(): Promise<void> {
    return this.#compaction.settled();
  }
}
