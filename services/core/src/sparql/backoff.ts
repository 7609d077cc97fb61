/** Retry timing: capped exponential backoff with full jitter, and an abortable sleep. */

export interface BackoffOptions {
  /** Delay cap of the first retry (ms). */
  baseDelayMs: number;
  /** Upper bound of every delay (ms). */
  maxDelayMs: number;
}

/**
 * Delay before retry number `attempt` (1 = the first retry): a uniformly random whole number of ms in
 * `[0, min(maxDelayMs, baseDelayMs · 2^(attempt−1))]` ("full jitter"), so clients that failed together
 * do not retry together. `random` returns a number in [0, 1) and is injectable for tests.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.max(0, options.baseDelayMs);
  const max = Math.max(0, options.maxDelayMs);
  const exponent = Math.min(Math.max(0, Math.floor(attempt) - 1), 52);
  const ceiling = Math.min(max, base * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
