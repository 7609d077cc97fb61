/**
 * Deterministic ids for cron-created jobs. A tick of one stream's cron always mints the same job and
 * task IRIs, so two replicas (or a restart within the tick) that both get past the conflict check
 * still write one job: the second insert adds nothing new, and the creation guard refuses a job IRI
 * that already exists.
 */
import { v5 as uuidv5 } from 'uuid';
import type { JobKind } from '../config/stream-config.js';

/** Namespace of the suite's tick keys (a fixed random UUID). */
const TICK_NAMESPACE = '3f6c1f0e-8a4e-4b8e-9c51-6f0d2b7c9a11';

/** The tick a cron run belongs to: its scheduled time, to the second (cron's resolution). */
export function tickTime(scheduled: Date): string {
  return new Date(Math.floor(scheduled.getTime() / 1000) * 1000).toISOString();
}

export function tickKey(stream: string, kind: JobKind, scheduled: Date): string {
  return `${stream}|${kind}|${tickTime(scheduled)}`;
}

export function tickIds(stream: string, kind: JobKind, scheduled: Date): { jobUuid: string; taskUuid: string } {
  const key = tickKey(stream, kind, scheduled);
  return { jobUuid: uuidv5(`${key}|job`, TICK_NAMESPACE), taskUuid: uuidv5(`${key}|task`, TICK_NAMESPACE) };
}
