/**
 * The initiator's reads and writes of a stream's jobs, all inside the stream's jobsGraph. Creation is
 * one guarded update: it inserts nothing while any job of the stream is scheduled or busy, or when the
 * job IRI already exists (a cron tick's deterministic id) — check and insert are one statement.
 */
import {
  CLASSES,
  CREATORS,
  namedNode,
  sparql,
  STATUS,
  type JobRecord,
  type JobRepository,
  type SparqlClient,
  type TaskRecord,
} from '@delta-producer/core';
import { JOB_KINDS, type JobKind, type StreamConfig } from '../config/stream-config.js';
import type { StreamJobsSnapshot } from '../scheduling/job-rules.js';

export interface JobWithTasks extends JobRecord {
  kind?: JobKind;
  tasks: TaskRecord[];
}

export class StreamJobs {
  constructor(
    private readonly client: SparqlClient,
    private readonly repository: JobRepository,
    private readonly taskOperations: Record<JobKind, string>,
  ) {}

  kindOf(stream: StreamConfig, operation: string): JobKind | undefined {
    return JOB_KINDS.find((kind) => stream.jobOperations[kind] === operation);
  }

  async snapshot(stream: StreamConfig): Promise<StreamJobsSnapshot> {
    const operations = Object.values(stream.jobOperations);
    const [active, [latestInitialSync]] = await Promise.all([
      this.repository.findJobs({ graph: stream.jobsGraph, operations, statuses: ['scheduled', 'busy'] }),
      this.repository.findJobs({ graph: stream.jobsGraph, operations: [stream.jobOperations.initialSync], limit: 1 }),
    ]);
    return { active, latestInitialSync };
  }

  /** Creates the job and its first task unless a job of the stream is active or the job IRI exists. */
  async create(stream: StreamConfig, kind: JobKind, ids: { jobUuid?: string; taskUuid?: string } = {}, now = new Date()) {
    const operations = Object.values(stream.jobOperations).map((operation) => namedNode(operation));
    const jobIri = ids.jobUuid ? namedNode(`http://redpencil.data.gift/id/job/${ids.jobUuid}`) : undefined;
    // FILTER IN rather than VALUES: Virtuoso 7.2.5 matches nothing with VALUES inside a UNION branch.
    const conflict = sparql`{
      ?active a ${namedNode(CLASSES.job)} ; task:operation ?operation ; adms:status ?status .
      FILTER(?operation IN (${operations.map((operation, index) => (index ? sparql`, ${operation}` : sparql`${operation}`))}))
      FILTER(?status IN (${namedNode(STATUS.scheduled)}, ${namedNode(STATUS.busy)}))
    }`;
    const unlessExists = jobIri ? sparql`${conflict} UNION { ${jobIri} ?anyPredicate ?anyObject . }` : conflict;
    return this.repository.createJobWithTask({
      graph: stream.jobsGraph,
      jobOperation: stream.jobOperations[kind],
      taskOperation: this.taskOperations[kind],
      creator: CREATORS.jobsInitiator,
      jobUuid: ids.jobUuid,
      taskUuid: ids.taskUuid,
      now,
      unlessExists,
    });
  }

  /** The stream's jobs (all kinds or one), newest first, with their tasks. */
  async list(stream: StreamConfig, options: { kind?: JobKind; limit: number; offset: number }): Promise<JobWithTasks[]> {
    const operations = options.kind ? [stream.jobOperations[options.kind]] : Object.values(stream.jobOperations);
    const jobs = await this.repository.findJobs({ graph: stream.jobsGraph, operations, limit: options.limit, offset: options.offset });
    // One task query for the whole page, not one per job.
    const tasks = await this.repository.findTasks({ graph: stream.jobsGraph, jobs: jobs.map((job) => job.uri) });
    return jobs.map((job) => ({ ...job, kind: this.kindOf(stream, job.operation), tasks: tasks.filter((task) => task.job === job.uri) }));
  }

  /** All jobs of one kind (any status), for DELETE. */
  async ofKind(stream: StreamConfig, kind: JobKind): Promise<JobRecord[]> {
    return this.repository.findJobs({ graph: stream.jobsGraph, operations: [stream.jobOperations[kind]] });
  }

  async remove(stream: StreamConfig, jobs: string[]): Promise<string[]> {
    return this.repository.deleteJobs({ graph: stream.jobsGraph, jobs });
  }

  /** The SPARQL client's endpoint check, for start-up and readiness. */
  async ping(): Promise<void> {
    await this.client.ask(sparql`ASK { ?s ?p ?o }`, { sudo: true, retry: false, timeoutMs: 5000 });
  }
}
