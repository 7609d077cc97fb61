/**
 * The gateway's delta-notifier emulation: turns each published DeltaEvent into callback requests the
 * way delta-notifier 0.3.0+ (with the cecemel fork's scope options) does — see http-contracts §3.
 *
 * Per event, in publish order, for every rule: scope filter → `ignoreFromSelf` → match. A matching
 * event goes straight to delivery (no `gracePeriod`), or into the rule's bundle:
 * key = rule index + `mu-session-id` + `allowedGroups` of the first surviving changeset; the first event
 * starts a `gracePeriod` timer, later events with the same key are appended (no dedup), and on expiry
 * one request carries the concatenated changesets (folded when `foldEffectiveChanges`).
 *
 * Deliberate differences from delta-notifier, all for ordering or robustness:
 * - deliveries to one callback URL go out one at a time, in order (see delivery.ts);
 * - an event of a rule whose key differs from that rule's open bundle first closes (sends) the open
 *   bundle, so a later update never overtakes an earlier one. delta-notifier keeps several bundles per
 *   rule open at once; with a single session (the usual case locally) both behave the same;
 * - the DNS lookup for `ignoreFromSelf` is cached per host;
 * - `mu-auth-allowed-groups` comes from the first changeset before folding (delta-notifier reads the
 *   folded changeset, which never carries it);
 * - an invalid incoming `mu-call-id-trail` is logged and treated as empty instead of failing.
 */
import type { RawChangeset } from '@delta-producer/core';
import { DeliveryQueues, type Delivery, type FetchFn } from './delivery.js';
import { foldEffectiveChanges, formatBody, nextCallIdTrail } from './format.js';
import { errorMessage, type NotifierLogger } from './logger.js';
import { changeSetsMatch, filterFromSelf, normalizeChangeSets, passesScopeFilter, resolveScope } from './matching.js';
import type { DeltaRule } from './rules.js';
import { createSelfAddressResolver, dnsLookupIPv4, type LookupIPv4 } from './self-address.js';
import type { DeltaEvent, DeltaSink } from './types.js';

