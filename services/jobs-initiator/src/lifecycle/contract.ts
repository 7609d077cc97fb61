/**
 * What the rest of the initiator needs from the job lifecycle (src/lifecycle/): the scheduler fails
 * timed-out jobs before deciding, the HTTP layer feeds `POST /delta` bodies, main.ts starts and stops it.
 */
import type { Changeset } from '@delta-producer/core';
import type { StreamConfig } from '../config/stream-config.js';

export interface JobLifecycleApi {
  /**
   * Fails the stream's active jobs whose last activity (the latest `dct:modified` of the job and its
   * tasks) is at least `jobTimeoutMinutes` old: the job and its open tasks become failed and an error
   * is attached to the job. Returns the failed job IRIs. No-op when the stream has no timeout.
   */
  failTimedOutJobs(stream: StreamConfig, now?: Date): Promise<string[]>;
  /** Queues the status changes of a validated delta message; resolves once queued (not processed). */
  acceptDelta(changesets: Changeset[]): void;
  /** One pass over every stream with lifecycle management: advance chains, close jobs, apply timeouts. */
  scan(): Promise<void>;
  /** Starts the periodic scan. */
  start(): void;
  /** Stops the timer, lets queued work finish, resolves when idle. */
  stop(): Promise<void>;
}
