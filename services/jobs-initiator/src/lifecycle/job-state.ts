/**
 * A job with its tasks as the lifecycle sees it, assembled from the rows of lifecycle-repository.ts,
 * and the timeout arithmetic. Pure.
 *
 * Several values for one field (two statuses after a racing write, two `dct:modified`) are folded:
 * the most final status wins (failed > success > canceled > busy > scheduled), so a job that has any
 * final status is not active and is left alone; the earliest `dct:created` and the latest
 * `dct:modified` count.
 */
import { parseDateTime, statusName, type StatusName } from '@delta-producer/core';

export type LifecycleStatus = StatusName | 'unknown';

export interface TaskState {
  uri: string;
  operation?: string;
  index?: string;
  status: LifecycleStatus;
  created?: Date;
  modified?: Date;
  resultsContainers: string[];
}

export interface JobState {
  uri: string;
  operation: string;
  status: LifecycleStatus;
  created?: Date;
  modified?: Date;
  /** Ordered by index (numerically when numeric), then creation. */
  tasks: TaskState[];
}

/** One row of the job query (values as read; any may repeat over rows). */
export interface JobRow {
  job: string;
  operation: string;
  status?: string;
  created?: string;
  modified?: string;
}

export interface TaskRow {
  task: string;
  job: string;
  operation?: string;
  status?: string;
  index?: string;
  created?: string;
  modified?: string;
}

export interface ContainerRow {
  task: string;
  container: string;
}

const PRECEDENCE: readonly StatusName[] = ['failed', 'success', 'canceled', 'busy', 'scheduled'];

/** The status that counts when a resource has several (see the module comment). */
export function foldStatus(statusIris: Iterable<string>): LifecycleStatus {
  const names = new Set<StatusName>();
  for (const iri of statusIris) {
    const name = statusName(iri);
    if (name) names.add(name);
  }
  return PRECEDENCE.find((name) => names.has(name)) ?? 'unknown';
}

export function isActive(status: LifecycleStatus): boolean {
  return status === 'busy' || status === 'scheduled';
}

function earliest(dates: Iterable<Date | undefined>): Date | undefined {
  let result: Date | undefined;
  for (const date of dates) if (date && (!result || date < result)) result = date;
  return result;
}

function latest(dates: Iterable<Date | undefined>): Date | undefined {
  let result: Date | undefined;
  for (const date of dates) if (date && (!result || date > result)) result = date;
  return result;
}

interface Accumulator {
  first: { operation?: string; index?: string; job?: string };
  statuses: Set<string>;
  created: Date[];
  modified: Date[];
}

function accumulate(map: Map<string, Accumulator>, key: string, row: { status?: string; created?: string; modified?: string }, first: Accumulator['first']): void {
  let entry = map.get(key);
  if (!entry) map.set(key, (entry = { first, statuses: new Set(), created: [], modified: [] }));
  if (row.status) entry.statuses.add(row.status);
  const created = parseDateTime(row.created);
  if (created) entry.created.push(created);
  const modified = parseDateTime(row.modified);
  if (modified) entry.modified.push(modified);
}

function compareIndex(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : 1;
}

/** Folds the rows into job states, in the order the jobs first appear in `jobRows`. */
export function assembleJobs(jobRows: readonly JobRow[], taskRows: readonly TaskRow[], containerRows: readonly ContainerRow[]): JobState[] {
  const jobs = new Map<string, Accumulator>();
  for (const row of jobRows) accumulate(jobs, row.job, row, { operation: row.operation });
  const tasks = new Map<string, Accumulator>();
  for (const row of taskRows) {
    if (!jobs.has(row.job)) continue;
    accumulate(tasks, row.task, row, { operation: row.operation, index: row.index, job: row.job });
  }
  const containers = new Map<string, Set<string>>();
  for (const row of containerRows) {
    let set = containers.get(row.task);
    if (!set) containers.set(row.task, (set = new Set()));
    set.add(row.container);
  }
  const tasksByJob = new Map<string, TaskState[]>();
  for (const [uri, entry] of tasks) {
    const job = entry.first.job!;
    let list = tasksByJob.get(job);
    if (!list) tasksByJob.set(job, (list = []));
    list.push({
      uri,
      operation: entry.first.operation,
      index: entry.first.index,
      status: foldStatus(entry.statuses),
      created: earliest(entry.created),
      modified: latest(entry.modified),
      resultsContainers: [...(containers.get(uri) ?? [])].sort(),
    });
  }
  return [...jobs].map(([uri, entry]) => ({
    uri,
    operation: entry.first.operation!,
    status: foldStatus(entry.statuses),
    created: earliest(entry.created),
    modified: latest(entry.modified),
    tasks: (tasksByJob.get(uri) ?? []).sort(
      (a, b) => compareIndex(a.index, b.index) || (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0) || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0),
    ),
  }));
}

/**
 * The job's last activity: the latest `dct:modified` of the job and its tasks; a resource without
 * `dct:modified` contributes its `dct:created`. Undefined when neither the job nor any task has either.
 */
export function lastActivity(job: JobState): Date | undefined {
  return latest([job.modified ?? job.created, ...job.tasks.map((task) => task.modified ?? task.created)]);
}

export const MS_PER_MINUTE = 60_000;

/**
 * Whether a job whose last activity was at `lastActivity` has timed out at `now` with a limit of
 * `minutes`: `now − lastActivity ≥ minutes × 60 000 ms` (the original multiplied the age by 60 000
 * instead of dividing, so every job timed out on every run). A last activity in the future (clock
 * skew) gives a negative age: not timed out.
 */
export function isTimedOut(lastActivity: Date, now: Date, minutes: number): boolean {
  return now.getTime() - lastActivity.getTime() >= minutes * MS_PER_MINUTE;
}

/** An age in minutes for messages: one decimal, without a trailing ".0". */
export function formatMinutes(ms: number): string {
  return String(Math.round(ms / (MS_PER_MINUTE / 10)) / 10);
}
