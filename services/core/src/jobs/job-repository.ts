/**
 * SPARQL for jobs, tasks and error resources. Every read and write is restricted to the graph given
 * (pitfall 53: reads across all graphs see other streams' and other apps' jobs).
 * Writes that must not race (create unless a conflicting job exists, move a status only from an
 * expected one) are single guarded updates: the check and the write are one statement for the store.
 */
import { v4 as uuidv4 } from 'uuid';
import type { Term } from '@rdfjs/types';
import { literal, namedNode } from '../rdf/terms.js';
import { joinSparql, sparql, type SparqlText } from '../rdf/sparql-text.js';
import { CLASSES, STATUS, URI_BASES, XSD, statusName, type StatusName } from '../vocabulary.js';
import { formatDateTime, parseDateTime, type JobRecord, type TaskRecord } from './model.js';

/** What the repository needs of a SPARQL client (the core client satisfies it). */
export interface JobStoreClient {
  select(query: SparqlText, options?: { sudo?: boolean }): Promise<Record<string, Term>[]>;
  update(update: SparqlText, options?: { sudo?: boolean }): Promise<void>;
}

export interface NewJobWithTask {
  graph: string;
  jobOperation: string;
  taskOperation: string;
  creator: string;
  /** Default busy, as the lblod initiator writes jobs (data-model §7.1). */
  jobStatus?: StatusName;
  taskStatus?: StatusName;
  taskIndex?: string;
  /** Fixed ids make a creation idempotent: the same tick writes the same job, never a second one. */
  jobUuid?: string;
  taskUuid?: string;
  now?: Date;
  /**
   * A group pattern (inside the jobs graph) that, when it has a solution, prevents the insert.
   * Check and insert are one update.
   */
  unlessExists?: SparqlText;
}

export interface NewTask {
  graph: string;
  job: string;
  operation: string;
  index: string;
  status?: StatusName;
  dependsOn?: string;
  inputContainers?: string[];
  uuid?: string;
  now?: Date;
}

export interface StoredError {
  uri: string;
  uuid: string;
}

const dateTime = (date: Date) => literal(formatDateTime(date), namedNode(XSD.dateTime));
const iri = (value: string) => namedNode(value);
const text = (value: string) => literal(value);
const status = (name: StatusName) => namedNode(STATUS[name]);

/** A task's triples as data-model §7.1 has them (task:index a plain string, created = modified). */
function taskTriples(input: { task: string; uuid: string; job: string; operation: string; index: string; status: StatusName; now: Date }): SparqlText {
  return sparql`${iri(input.task)} a ${iri(CLASSES.task)} ;
    mu:uuid ${text(input.uuid)} ;
    adms:status ${status(input.status)} ;
    dct:created ${dateTime(input.now)} ;
    dct:modified ${dateTime(input.now)} ;
    task:operation ${iri(input.operation)} ;
    task:index ${text(input.index)} ;
    dct:isPartOf ${iri(input.job)} .`;
}

function str(binding: Record<string, Term>, key: string): string | undefined {
  return binding[key]?.value;
}

function statusOf(value: string | undefined): StatusName | string {
  return value ? (statusName(value) ?? value) : 'unknown';
}

export class JobRepository {
  constructor(
    private readonly client: JobStoreClient,
    private readonly options: { sudo?: boolean } = { sudo: true },
  ) {}

