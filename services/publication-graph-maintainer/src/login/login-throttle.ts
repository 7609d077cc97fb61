/**
 * Throttling of login attempts, pure: at most `maxAttempts` per client within `windowMs` (a sliding
 * window of attempt times). A consumer logs in once per sync run; a key guesser is slowed to a crawl.
 */

export interface LoginThrottleOptions {
  maxAttempts: number;
  windowMs: number;
  /** Clients remembered at most (the oldest are forgotten first). */
  maxClients?: number;
}

export class LoginThrottle {
  readonly #options: LoginThrottleOptions;
  readonly #attempts = new Map<string, number[]>();

  constructor(options: LoginThrottleOptions) {
    this.#options = options;
  }

  /** Records an attempt; returns ms to wait when it is over the limit (the attempt is refused), else 0. */
  attempt(client: string, now: number): number {
    const { maxAttempts, windowMs } = this.#options;
    const recent = (this.#attempts.get(client) ?? []).filter((time) => time > now - windowMs);
    if (recent.length >= maxAttempts) {
      this.#attempts.set(client, recent);
      return recent[0]! + windowMs - now;
    }
    recent.push(now);
    this.#attempts.delete(client);
    this.#attempts.set(client, recent);
    const maxClients = this.#options.maxClients ?? 10_000;
    while (this.#attempts.size > maxClients) this.#attempts.delete(this.#attempts.keys().next().value!);
    return 0;
  }
}
