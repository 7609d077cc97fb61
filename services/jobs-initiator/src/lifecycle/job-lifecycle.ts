/**
 * The initiator's job lifecycle: what lblod's job-controller-service did for these jobs (follow-up
 * tasks, job success/failure), plus a periodic scan that repairs lost deltas, and job timeouts
 * (data-model §7.2, behaviour A1 "Timeout" and "Job lifecycle dependency", B4 #43, #47).
 *
 * - Streams with `manageJobLifecycle: false` (stacks that run job-controller) are left to it: their
 *   deltas are ignored and the scan skips them. `failTimedOutJobs` still applies to them when the
 *   scheduler calls it (the timeout is the initiator's own feature).
 * - Deltas are triggers only. Every decision is taken on the job's state as read from the stream's jobs
 *   graph right before acting (plan.ts), so deltas that arrive twice, late or never lead to the same
 *   result: the scan applies the same plan to every active job.
 * - One serial queue runs delta batches, scans and timeout passes one at a time, in arrival order. The
 *   check "does the follow-up task exist?" and its insert therefore never race inside this process;
 *   across processes (two initiators on one stack, or job-controller on a managed stream) they could,
 *   which is why one stack runs one lifecycle manager.
 * - Failures (store down …) are logged once per delta batch or per scan by this module and never
 *   thrown out of the timer or stored as error resources; the next scan retries. `failTimedOutJobs`
 *   rejects instead: its caller (the scheduler) owns that boundary.
 *
 * Timeouts: a job times out when `now − lastActivity ≥ jobTimeoutMinutes × 60 000 ms`, lastActivity =
 * the latest `dct:modified` (else `dct:created`) of the job and its tasks. A job with no date at all is
 * timed from the moment this process first saw it (logged once), so it cannot stay active forever.
 * On timeout the job is failed first (guarded: only from scheduled/busy); only if that move was ours
 * are its open tasks failed (each guarded the same way, so a task that just succeeded keeps its
 * success) and one error resource attached to the job.
 */
import { ERROR_SUBJECTS, type JobRepository, type Logger, type SparqlClient } from '@delta-producer/core';
import type { InitiatorConfig } from '../config/initiator-config.js';
import type { JobKind, StreamConfig } from '../config/stream-config.js';
import { taskChains, type ChainStep } from './chains.js';
import type { JobLifecycleApi } from './contract.js';
import { formatMinutes, isActive, isTimedOut, lastActivity, type JobState } from './job-state.js';
import { LifecycleRepository } from './lifecycle-repository.js';
import { planJob } from './plan.js';
import { extractStatusChanges, type StatusChange } from './status-changes.js';
import { SerialQueue } from './serial-queue.js';

export interface JobLifecycleOptions {
  client: Pick<SparqlClient, 'selectAll'>;
  repository: Pick<JobRepository, 'createTask' | 'setStatus' | 'storeError'>;
  config: Pick<InitiatorConfig, 'streams' | 'taskOperations' | 'lifecycleScanIntervalMs'>;
  logger: Logger;
  now?: () => Date;
  /** Most active jobs per stream one scan or timeout pass looks at (default 500). */
  scanJobLimit?: number;
}

/** A job operation of a managed stream. */
interface OperationOwner {
  stream: StreamConfig;
  kind: JobKind;
}

/** What one pass changed, for logs and tests. */
interface PassSummary {
  tasksCreated: number;
  jobsClosed: number;
}