  /** Creates a job and its first task in one update. Returns undefined when `unlessExists` matched. */
  async createJobWithTask(input: NewJobWithTask): Promise<{ job: string; task: string } | undefined> {
    const now = input.now ?? new Date();
    const jobUuid = input.jobUuid ?? uuidv4();
    const taskUuid = input.taskUuid ?? uuidv4();
    const job = `${URI_BASES.job}${jobUuid}`;
    const task = `${URI_BASES.task}${taskUuid}`;
    const graph = iri(input.graph);
    const triples = sparql`
      ${iri(job)} a ${iri(CLASSES.job)} ;
        mu:uuid ${text(jobUuid)} ;
        dct:creator ${iri(input.creator)} ;
        adms:status ${status(input.jobStatus ?? 'busy')} ;
        dct:created ${dateTime(now)} ;
        dct:modified ${dateTime(now)} ;
        task:operation ${iri(input.jobOperation)} .
      ${taskTriples({ task, uuid: taskUuid, job, operation: input.taskOperation, index: input.taskIndex ?? '0', status: input.taskStatus ?? 'scheduled', now })}`;
    if (!input.unlessExists) {
      await this.client.update(sparql`INSERT DATA { GRAPH ${graph} { ${triples} } }`, this.options);
      return { job, task };
    }
    // A COUNT sub-select, not FILTER NOT EXISTS: Virtuoso 7.2.5 ignores a FILTER NOT EXISTS that stands
    // alone in a WHERE clause (and the OPTIONAL/!BOUND idiom too) — docs/virtuoso-quirks.md.
    await this.client.update(
      sparql`INSERT { GRAPH ${graph} { ${triples} } } WHERE {
        { SELECT (COUNT(*) AS ?conflicts) WHERE { GRAPH ${graph} { ${input.unlessExists} } } }
        FILTER(?conflicts = 0)
      }`,
      this.options,
    );
    // Created by this call when the job carries the creation time this call wrote: a job that already
    // existed (a re-run cron tick with the same deterministic id) keeps its own, older one.
    const rows = await this.client.select(sparql`SELECT ?created WHERE { GRAPH ${graph} { ${iri(job)} dct:created ?created } }`, this.options);
    return rows.some((row) => parseDateTime(row.created?.value)?.getTime() === now.getTime()) ? { job, task } : undefined;
  }

  /** Inserts a follow-up task of a job (what job-controller does on a task's success). */
  async createTask(input: NewTask): Promise<string> {
    const now = input.now ?? new Date();
    const uuid = input.uuid ?? uuidv4();
    const task = `${URI_BASES.task}${uuid}`;
    const extra: SparqlText[] = [];
    if (input.dependsOn) extra.push(sparql`${iri(task)} cogs:dependsOn ${iri(input.dependsOn)} .`);
    for (const container of input.inputContainers ?? []) extra.push(sparql`${iri(task)} task:inputContainer ${iri(container)} .`);
    await this.client.update(
      sparql`INSERT DATA { GRAPH ${iri(input.graph)} {
        ${taskTriples({ task, uuid, job: input.job, operation: input.operation, index: input.index, status: input.status ?? 'scheduled', now })}
        ${joinSparql(extra)}
      } }`,
      this.options,
    );
    return task;
  }

  /**
   * Moves a job's or task's status (and `dct:modified`) in one update. With `from`, only when the
   * current status is one of those; with `ifModified`, only when dct:modified is still that time.
   * Returns whether this call made the change.
   */
  async setStatus(input: { subject: string; graph: string; to: StatusName; from?: StatusName[]; ifModified?: Date; now?: Date }): Promise<boolean> {
    const now = input.now ?? new Date();
    const subject = iri(input.subject);
    const graph = iri(input.graph);
    const statusGuard = input.from?.length ? sparql`FILTER(?old IN (${joinSparql(input.from.map((name) => sparql`${status(name)}`), ', ')}))` : sparql``;
    // ifModified: only if nobody moved it since (claiming a task abandoned at that time, by one instance only).
    const modifiedGuard = input.ifModified ? sparql`FILTER(?modified = ${dateTime(input.ifModified)})` : sparql``;
    const guard = sparql`${statusGuard} ${modifiedGuard}`;
    await this.client.update(
      sparql`DELETE { GRAPH ${graph} { ${subject} adms:status ?old ; dct:modified ?modified . } }
        INSERT { GRAPH ${graph} { ${subject} adms:status ${status(input.to)} ; dct:modified ${dateTime(now)} . } }
        WHERE {
          GRAPH ${graph} { ${subject} adms:status ?old . OPTIONAL { ${subject} dct:modified ?modified } }
          ${guard}
        }`,
      this.options,
    );
    // Whether this call made the change: the status it wrote and the modified time it wrote are there
    // (a concurrent mover writes another time; two movers within the same millisecond cannot be told apart).
    const rows = await this.client.select(
      sparql`SELECT ?status ?modified WHERE { GRAPH ${graph} { ${subject} adms:status ?status . OPTIONAL { ${subject} dct:modified ?modified } } }`,
      this.options,
    );
    return rows.length === 1 && rows[0]!.status?.value === STATUS[input.to] && parseDateTime(rows[0]!.modified?.value)?.getTime() === now.getTime();
  }

