/**
 * The lifecycle's reads: all of its SPARQL text, written with the `sparql` tag (every term escaped by
 * core's termToSparql; the client declares the prefixes with withPrefixes). Writes go through core's
 * JobRepository (createTask, setStatus, storeError).
 *
 * Every read is restricted to one jobs graph (pitfall 53) and bounded: active jobs only (with a cap),
 * their tasks and the tasks' results containers, by VALUES lists of at most VALUES_CHUNK IRIs, each
 * result read with selectAll (TruncatedResultError rather than a silently cut answer). Multi-valued
 * fields are read in separate queries, never as a product of several multi-valued patterns.
 * VALUES stand outside GRAPH and outside any UNION (docs/virtuoso-quirks.md).
 */
import { CLASSES, STATUS, namedNode, sparql, type SparqlClient, type Term } from '@delta-producer/core';
import { assembleJobs, type ContainerRow, type JobRow, type JobState, type TaskRow } from './job-state.js';

const VALUES_CHUNK = 100;
const SUDO = { sudo: true } as const;

const iri = (value: string) => namedNode(value);

function value(row: Record<string, Term>, key: string): string | undefined {
  return row[key]?.value;
}

function chunks<T>(items: readonly T[], size = VALUES_CHUNK): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

export class LifecycleRepository {
  constructor(private readonly client: Pick<SparqlClient, 'selectAll'>) {}

  /** Active (scheduled or busy) jobs of the operations in the graph, at most `limit`, by IRI. */
  async activeJobs(graph: string, operations: readonly string[], limit: number): Promise<string[]> {
    if (operations.length === 0) return [];
    const rows = await this.client.selectAll(
      sparql`SELECT DISTINCT ?job WHERE {
        VALUES ?operation { ${operations.map(iri)} }
        VALUES ?status { ${iri(STATUS.scheduled)} ${iri(STATUS.busy)} }
        GRAPH ${iri(graph)} {
          ?job a ${iri(CLASSES.job)} ; task:operation ?operation ; adms:status ?status .
        }
      } ORDER BY ?job LIMIT ${limit}`,
      SUDO,
    );
    return rows.map((row) => value(row, 'job')!).filter((job) => job !== undefined);
  }

  /** The jobs (of the operations) that the given tasks are part of, in the graph. */
  async jobsOfTasks(graph: string, tasks: readonly string[], operations: readonly string[]): Promise<string[]> {
    if (tasks.length === 0 || operations.length === 0) return [];
    const jobs = new Set<string>();
    for (const part of chunks(tasks)) {
      const rows = await this.client.selectAll(
        sparql`SELECT DISTINCT ?job WHERE {
          VALUES ?task { ${part.map(iri)} }
          VALUES ?operation { ${operations.map(iri)} }
          GRAPH ${iri(graph)} {
            ?task a ${iri(CLASSES.task)} ; dct:isPartOf ?job .
            ?job a ${iri(CLASSES.job)} ; task:operation ?operation .
          }
        }`,
        SUDO,
      );
      for (const row of rows) {
        const job = value(row, 'job');
        if (job) jobs.add(job);
      }
    }
    return [...jobs];
  }

  /** The jobs with their tasks and the tasks' results containers, read from the graph now. */
  async loadJobs(graph: string, jobs: readonly string[]): Promise<JobState[]> {
    const jobRows: JobRow[] = [];
    const taskRows: TaskRow[] = [];
    const containerRows: ContainerRow[] = [];
    for (const part of chunks(jobs)) {
      const values = sparql`VALUES ?job { ${part.map(iri)} }`;
      const jobResult = await this.client.selectAll(
        sparql`SELECT ?job ?operation ?status ?created ?modified WHERE {
          ${values}
          GRAPH ${iri(graph)} {
            ?job a ${iri(CLASSES.job)} ; task:operation ?operation .
            OPTIONAL { ?job adms:status ?status }
            OPTIONAL { ?job dct:created ?created }
            OPTIONAL { ?job dct:modified ?modified }
          }
        }`,
        SUDO,
      );
      for (const row of jobResult) {
        jobRows.push({ job: value(row, 'job')!, operation: value(row, 'operation')!, status: value(row, 'status'), created: value(row, 'created'), modified: value(row, 'modified') });
      }
      const taskResult = await this.client.selectAll(
        sparql`SELECT ?task ?job ?operation ?status ?index ?created ?modified WHERE {
          ${values}
          GRAPH ${iri(graph)} {
            ?task a ${iri(CLASSES.task)} ; dct:isPartOf ?job .
            OPTIONAL { ?task task:operation ?operation }
            OPTIONAL { ?task adms:status ?status }
            OPTIONAL { ?task task:index ?index }
            OPTIONAL { ?task dct:created ?created }
            OPTIONAL { ?task dct:modified ?modified }
          }
        }`,
        SUDO,
      );
      for (const row of taskResult) {
        taskRows.push({
          task: value(row, 'task')!,
          job: value(row, 'job')!,
          operation: value(row, 'operation'),
          status: value(row, 'status'),
          index: value(row, 'index'),
          created: value(row, 'created'),
          modified: value(row, 'modified'),
        });
      }
      const containerResult = await this.client.selectAll(
        sparql`SELECT ?task ?container WHERE {
          ${values}
          GRAPH ${iri(graph)} { ?task dct:isPartOf ?job ; task:resultsContainer ?container . }
        }`,
        SUDO,
      );
      for (const row of containerResult) {
        const container = row.container;
        // Only IRIs can be copied into task:inputContainer.
        if (container?.termType === 'NamedNode') containerRows.push({ task: value(row, 'task')!, container: container.value });
      }
    }
    return assembleJobs(jobRows, taskRows, containerRows);
  }
}
