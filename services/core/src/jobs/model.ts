/**
 * The job model (data-model.md §7–§8).
 *
 * Terminology:
 * - job: a `cogs:Job` for one run of a background process of one stream, identified by its job operation
 *   (`…/JobOperation/deltas/<kind>/<stream>`); created by the jobs-initiator.
 * - task: a `task:Task` step of a job (`dct:isPartOf`), with a shared task operation and a string
 *   `task:index`; workers (maintainer, dump publisher) execute tasks, never jobs.
 * - status: `adms:status` scheduled → busy → success | failed (canceled exists, unused). Active =
 *   scheduled or busy. Every status change also replaces `dct:modified`.
 * - error resource: an `oslc:Error`; a task error is linked by `task:error` from its task (or job);
 *   a standalone error also has class `deltas:Error` (the report generator e-mails those).
 * Everything a repository reads or writes lives in one given graph (the stream's jobs graph).
 */
import type { StatusName } from '../vocabulary.js';

export interface JobRecord {
  uri: string;
  uuid?: string;
  operation: string;
  status: StatusName | string;
  created?: Date;
  modified?: Date;
  creator?: string;
}

export interface TaskRecord {
  uri: string;
  uuid?: string;
  job: string;
  jobOperation?: string;
  operation: string;
  status: StatusName | string;
  index?: string;
  created?: Date;
  modified?: Date;
}

/** Parses an xsd:dateTime lexical form as stores return it; a form without time zone is read as UTC. */
export function parseDateTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const withZone = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The literal form of every timestamp the suite writes: `Date.toISOString()` (UTC, ms, Z). */
export function formatDateTime(date: Date): string {
  return date.toISOString();
}
