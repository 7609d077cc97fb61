/**
 * Background compaction of a durable log (the intake; a stream's outbox): segments every registered
 * cursor has acknowledged are deleted. Calls while one runs fold into one more run; a failure is
 * logged and retried at the next call.
 */
import type { Logger } from '@delta-producer/core';
import type { DurableLog } from './durable-log.js';

export class LogCompaction {
  readonly #log: DurableLog;
  readonly #logger: Logger;
  readonly #label: string;
  #running: Promise<void> | undefined;
  #again = false;

  /** `label`: names the log in the warning (e.g. `intake log`, `outbox of stream organizations`). */
  constructor(log: DurableLog, label: string, logger: Logger) {
    this.#log = log;
    this.#label = label;
    this.#logger = logger;
  }

  soon(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await this.#log.compact();
        } catch (error) {
          this.#logger.warn({ err: error, log: this.#label }, `${this.#label} compaction failed; retried after the next acknowledgement`);
        }
      } while (this.#again);
    })().finally(() => {
      this.#running = undefined;
    });
  }

  /** Waits for a running compaction (before closing the log). */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }
}