  /** Stores an error resource linked from a task or job by `task:error` (data-model §8). */
  async appendError(input: { owner: string; graph: string; message: string; errorBase?: string; now?: Date }): Promise<StoredError> {
    const uuid = uuidv4();
    const uri = `${input.errorBase ?? URI_BASES.jobError}${uuid}`;
    await this.client.update(
      sparql`INSERT DATA { GRAPH ${iri(input.graph)} {
        ${iri(uri)} a ${iri(CLASSES.error)} ;
          mu:uuid ${text(uuid)} ;
          oslc:message ${text(input.message)} ;
          dct:created ${dateTime(input.now ?? new Date())} .
        ${iri(input.owner)} task:error ${iri(uri)} .
      } }`,
      this.options,
    );
    return { uri, uuid };
  }

  /** Stores a standalone error (`oslc:Error` + `deltas:Error`), optionally linked from a job. */
  async storeError(input: { graph: string; message: string; subject: string; creator: string; job?: string; errorBase?: string; now?: Date }): Promise<StoredError> {
    const uuid = uuidv4();
    const uri = `${input.errorBase ?? URI_BASES.jobError}${uuid}`;
    const link = input.job ? sparql`${iri(input.job)} task:error ${iri(uri)} .` : sparql``;
    await this.client.update(
      sparql`INSERT DATA { GRAPH ${iri(input.graph)} {
        ${iri(uri)} a ${iri(CLASSES.error)}, ${iri(CLASSES.deltasError)} ;
          mu:uuid ${text(uuid)} ;
          dct:subject ${text(input.subject)} ;
          oslc:message ${text(input.message)} ;
          dct:created ${dateTime(input.now ?? new Date())} ;
          dct:creator ${iri(input.creator)} .
        ${link}
      } }`,
      this.options,
    );
    return { uri, uuid };
  }

  async exists(subject: string, graph: string): Promise<boolean> {
    const rows = await this.client.select(sparql`SELECT ?type WHERE { GRAPH ${iri(graph)} { ${iri(subject)} a ?type } } LIMIT 1`, this.options);
    return rows.length > 0;
  }

  /** Jobs of the given operations in the graph, newest first. */
  async findJobs(input: { graph: string; operations: string[]; statuses?: StatusName[]; limit?: number; offset?: number }): Promise<JobRecord[]> {
    if (input.operations.length === 0) return [];
    const statusFilter = input.statuses?.length ? sparql`VALUES ?status { ${input.statuses.map(status)} }` : sparql``;
    const page = input.limit !== undefined ? sparql`LIMIT ${input.limit} OFFSET ${input.offset ?? 0}` : sparql``;
    const rows = await this.client.select(
      sparql`SELECT ?job ?uuid ?operation ?status ?created ?modified ?creator WHERE {
        VALUES ?operation { ${input.operations.map(iri)} }
        ${statusFilter}
        GRAPH ${iri(input.graph)} {
          ?job a ${iri(CLASSES.job)} ; task:operation ?operation ; adms:status ?status .
          OPTIONAL { ?job mu:uuid ?uuid }
          OPTIONAL { ?job dct:created ?created }
          OPTIONAL { ?job dct:modified ?modified }
          OPTIONAL { ?job dct:creator ?creator }
        }
      } ORDER BY DESC(?created) ?job ${page}`,
      this.options,
    );
    return dedupeBy(rows, 'job').map((row) => ({
      uri: str(row, 'job')!,
      uuid: str(row, 'uuid'),
      operation: str(row, 'operation')!,
      status: statusOf(str(row, 'status')),
      created: parseDateTime(str(row, 'created')),
      modified: parseDateTime(str(row, 'modified')),
      creator: str(row, 'creator'),
    }));
  }

