/**
 * SPARQL for dump tasks. The lblod publisher found tasks in any graph (its config has no jobs graph),
 * so these reads name the graph as a variable and every write goes to the graph the task was found in.
 * Status moves use core's JobRepository (guarded: the store tells whether THIS call moved it); taking
 * over a stale busy task is guarded on the `dct:modified` that made it stale, so of two replicas that
 * both find it stale only one takes it.
 */
import {
  formatDateTime,
  JobRepository,
  literal,
  namedNode,
  parseDateTime,
  sparql,
  STATUS,
  statusName,
  XSD,
  type SparqlClient,
  type StatusName,
} from '@delta-producer/core';

export interface DumpTask {
  uri: string;
  graph: string;
  job: string;
  jobOperation: string;
  status: StatusName | string;
  modified?: Date;
}

const CALL = { sudo: true } as const;
const dateTime = (date: Date) => literal(formatDateTime(date), namedNode(XSD.dateTime));

export class TaskRepository {
  readonly jobs: JobRepository;

  constructor(
    private readonly client: SparqlClient,
    private readonly taskOperation: string,
    private readonly jobOperations: readonly string[],
  ) {
    this.jobs = new JobRepository(client);
  }

  /** Dump tasks of the configured job operations with one of the statuses, or the given tasks. */
  async find(input: { statuses?: StatusName[]; tasks?: string[] }): Promise<DumpTask[]> {
    if (input.tasks?.length === 0 || this.jobOperations.length === 0) return [];
    const tasks = input.tasks ? sparql`VALUES ?task { ${input.tasks.map((task) => namedNode(task))} }` : sparql``;
    const statuses = input.statuses ? sparql`VALUES ?status { ${input.statuses.map((name) => namedNode(STATUS[name]))} }` : sparql``;
    const rows = await this.client.selectAll(
      sparql`SELECT ?task ?graph ?job ?jobOperation ?status ?modified WHERE {
        ${tasks}
        ${statuses}
        VALUES ?jobOperation { ${this.jobOperations.map((operation) => namedNode(operation))} }
        GRAPH ?graph {
          ?task a task:Task ; task:operation ${namedNode(this.taskOperation)} ; adms:status ?status ; dct:isPartOf ?job .
          ?job task:operation ?jobOperation .
          OPTIONAL { ?task dct:modified ?modified }
        }
      } ORDER BY ?modified ?task`,
      CALL,
    );
    const seen = new Set<string>();
    return rows.flatMap((row): DumpTask[] => {
      const uri = row.task?.value;
      if (!uri || seen.has(uri)) return [];
      seen.add(uri);
      const status = row.status!.value;
      return [{ uri, graph: row.graph!.value, job: row.job!.value, jobOperation: row.jobOperation!.value, status: statusName(status) ?? status, modified: parseDateTime(row.modified?.value) }];
    });
  }

  /** scheduled → busy; true when this call made the move (the atomic claim). */
  claim(task: DumpTask, now = new Date()): Promise<boolean> {
    return this.jobs.setStatus({ subject: task.uri, graph: task.graph, to: 'busy', from: ['scheduled'], now });
  }

  /** Takes over a busy task whose last sign of life is `task.modified`; true when this call did. */
  async takeOver(task: DumpTask, now = new Date()): Promise<boolean> {
    if (!task.modified) return false;
    const subject = namedNode(task.uri);
    const graph = namedNode(task.graph);
    await this.client.update(
      sparql`DELETE { GRAPH ${graph} { ${subject} dct:modified ?modified } }
        INSERT { GRAPH ${graph} { ${subject} dct:modified ${dateTime(now)} } }
        WHERE { GRAPH ${graph} { ${subject} adms:status ${namedNode(STATUS.busy)} ; dct:modified ?modified . FILTER(?modified = ${dateTime(task.modified)}) } }`,
      CALL,
    );
    const rows = await this.client.select(sparql`SELECT ?modified WHERE { GRAPH ${graph} { ${subject} adms:status ${namedNode(STATUS.busy)} ; dct:modified ?modified } }`, CALL);
    return rows.length === 1 && parseDateTime(rows[0]!.modified?.value)?.getTime() === now.getTime();
  }

  /** Refreshes a busy task's `dct:modified` so no replica takes it over while it runs. */
  heartbeat(task: DumpTask, now = new Date()): Promise<boolean> {
    return this.jobs.setStatus({ subject: task.uri, graph: task.graph, to: 'busy', from: ['busy'], now });
  }

  /** busy → scheduled: a dump stopped by a shutdown, for whoever runs next. */
  release(task: DumpTask): Promise<boolean> {
    return this.jobs.setStatus({ subject: task.uri, graph: task.graph, to: 'scheduled', from: ['busy'] });
  }

  finish(task: DumpTask, to: 'success' | 'failed'): Promise<boolean> {
    return this.jobs.setStatus({ subject: task.uri, graph: task.graph, to, from: ['busy'] });
  }

  async appendError(task: DumpTask, message: string): Promise<void> {
    await this.jobs.appendError({ owner: task.uri, graph: task.graph, message });
  }
}
