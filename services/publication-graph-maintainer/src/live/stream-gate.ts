/**
 * The gate between a stream's live worker and its tasks (initial sync, healing) and the
 * waitForInitialSync wait: while any hold is on, the worker starts no batch, so deltas stay in the
 * intake log (durable, in order) and are applied after the hold is released — none is dropped.
 *
 * `hold()` resolves once the batch the worker may be in has finished: from then on the holder has the
 * publication graph to itself (as far as this stream's live path goes).
 */
export class StreamGate {
  readonly #holds = new Set<string>();
  #inBatch = false;
  #batchDone: (() => void)[] = [];
  #opened: (() => void)[] = [];

  /** Reasons of the holds that are on. */
  get holds(): string[] {
    return [...this.#holds];
  }

  get isOpen(): boolean {
    return this.#holds.size === 0;
  }

  /** Puts a hold on; resolves when no live batch is running. Holding one reason twice is refused. */
  async hold(reason: string): Promise<void> {
    if (this.#holds.has(reason)) throw new Error(`stream gate already held for ${reason}`);
    this.#holds.add(reason);
    if (this.#inBatch) await new Promise<void>((resolve) => this.#batchDone.push(resolve));
  }

  release(reason: string): void {
    if (!this.#holds.delete(reason)) return;
    if (this.#holds.size > 0) return;
    const waiting = this.#opened;
    this.#opened = [];
    for (const resolve of waiting) resolve();
  }

  /** Worker side: waits until no hold is on, then marks a batch as running. */
  async enterBatch(signal?: AbortSignal): Promise<void> {
    while (this.#holds.size > 0) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        this.#opened.push(resolve);
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
    }
    this.#inBatch = true;
  }

  /** Worker side: the batch finished (or failed). */
  exitBatch(): void {
    this.#inBatch = false;
    const waiting = this.#batchDone;
    this.#batchDone = [];
    for (const resolve of waiting) resolve();
  }
}
