/**
 * Runs async work one piece at a time, in the order it was queued. A failing piece rejects its own
 * promise only; the queue goes on with the next.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far, and anything queued meanwhile, has finished. */
  async idle(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.tail;
      await current;
    } while (current !== this.tail);
  }
}
