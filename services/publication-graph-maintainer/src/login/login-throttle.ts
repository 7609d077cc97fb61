/**
 * Throttling of failed login attempts, pure: after `maxFailures` failures of one client within
 * `windowMs` (a sliding window), every attempt of that client — right key or not — is refused until the
 * oldest failure leaves the window. A consumer logs in once per sync run; a key guesser is slowed to a
 * crawl.
 */

export interface LoginThrottleOptions {
  maxFailures: number;
  windowMs: number;
  /** Clients remembered at most (the oldest are forgotten first). */
  maxClients?: number;
}

export class LoginThrottle {
  readonly #options: LoginThrottleOptions;
  readonly #failures = new Map<string, number[]>();

  constructor(options: LoginThrottleOptions) {
    this.#options = options;
  }

  #recent(client: string, now: number): number[] {
    return (this.#failures.get(client) ?? []).filter((time) => time > now - this.#options.windowMs);
  }

  /** ms the client must wait before its next attempt is considered; 0 when it may try now. */
  waitMs(client: string, now: number): number {
    const recent = this.#recent(client, now);
    return recent.length >= this.#options.maxFailures ? recent[0]! + this.#options.windowMs - now : 0;
  }

  /** Records a failed attempt. */
  failed(client: string, now: number): void {
    const recent = this.#recent(client, now);
    recent.push(now);
    this.#failures.delete(client);
    this.#failures.set(client, recent);
    const maxClients = this.#options.maxClients ?? 10_000;
    while (this.#failures.size > maxClients) this.#failures.delete(this.#failures.keys().next().value!);
  }
}
