/**
 * The maintainer's view of its tasks in the stream's jobs graph: which initial-sync and healing tasks
 * are waiting or abandoned, claiming them, progress (which doubles as the heartbeat that tells a live
 * run from an abandoned one), results, and the outcome. Statuses move through core's JobRepository
 * (guarded updates that report whether this call made the change); the rest of the SPARQL is here.
 */
import {
  CLASSES,
  formatDateTime,
  JobRepository,
  literal,
  namedNode,
  parseDateTime,
  STATUS,
  sparql,
  TASK_REPORTING,
  URI_BASES,
  XSD,
  type SparqlClient,
  type TaskRecord,
} from '@delta-producer/core';
import { v4 as uuidv4 } from 'uuid';
import type { ChangeCounts, ChangeTally } from '../healing/healing-run.js';

export type TaskKind = 'initialSync' | 'healing';

export interface StreamTask {
  uri: string;
  kind: TaskKind;
  job: string;
  status: string;
  created: Date | undefined;
  modified: Date | undefined;
}

export interface TaskOperations {
  /** Task operations ([AGREE] with the initiator / job-controller). */
  tasks: { initialSync: string; healing: string };
  /** This stream's job operations. */
  jobs: { initialSync: string; healing: string };
}

export class MalformedTaskError extends Error {
  override readonly name = 'MalformedTaskError';
}

const integer = (value: number) => literal(String(Math.max(0, Math.trunc(value))), namedNode(XSD.integer));
const dateTime = (date: Date) => literal(formatDateTime(date), namedNode(XSD.dateTime));

/**
 * The kind of a task found for this stream, or MalformedTaskError: the task's operation must be the one
 * that belongs to its job's operation (an initial-sync task in a healing job cannot be run as either).
 */
export function taskKind(record: TaskRecord, operations: TaskOperations): TaskKind {
  const kind = record.operation === operations.tasks.initialSync ? 'initialSync' : record.operation === operations.tasks.healing ? 'healing' : undefined;
  if (!kind) throw new MalformedTaskError(`task operation ${record.operation} is neither initial sync nor healing`);
  if (record.jobOperation !== operations.jobs[kind]) {
    throw new MalformedTaskError(`task ${record.uri} has operation ${record.operation} but its job ${record.job} has operation ${record.jobOperation ?? '(none)'} (expected ${operations.jobs[kind]})`);
  }
  return kind;
}

export class MaintainerTaskRepository {
  readonly #client: SparqlClient;
  readonly #jobs: JobRepository;
  readonly #graph: string;
  readonly #operations: TaskOperations;

  constructor(client: SparqlClient, jobsGraph: string, operations: TaskOperations) {
    this.#client = client;
    this.#jobs = new JobRepository(client);
    this.#graph = namedNode(jobsGraph).value;
    this.#operations = operations;
  }

  get jobs(): JobRepository {
    return this.#jobs;
  }