  /** Tasks in the graph filtered by task operation, their job's operation, status and/or job. */
  async findTasks(input: { graph: string; taskOperations?: string[]; jobOperations?: string[]; statuses?: StatusName[]; job?: string; jobs?: string[] }): Promise<TaskRecord[]> {
    const jobs = [...(input.job ? [input.job] : []), ...(input.jobs ?? [])];
    if (input.jobs && jobs.length === 0) return [];
    const filters: SparqlText[] = [];
    if (input.taskOperations) filters.push(sparql`VALUES ?operation { ${input.taskOperations.map(iri)} }`);
    if (input.jobOperations) filters.push(sparql`VALUES ?jobOperation { ${input.jobOperations.map(iri)} }`);
    if (input.statuses) filters.push(sparql`VALUES ?status { ${input.statuses.map(status)} }`);
    if (jobs.length > 0) filters.push(sparql`VALUES ?job { ${jobs.map(iri)} }`);
    const rows = await this.client.select(
      sparql`SELECT ?task ?uuid ?job ?jobOperation ?operation ?status ?index ?created ?modified WHERE {
        ${joinSparql(filters)}
        GRAPH ${iri(input.graph)} {
          ?task a ${iri(CLASSES.task)} ; dct:isPartOf ?job ; task:operation ?operation ; adms:status ?status .
          OPTIONAL { ?job task:operation ?jobOperation }
          OPTIONAL { ?task mu:uuid ?uuid }
          OPTIONAL { ?task task:index ?index }
          OPTIONAL { ?task dct:created ?created }
          OPTIONAL { ?task dct:modified ?modified }
        }
      } ORDER BY ?created ?task`,
      this.options,
    );
    return dedupeBy(rows, 'task').map((row) => ({
      uri: str(row, 'task')!,
      uuid: str(row, 'uuid'),
      job: str(row, 'job')!,
      jobOperation: str(row, 'jobOperation'),
      operation: str(row, 'operation')!,
      status: statusOf(str(row, 'status')),
      index: str(row, 'index'),
      created: parseDateTime(str(row, 'created')),
      modified: parseDateTime(str(row, 'modified')),
    }));
  }

  /**
   * Deletes jobs with their tasks and the error resources linked from either, in the graph. The
   * resources are listed first (one UNION branch per kind, never a product of several `?p ?o`
   * patterns: pitfall 6), then deleted by VALUES. Virtuoso 7.2.5 matches nothing when VALUES stands
   * inside UNION branches, so the job VALUES sits outside and every branch binds ?job itself.
   */
  async deleteJobs(input: { graph: string; jobs: string[] }): Promise<string[]> {
    if (input.jobs.length === 0) return [];
    const graph = iri(input.graph);
    const linked = await this.client.select(
      sparql`SELECT DISTINCT ?resource WHERE {
        VALUES ?job { ${input.jobs.map(iri)} }
        GRAPH ${graph} {
          { ?resource dct:isPartOf ?job . }
          UNION { ?job task:error ?resource . }
          UNION { ?task dct:isPartOf ?job . ?task task:error ?resource . }
        }
      }`,
      this.options,
    );
    const resources = [...new Set([...input.jobs, ...linked.map((row) => row.resource!.value)])];
    await this.client.update(
      sparql`DELETE { GRAPH ${graph} { ?resource ?p ?o } } WHERE {
        VALUES ?resource { ${resources.map(iri)} }
        GRAPH ${graph} { ?resource ?p ?o . }
      }`,
      this.options,
    );
    return resources;
  }
}

/** A resource with two statuses (or two created dates) yields several rows; keep the first of each. */
function dedupeBy(rows: Record<string, Term>[], key: string): Record<string, Term>[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const value = row[key]?.value;
    if (value === undefined || seen.has(value)) return false;
    seen.add(value);
    return true;
  });
}