export interface NotifierOptions {
  /** Validated rules (see loadRules / validateRules). */
  rules: readonly DeltaRule[];
  logger: NotifierLogger;
  /** Defaults to the global fetch. */
  fetch?: FetchFn;
  /** IPv4 lookup for `ignoreFromSelf`; defaults to dns.lookup. */
  lookupIPv4?: LookupIPv4;
  /** Per request attempt; a slower answer counts as no response. Default 30 s (delta routes should answer at once). */
  requestTimeoutMs?: number;
  /** How long stop() waits for queued and in-flight deliveries before aborting them. Default 8 s. */
  stopTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_STOP_TIMEOUT_MS = 8_000;

/** delta-notifier's bundle key (bundle-requests.js). */
export function bundleKey(ruleIndex: number, sessionId: string | undefined, allowedGroups: string | undefined): string {
  return `${ruleIndex}-${sessionId}-${allowedGroups}`;
}

/** The part of one event that one rule will send. */
interface Matched {
  changeSets: RawChangeset[];
  callIdTrail: string;
  sessionId: string | undefined;
}

interface Bundle {
  rule: DeltaRule;
  key: string;
  first: Matched;
  changeSets: RawChangeset[];
  /** Trails of the events appended after the first. */
  laterTrails: string[];
  timer: ReturnType<typeof setTimeout>;
}

export function createNotifier(options: NotifierOptions): DeltaSink {
  const { rules, logger } = options;
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  const queues = new DeliveryQueues({
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    logger,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });
  const selfAddress = createSelfAddressResolver(options.lookupIPv4 ?? dnsLookupIPv4, (hostname, error) =>
    logger.warn({ hostname, err: errorMessage(error) }, 'ignoreFromSelf: cannot resolve the callback host; not filtering (fail open)'),
  );
  /** Open bundle per rule index (at most one, see the header comment). */
  const bundles = new Map<number, Bundle>();
  let intake: Promise<void> = Promise.resolve();
  let stopping = false;
  let closed = false;
  let stopped: Promise<void> | undefined;

  async function handle(event: DeltaEvent): Promise<void> {
    const headers = event.headers ?? {};
    if (closed) {
      logger.warn({ callId: headers['mu-call-id'] }, 'delta event dropped: notifier already stopped');
      return;
    }
    const changeSets = normalizeChangeSets(event.changeSets ?? []);
    if (changeSets.length === 0) return;
    const scope = resolveScope(headers);
    const trail = nextCallIdTrail(headers);
    if (trail.problem) logger.warn({ callIdTrail: headers['mu-call-id-trail'] }, `incoming mu-call-id-trail is ${trail.problem}; treating it as empty`);
    const sessionId = headers['mu-session-id'];

    for (const rule of rules) {
      if (!passesScopeFilter(rule.options, scope)) {
        logger.debug({ rule: rule.index, scope }, 'delta not sent: scope filtered out by the rule');
        continue;
      }
      let surviving = changeSets;
      if (rule.options.ignoreFromSelf) surviving = filterFromSelf(changeSets, await selfAddress.resolve(rule.callback.url));
      if (!changeSetsMatch(surviving, rule.match)) continue;
      const matched: Matched = { changeSets: surviving, callIdTrail: trail.value, sessionId };
      if (rule.options.gracePeriod > 0) addToBundle(rule, matched);
      else enqueue(rule, matched, matched.changeSets, []);
    }
  }

  function addToBundle(rule: DeltaRule, matched: Matched): void {
    const key = bundleKey(rule.index, matched.sessionId, matched.changeSets[0]?.allowedGroups);
    const open = bundles.get(rule.index);
    if (open?.key === key) {
      for (const changeSet of matched.changeSets) open.changeSets.push(changeSet);
      open.laterTrails.push(matched.callIdTrail);
      logger.debug({ rule: rule.index, key, changeSets: open.changeSets.length }, 'delta added to open bundle');
      return;
    }
    if (open) closeBundle(open);
    const bundle: Bundle = {
      rule,
      key,
      first: matched,
      changeSets: [...matched.changeSets],
      laterTrails: [],
      timer: setTimeout(() => closeBundle(bundle), rule.options.gracePeriod),
    };
    bundles.set(rule.index, bundle);
    // stop() already flushed the bundles (its deadline passed while this event was being matched).
    if (closed) closeBundle(bundle);
  }

  function closeBundle(bundle: Bundle): void {
    clearTimeout(bundle.timer);
    if (bundles.get(bundle.rule.index) !== bundle) return;
    bundles.delete(bundle.rule.index);
    enqueue(bundle.rule, bundle.first, bundle.changeSets, bundle.laterTrails);
  }

  function enqueue(rule: DeltaRule, first: Matched, changeSets: RawChangeset[], laterTrails: string[]): void {
    const toSend = rule.options.foldEffectiveChanges ? foldEffectiveChanges(changeSets) : changeSets;
    const eventCount = laterTrails.length + 1;
    if (toSend.length === 0) {
      logger.debug({ rule: rule.index, url: rule.callback.url, events: eventCount }, 'delta not sent: nothing left after folding the effective changes');
      return;
    }
    const delivery: Delivery = {
      ruleIndex: rule.index,
      url: rule.callback.url,
      method: rule.callback.method,
      body: formatBody(rule.options.resourceFormat, toSend),
      headers: {
        callIdTrail: first.callIdTrail,
        sessionId: first.sessionId,
        allowedGroups: changeSets[0]?.allowedGroups,
        bundledCallIdTrails: laterTrails,
      },
      retry: rule.options.retry,
      retryTimeoutMs: rule.retryTimeout,
      eventCount,
      changeSetCount: toSend.length,
    };
    queues.enqueue(delivery);
  }

  async function stop(): Promise<void> {
    stopping = true;
    const deadline = Date.now() + stopTimeoutMs;
    // Events published before stop() are still matched; their bundles are then sent at once.
    const intakeDone = await settlesBefore(intake, deadline);
    closed = true;
    for (const bundle of [...bundles.values()]) closeBundle(bundle);
    const deliveriesDone = intakeDone && (await settlesBefore(queues.idle(), deadline));
    if (!deliveriesDone) {
      logger.warn({ pending: queues.pending, timeoutMs: stopTimeoutMs }, 'notifier stop: deliveries still pending at the deadline; aborting them');
      queues.cancel();
      await settlesBefore(queues.idle(), Date.now() + 1_000);
    }
  }

  return {
    publish(event: DeltaEvent): void {
      if (stopping) {
        logger.warn({ callId: event?.headers?.['mu-call-id'] }, 'delta event ignored: notifier is stopping or stopped');
        return;
      }
      intake = intake.then(() => handle(event)).catch((error: unknown) => logger.error({ err: error, callId: event?.headers?.['mu-call-id'] }, 'delta event could not be processed'));
    },
    stop(): Promise<void> {
      stopped ??= stop();
      return stopped;
    },
  };
}

/** True when `promise` settles before `deadline` (epoch ms). */
async function settlesBefore(promise: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise.then(() => true as const, () => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
