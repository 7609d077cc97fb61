/**
 * Background compaction of a stream's outbox: segments every registered cursor (`applied`, and
 * `files` when delta files are served) has acknowledged are deleted. Calls while one runs fold into
 * one more run.
 */
import type { Logger } from '@delta-producer/core';
import type { DurableLog } from '../storage/index.js';

export class OutboxCompaction {
  readonly #log: DurableLog;
  readonly #logger: Logger;
  readonly #stream: string;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(log: DurableLog, stream: string, logger: Logger) {
    this.#log = log;
    this.#stream = stream;
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
          this.#logger.warn({ err: error, stream: this.#stream }, 'outbox compaction failed; retried after the next acknowledgement');
        }
      } while (this.#again);
    })().finally(() => {
      this.#running = undefined;
    });
  }

  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }
}