const MAX_REMEMBERED = 10_000;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class JobLifecycle implements JobLifecycleApi {
  private readonly store: LifecycleRepository;
  private readonly repository: JobLifecycleOptions['repository'];
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly managed: readonly StreamConfig[];
  private readonly chains: Record<JobKind, ChainStep[]>;
  private readonly scanIntervalMs: number;
  private readonly scanJobLimit: number;
  private readonly queue = new SerialQueue();
  /** Status changes waiting for the next delta batch, by subject and graph, in arrival order. */
  private readonly pending = new Map<string, StatusChange>();
  private batchQueued = false;
  private scanQueued = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private readonly reportedUnknown = new Set<string>();
  /** Jobs without any date: when this process first saw them (key: stream name + job). */
  private readonly undatedSince = new Map<string, number>();

  constructor(options: JobLifecycleOptions) {
    this.store = new LifecycleRepository(options.client);
    this.repository = options.repository;
    this.logger = options.logger.child({ component: 'job-lifecycle' });
    this.now = options.now ?? (() => new Date());
    this.managed = options.config.streams.filter((stream) => stream.manageJobLifecycle);
    this.chains = taskChains(options.config.taskOperations);
    this.scanIntervalMs = options.config.lifecycleScanIntervalMs;
    this.scanJobLimit = options.scanJobLimit ?? 500;
  }

  acceptDelta(changesets: Parameters<JobLifecycleApi['acceptDelta']>[0]): void {
    if (this.stopped) {
      this.logger.debug('delta received while stopping; ignored (the next start scans)');
      return;
    }
    if (this.managed.length === 0) return;
    for (const change of extractStatusChanges(changesets)) {
      const key = `${change.task} ${change.graph ?? ''}`;
      if (!this.pending.has(key)) this.pending.set(key, change);
    }
    if (this.pending.size === 0 || this.batchQueued) return;
    this.batchQueued = true;
    this.queue.run(() => this.processBatch()).catch((error: unknown) => this.logger.error({ err: error }, 'job lifecycle: delta batch failed'));
  }

  scan(): Promise<void> {
    return this.queue.run(() => this.scanOnce());
  }

  failTimedOutJobs(stream: StreamConfig, now: Date = this.now()): Promise<string[]> {
    if (stream.jobTimeoutMinutes === undefined) return Promise.resolve([]);
    return this.queue.run(() => this.failTimedOut(stream, now));
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.logger.info({ streams: this.managed.map((stream) => stream.name), intervalMs: this.scanIntervalMs }, 'job lifecycle started');
    this.queueScan();
    this.timer = setInterval(() => this.queueScan(), this.scanIntervalMs);
    this.timer.unref();
  }

  /** Resolves once the queued work (delta batches, scans, timeout passes) has finished. Not part of the contract. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.queue.idle();
  }

  /** A timer tick: one scan, unless one is already waiting in the queue. */
  private queueScan(): void {
    if (this.scanQueued || this.managed.length === 0) return;
    this.scanQueued = true;
    this.queue
      .run(async () => {
        this.scanQueued = false;
        await this.scanOnce();
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'job lifecycle: scan failed'));
  }

  /** Managed streams whose jobs graph is `graph` (every managed stream when the delta named none). */
  private ownersIn(graph: string | undefined): Map<string, Map<string, OperationOwner>> {
    const byGraph = new Map<string, Map<string, OperationOwner>>();
    for (const stream of this.managed) {
      if (graph !== undefined && stream.jobsGraph !== graph) continue;
      let owners = byGraph.get(stream.jobsGraph);
      if (!owners) byGraph.set(stream.jobsGraph, (owners = new Map()));
      for (const [kind, operation] of Object.entries(stream.jobOperations) as [JobKind, string][]) owners.set(operation, { stream, kind });
    }
    return byGraph;
  }

  private async processBatch(): Promise<void> {
    this.batchQueued = false;
    const batch = [...this.pending.values()];
    this.pending.clear();
    // Candidate tasks per jobs graph, in arrival order.
    const work = new Map<string, { owners: Map<string, OperationOwner>; tasks: string[] }>();
    for (const change of batch) {
      for (const [graph, owners] of this.ownersIn(change.graph)) {
        let entry = work.get(graph);
        if (!entry) work.set(graph, (entry = { owners, tasks: [] }));
        if (!entry.tasks.includes(change.task)) entry.tasks.push(change.task);
      }
    }
    if (work.size === 0) return;
    const summary: PassSummary = { tasksCreated: 0, jobsClosed: 0 };
    try {
      for (const [graph, { owners, tasks }] of work) {
        const jobs = await this.store.jobsOfTasks(graph, tasks, [...owners.keys()]);
        if (jobs.length === 0) continue;
        await this.advance(graph, owners, await this.store.loadJobs(graph, jobs), summary);
      }
      if (summary.tasksCreated || summary.jobsClosed) this.logger.debug({ changes: batch.length, ...summary }, 'processed task status changes');
    } catch (error) {
      this.logger.error({ err: error, changes: batch.length, ...summary }, `could not process task status changes (the next scan retries): ${message(error)}`);
    }
  }

  private async scanOnce(): Promise<void> {
    const now = this.now();
    const summary: PassSummary = { tasksCreated: 0, jobsClosed: 0 };
    const timedOut: string[] = [];
    const failures: { stream: string; error: string }[] = [];
    let firstError: unknown;
    for (const stream of this.managed) {
      try {
        const operations = Object.values(stream.jobOperations);
        const jobs = await this.store.activeJobs(stream.jobsGraph, operations, this.scanJobLimit);
        if (jobs.length >= this.scanJobLimit) this.logger.warn({ stream: stream.name, limit: this.scanJobLimit }, 'more active jobs than one scan handles; the rest wait for the next scan');
        if (jobs.length > 0) await this.advance(stream.jobsGraph, this.ownersIn(stream.jobsGraph).get(stream.jobsGraph)!, await this.store.loadJobs(stream.jobsGraph, jobs), summary);
        if (stream.jobTimeoutMinutes !== undefined) timedOut.push(...(await this.failTimedOut(stream, now)));
      } catch (error) {
        firstError ??= error;
        failures.push({ stream: stream.name, error: message(error) });
      }
    }
    if (failures.length > 0) {
      this.logger.error({ err: firstError, failures, ...summary }, `job lifecycle scan failed for ${failures.map((failure) => failure.stream).join(', ')} (retried on the next scan)`);
    } else if (summary.tasksCreated || summary.jobsClosed || timedOut.length) {
      this.logger.info({ ...summary, timedOut }, 'job lifecycle scan repaired jobs');
    }
  }

  /** Applies the plan of each job (only jobs whose operation belongs to a managed stream). */
  private async advance(graph: string, owners: Map<string, OperationOwner>, jobs: readonly JobState[], summary: PassSummary): Promise<void> {
    for (const job of jobs) {
      const owner = owners.get(job.operation);
      if (!owner) continue;
      const plan = planJob(job, this.chains[owner.kind]);
      this.reportUnknown(job, owner, plan.unknownOperations);
      for (const action of plan.actions) {
        const log = this.logger.child({ stream: owner.stream.name, job: job.uri });
        if (action.type === 'createTask') {
          const task = await this.repository.createTask({
            graph,
            job: job.uri,
            operation: action.step.operation,
            index: action.step.index,
            status: 'scheduled',
            dependsOn: action.after.uri,
            inputContainers: action.after.resultsContainers,
            now: this.now(),
          });
          summary.tasksCreated += 1;
          log.info({ task, after: action.after.uri, operation: action.step.operation, index: action.step.index }, 'scheduled the next task of the job');
        } else {
          const changed = await this.repository.setStatus({ subject: job.uri, graph, to: action.to, from: ['busy', 'scheduled'], now: this.now() });
          if (changed) summary.jobsClosed += 1;
          log.info({ task: action.because.uri, status: action.to, changed }, changed ? `job ${action.to}` : `job not moved to ${action.to}: its status changed meanwhile`);
        }
      }
    }
  }

  private reportUnknown(job: JobState, owner: OperationOwner, operations: readonly string[]): void {
    for (const operation of operations) {
      const key = `${job.uri} ${operation}`;
      if (this.reportedUnknown.has(key)) continue;
      if (this.reportedUnknown.size >= MAX_REMEMBERED) this.reportedUnknown.clear();
      this.reportedUnknown.add(key);
      this.logger.warn(
        { stream: owner.stream.name, job: job.uri, operation, kind: owner.kind },
        'the job has a task whose operation is not in its chain; the job is left alone (is job-controller managing it? then set manageJobLifecycle: false)',
      );
    }
  }

  /** The timeout pass of one stream (runs inside the queue). */
  private async failTimedOut(stream: StreamConfig, now: Date): Promise<string[]> {
    const minutes = stream.jobTimeoutMinutes;
    if (minutes === undefined) return [];
    const jobs = await this.store.activeJobs(stream.jobsGraph, Object.values(stream.jobOperations), this.scanJobLimit);
    const states = jobs.length > 0 ? await this.store.loadJobs(stream.jobsGraph, jobs) : [];
    const failed: string[] = [];
    const seen = new Set<string>();
    for (const job of states) {
      if (!isActive(job.status)) continue;
      const key = `${stream.name} ${job.uri}`;
      seen.add(key);
      let last = lastActivity(job);
      if (!last) {
        let since = this.undatedSince.get(key);
        if (since === undefined) {
          since = now.getTime();
          this.undatedSince.set(key, since);
          this.logger.warn({ stream: stream.name, job: job.uri }, 'active job without dct:modified or dct:created on it or its tasks; its timeout counts from now');
        }
        last = new Date(since);
      }
      if (!isTimedOut(last, now, minutes)) continue;
      if (await this.failJob(stream, job, now, now.getTime() - last.getTime(), minutes)) failed.push(job.uri);
    }
    for (const key of this.undatedSince.keys()) if (key.startsWith(`${stream.name} `) && !seen.has(key)) this.undatedSince.delete(key);
    return failed;
  }

  private async failJob(stream: StreamConfig, job: JobState, now: Date, ageMs: number, minutes: number): Promise<boolean> {
    const log = this.logger.child({ stream: stream.name, job: job.uri });
    const changed = await this.repository.setStatus({ subject: job.uri, graph: stream.jobsGraph, to: 'failed', from: ['busy', 'scheduled'], now });
    if (!changed) {
      log.info('timed-out job changed status meanwhile; left as it is');
      return false;
    }
    const tasks: string[] = [];
    for (const task of job.tasks.filter((candidate) => isActive(candidate.status))) {
      if (await this.repository.setStatus({ subject: task.uri, graph: stream.jobsGraph, to: 'failed', from: ['scheduled', 'busy'], now })) tasks.push(task.uri);
    }
    const age = formatMinutes(ageMs);
    await this.repository.storeError({
      graph: stream.jobsGraph,
      job: job.uri,
      subject: ERROR_SUBJECTS.jobsInitiator,
      creator: stream.errorCreatorUri,
      message: `Job ${job.uri} of stream "${stream.name}" (${job.operation}) timed out: no activity for ${age} minutes, the limit is ${minutes} minutes. The job and its open tasks were marked failed.`,
      now,
    });
    log.warn({ tasks, ageMinutes: Number(age), limitMinutes: minutes }, 'job timed out; failed it and its open tasks');
    return true;
  }
}