  /** This stream's initial-sync and healing tasks with the given statuses, oldest first. */
  async find(statuses: ('scheduled' | 'busy' | 'success')[]): Promise<TaskRecord[]> {
    const { tasks, jobs } = this.#operations;
    return this.#jobs.findTasks({
      graph: this.#graph,
      taskOperations: [tasks.initialSync, tasks.healing],
      jobOperations: [jobs.initialSync, jobs.healing],
      statuses,
    });
  }

  async hasSuccessfulInitialSync(): Promise<boolean> {
    const { tasks, jobs } = this.#operations;
    const found = await this.#jobs.findTasks({ graph: this.#graph, taskOperations: [tasks.initialSync], jobOperations: [jobs.initialSync], statuses: ['success'] });
    return found.length > 0;
  }

  /** scheduled → busy, atomically; true when this call claimed it. */
  claimScheduled(task: string, now: Date): Promise<boolean> {
    return this.#jobs.setStatus({ subject: task, graph: this.#graph, to: 'busy', from: ['scheduled'], now });
  }

  /** busy (abandoned at `modified`) → busy again for this process; true when this call took it over. */
  claimAbandoned(task: string, modified: Date, now: Date): Promise<boolean> {
    return this.#jobs.setStatus({ subject: task, graph: this.#graph, to: 'busy', from: ['busy'], ifModified: modified, now });
  }

  /**
   * Writes progress and a new dct:modified, only if the task is still busy with the `modified` this
   * process wrote last. Returns the new modified time, or undefined when another process took it over.
   */
  async heartbeat(task: string, expectedModified: Date, progress: { processed: number; total: number }, now: Date): Promise<Date | undefined> {
    const subject = namedNode(task);
    const graph = namedNode(this.#graph);
    const processed = namedNode(TASK_REPORTING.processed);
    const total = namedNode(TASK_REPORTING.total);
    await this.#client.update(
      sparql`DELETE { GRAPH ${graph} { ${subject} dct:modified ?modified . ${subject} ${processed} ?processed . ${subject} ${total} ?total . } }
        INSERT { GRAPH ${graph} { ${subject} dct:modified ${dateTime(now)} ; ${processed} ${integer(progress.processed)} ; ${total} ${integer(progress.total)} . } }
        WHERE {
          GRAPH ${graph} {
            ${subject} adms:status ${namedNode(STATUS.busy)} ; dct:modified ?modified .
            OPTIONAL { ${subject} ${processed} ?processed }
            OPTIONAL { ${subject} ${total} ?total }
          }
          FILTER(?modified = ${dateTime(expectedModified)})
        }`,
      { sudo: true },
    );
    const rows = await this.#client.select(sparql`SELECT ?modified WHERE { GRAPH ${graph} { ${subject} dct:modified ?modified } }`, { sudo: true });
    return rows.length === 1 && parseDateTime(rows[0]!.modified?.value)?.getTime() === now.getTime() ? now : undefined;
  }

  /** The results container (counts per predicate and per type) linked from the task, then busy → success. */
  async succeed(task: string, tally: ChangeTally, now: Date): Promise<boolean> {
    const uuid = uuidv4();
    const container = namedNode(`${URI_BASES.dataContainer}${uuid}`);
    const graph = namedNode(this.#graph);
    const counts = (kind: 'predicate' | 'type', map: Map<string, ChangeCounts>) =>
      [...map].map(([iri, { inserted, deleted }]) => {
        const count = namedNode(`${URI_BASES.dataContainer}${uuid}/${kind}/${uuidv4()}`);
        const predicate = namedNode(kind === 'predicate' ? TASK_REPORTING.countedPredicate : TASK_REPORTING.countedType);
        return sparql`${container} ${namedNode(TASK_REPORTING.count)} ${count} .
          ${count} ${predicate} ${namedNode(iri)} ; ${namedNode(TASK_REPORTING.inserted)} ${integer(inserted)} ; ${namedNode(TASK_REPORTING.deleted)} ${integer(deleted)} .`;
      });
    const triples = [
      sparql`${namedNode(task)} task:resultsContainer ${container} .
        ${container} a ${namedNode(CLASSES.dataContainer)} ;
          mu:uuid ${literal(uuid)} ;
          dct:subject ${namedNode(TASK_REPORTING.resultsSubject)} ;
          dct:created ${dateTime(now)} ;
          ${namedNode(TASK_REPORTING.inserted)} ${integer(tally.inserted)} ;
          ${namedNode(TASK_REPORTING.deleted)} ${integer(tally.deleted)} .`,
      ...counts('predicate', tally.byPredicate),
      ...counts('type', tally.byType),
    ];
    // Several updates when there are many counts (Virtuoso's query-size limit).
    for (let start = 0; start < triples.length; start += 100) {
      await this.#client.update(sparql`INSERT DATA { GRAPH ${graph} { ${triples.slice(start, start + 100)} } }`, { sudo: true });
    }
    return this.#jobs.setStatus({ subject: task, graph: this.#graph, to: 'success', from: ['busy'], now });
  }

  /** One error resource linked from the task, then → failed (from scheduled or busy). */
  async fail(task: string, message: string, now: Date): Promise<boolean> {
    await this.#jobs.appendError({ owner: task, graph: this.#graph, message, errorBase: URI_BASES.maintainerError, now });
    return this.#jobs.setStatus({ subject: task, graph: this.#graph, to: 'failed', from: ['scheduled', 'busy'], now });
  }

  /** The task as a StreamTask (or MalformedTaskError). */
  describe(record: TaskRecord): StreamTask {
    return { uri: record.uri, kind: taskKind(record, this.#operations), job: record.job, status: record.status, created: record.created, modified: record.modified };
  }
}

