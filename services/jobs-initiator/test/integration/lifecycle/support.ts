/**
 * Shared set-up of the lifecycle's integration tests: streams in a fresh jobs graph, jobs written as
 * the initiator writes them (core's createJobWithTask: job busy, task scheduled), workers simulated by
 * status moves, and reads of what the lifecycle wrote. Everything over HTTP on a real store.
 */
import { v4 as uuidv4 } from 'uuid';
import {
  CREATORS,
  namedNode,
  PREDICATES,
  quad,
  sparql,
  STATUS,
  TASK_OPERATIONS,
  type Changeset,
  type JobRepository,
  type SparqlClient,
  type StatusName,
  type TaskRecord,
} from '@delta-producer/core';
import type { InitiatorConfig } from '../../../src/config/initiator-config.js';
import type { JobKind, StreamConfig } from '../../../src/config/stream-config.js';

export const TASK_OPS: Record<JobKind, string> = { initialSync: TASK_OPERATIONS.initialSync, healing: TASK_OPERATIONS.healing, dump: TASK_OPERATIONS.dump };

export function uniqueGraph(label = 'jobs'): string {
  return `http://test.example/lifecycle/${label}/${uuidv4()}`;
}

/** A stream with operations of its own (a uuid in each), in `jobsGraph`. */
export function testStream(jobsGraph: string, overrides: Partial<StreamConfig> = {}): StreamConfig {
  const name = overrides.name ?? `s${uuidv4().slice(0, 8)}`;
  const base = 'http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas';
  return {
    name,
    jobsGraph,
    jobOperations: {
      initialSync: `${base}/initialPublicationGraphSyncing/${name}-${uuidv4()}`,
      healing: `${base}/healingOperation/${name}-${uuidv4()}`,
      dump: `${base}/deltaDumpFileCreation/${name}-${uuidv4()}`,
    },
    startInitialSync: false,
    cron: { timeZone: 'UTC' },
    healingWaitsForInitialSync: true,
    errorCreatorUri: `${CREATORS.jobsInitiator}/${name}`,
    failedInitialSyncPolicy: 'retry',
    manageJobLifecycle: true,
    ...overrides,
  };
}

export function testConfig(streams: StreamConfig[]): Pick<InitiatorConfig, 'streams' | 'taskOperations' | 'lifecycleScanIntervalMs'> {
  return { streams, taskOperations: TASK_OPS, lifecycleScanIntervalMs: 60_000 };
}

/** A job and its first task exactly as the initiator writes them. */
export async function createJob(repository: JobRepository, stream: StreamConfig, kind: JobKind, now?: Date): Promise<{ job: string; task: string }> {
  const created = await repository.createJobWithTask({
    graph: stream.jobsGraph,
    jobOperation: stream.jobOperations[kind],
    taskOperation: TASK_OPS[kind],
    creator: CREATORS.jobsInitiator,
    now,
  });
  return created!;
}

/** What a worker does: scheduled → busy → `to` (status and dct:modified), in the task's graph. */
export async function finishTask(repository: JobRepository, graph: string, task: string, to: StatusName, now?: Date): Promise<void> {
  await repository.setStatus({ subject: task, graph, to: 'busy', now });
  await repository.setStatus({ subject: task, graph, to, now });
}

export async function addResultsContainers(client: SparqlClient, graph: string, task: string, containers: string[]): Promise<void> {
  await client.update(
    sparql`INSERT DATA { GRAPH ${namedNode(graph)} { ${containers.map((container) => sparql`${namedNode(task)} ${namedNode(PREDICATES.resultsContainer)} ${namedNode(container)} .`)} } }`,
    { sudo: true },
  );
}

/** The delta a status move produces (what delta-notifier would post). */
export function statusDelta(graph: string, task: string, to: StatusName, from: StatusName = 'busy'): Changeset[] {
  const status = (name: StatusName) => quad(namedNode(task), namedNode(PREDICATES.status), namedNode(STATUS[name]), namedNode(graph));
  return [{ inserts: [status(to)], deletes: [status(from)] }];
}

export async function tasksOf(repository: JobRepository, graph: string, job: string): Promise<TaskRecord[]> {
  const tasks = await repository.findTasks({ graph, job });
  return tasks.sort((a, b) => (a.index ?? '').localeCompare(b.index ?? ''));
}

export async function statusOf(client: SparqlClient, graph: string, subject: string): Promise<string[]> {
  const rows = await client.select(sparql`SELECT ?status WHERE { GRAPH ${namedNode(graph)} { ${namedNode(subject)} adms:status ?status } }`, { sudo: true });
  return rows.map((row) => row.status!.value.replace(/^.*\//, '')).sort();
}

export async function objectsOf(client: SparqlClient, graph: string, subject: string, predicate: string): Promise<string[]> {
  const rows = await client.select(sparql`SELECT ?o WHERE { GRAPH ${namedNode(graph)} { ${namedNode(subject)} ${namedNode(predicate)} ?o } }`, { sudo: true });
  return rows.map((row) => row.o!.value).sort();
}

export interface ErrorResource {
  uri: string;
  message: string;
  subject?: string;
  creator?: string;
  types: string[];
}

/** The error resources linked from a subject by task:error. */
export async function errorsOf(client: SparqlClient, graph: string, owner: string): Promise<ErrorResource[]> {
  const errors = await objectsOf(client, graph, owner, PREDICATES.taskError);
  const result: ErrorResource[] = [];
  for (const uri of errors) {
    result.push({
      uri,
      message: (await objectsOf(client, graph, uri, PREDICATES.message))[0] ?? '',
      subject: (await objectsOf(client, graph, uri, PREDICATES.subject))[0],
      creator: (await objectsOf(client, graph, uri, PREDICATES.creator))[0],
      types: await objectsOf(client, graph, uri, 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type'),
    });
  }
  return result;
}

export async function clearGraphs(client: SparqlClient, graphs: string[]): Promise<void> {
  for (const graph of graphs) await client.update(sparql`DELETE WHERE { GRAPH ${namedNode(graph)} { ?s ?p ?o } }`, { sudo: true });
}

/** Polls until `check` resolves true. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
