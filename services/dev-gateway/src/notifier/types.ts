/**
 * Contract between the gateway's update engine (producer of deltas) and its delta-notifier emulation
 * (consumer). The engine publishes one DeltaEvent per executed update, in execution order.
 */
import type { RawChangeset } from '@delta-producer/core';

/** Request headers of the update that produced the changesets (lower-case names). */
export interface DeltaEventHeaders {
  'mu-call-id'?: string;
  'mu-call-id-trail'?: string;
  'mu-session-id'?: string;
  'mu-call-scope-id'?: string;
  'mu-auth-scope'?: string;
  'mu-auth-allowed-groups'?: string;
}

export interface DeltaEvent {
  changeSets: RawChangeset[];
  headers: DeltaEventHeaders;
}

export interface DeltaSink {
  /** Accepts an event; never throws (delivery problems are logged by the sink). */
  publish(event: DeltaEvent): void;
  /** Flushes bundles still in their grace period, waits for in-flight deliveries, then resolves. */
  stop(): Promise<void>;
}
