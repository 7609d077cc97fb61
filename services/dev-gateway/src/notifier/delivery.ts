/**
 * Sending deliveries (http-contracts §3.6, §3.7), one callback at a time.
 *
 * Unlike delta-notifier, which fires requests concurrently, deliveries to one callback URL go out one
 * at a time in the order they were enqueued (a FIFO per URL), retries included, so a service sees
 * deltas in the order the updates ran. A request that hangs would block its queue, hence a
 * per-attempt timeout (counted as "no response"). Delivery stays at-most-once: nothing is persisted,
 * failures are logged and never reach the publisher.
 */
import { randomUUID } from 'node:crypto';
import { deliveryHeaders, type DeliveryHeaderInput } from './format.js';
import { errorMessage, type NotifierLogger } from './logger.js';

/** The subset of the Fetch API the notifier uses; the global `fetch` satisfies it. */
export interface FetchResponse {
  status: number;
  text(): Promise<string>;
}
export type FetchFn = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | undefined; signal?: AbortSignal },
) => Promise<FetchResponse>;

/** One request to make (body and headers final, except the per-attempt `mu-call-id`). */
export interface Delivery {
  ruleIndex: number;
  url: string;
  method: string;
  body: string | undefined;
  headers: Omit<DeliveryHeaderInput, 'callId'>;
  /** Extra attempts after the first on status ≥ 500 or no response. */
  retry: number;
  retryTimeoutMs: number;
  /** For logs. */
  eventCount: number;
  changeSetCount: number;
}

export interface DeliveryQueuesOptions {
  fetch: FetchFn;
  logger: NotifierLogger;
  /** Per attempt; an attempt that takes longer counts as "no response". */
  requestTimeoutMs: number;
}

const MAX_LOGGED_BODY = 500;

export class DeliveryQueues {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<AbortController>();
  private readonly cancellation = new AbortController();
  private queued = 0;

  constructor(private readonly options: DeliveryQueuesOptions) {}

  /** Deliveries enqueued and not finished (in flight, waiting to retry, or queued). */
  get pending(): number {
    return this.queued;
  }

  /** Appends to the FIFO of the delivery's callback URL. Never throws. */
  enqueue(delivery: Delivery): void {
    const key = queueKey(delivery.url);
    this.queued += 1;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const tail: Promise<void> = previous
      .then(() => this.deliver(delivery))
      .catch((error: unknown) => this.options.logger.error({ err: error, url: delivery.url }, 'delta delivery failed unexpectedly'))
      .finally(() => {
        this.queued -= 1;
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    this.tails.set(key, tail);
  }

  /** Resolves once every queue is empty. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  /** Aborts requests in flight and drops everything still queued (each drop is logged). */
  cancel(): void {
    this.cancellation.abort();
    for (const controller of this.inFlight) controller.abort(new Error('notifier stopped'));
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { logger } = this.options;
    const context = {
      rule: delivery.ruleIndex,
      url: delivery.url,
      method: delivery.method,
      events: delivery.eventCount,
      changeSets: delivery.changeSetCount,
      callIdTrail: delivery.headers.callIdTrail,
    };
    for (let attempt = 1; attempt <= delivery.retry + 1; attempt += 1) {
      if (this.cancellation.signal.aborted) {
        logger.warn(context, 'delta delivery dropped: notifier stopped before it could be sent');
        return;
      }
      const outcome = await this.attempt(delivery);
      if (outcome.kind === 'ok') {
        logger.debug({ ...context, status: outcome.status, attempt }, 'delta delivered');
        return;
      }
      if (this.cancellation.signal.aborted) {
        logger.warn({ ...context, attempt }, 'delta delivery aborted: notifier stopped');
        return;
      }
      if (outcome.kind === 'rejected') {
        logger.error({ ...context, status: outcome.status, attempt, responseBody: outcome.body }, `delta callback answered ${outcome.status}; not retried (only ≥ 500 or no response is)`);
        return;
      }
      const problem = outcome.kind === 'server-error' ? `answered ${outcome.status}` : `gave no response (${outcome.reason})`;
      if (attempt > delivery.retry) {
        const advice = delivery.retry === 0 ? ' (rule has no options.retry)' : '';
        logger.error({ ...context, attempt, ...(outcome.kind === 'server-error' ? { status: outcome.status, responseBody: outcome.body } : {}) }, `delta callback ${problem}; giving up${advice}: the delta is lost`);
        return;
      }
      logger.warn({ ...context, attempt, retriesLeft: delivery.retry - attempt + 1 }, `delta callback ${problem}; retrying in ${delivery.retryTimeoutMs} ms`);
      await delay(delivery.retryTimeoutMs, this.cancellation.signal);
    }
  }

  private async attempt(delivery: Delivery): Promise<AttemptOutcome> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.options.requestTimeoutMs} ms`)), this.options.requestTimeoutMs);
    try {
      const response = await this.options.fetch(delivery.url, {
        method: delivery.method,
        headers: deliveryHeaders({ ...delivery.headers, callId: randomUUID() }),
        body: delivery.body,
        signal: controller.signal,
      });
      // Read the answer fully so the connection can be reused; keep a bit of it for the logs.
      const text = await response.text().catch(() => '');
      const body = text.length > MAX_LOGGED_BODY ? `${text.slice(0, MAX_LOGGED_BODY)}…` : text;
      if (response.status >= 200 && response.status < 300) return { kind: 'ok', status: response.status };
      return response.status >= 500 ? { kind: 'server-error', status: response.status, body } : { kind: 'rejected', status: response.status, body };
    } catch (error) {
      const reason = controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason.message : errorMessage(error);
      return { kind: 'no-response', reason };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }
}

type AttemptOutcome =
  | { kind: 'ok'; status: number }
  | { kind: 'rejected'; status: number; body: string }
  | { kind: 'server-error'; status: number; body: string }
  | { kind: 'no-response'; reason: string };

function queueKey(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
