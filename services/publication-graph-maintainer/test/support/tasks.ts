/**
 * Initial-sync and healing tasks for the task tests: created as the jobs-initiator creates them (one
 * guarded update through the gateway, so the scheduled-status delta reaches the maintainer), and read
 * back (status, errors, results container, progress).
 */
import { randomUUID } from 'node:crypto';
import { CREATORS, JobRepository, TASK_OPERATIONS, TASK_REPORTING, type SparqlClient } from '@delta-producer/core';
import type { MaintainerStreamConfig } from '../../src/config/index.js';

export type TaskKindName = 'initialSync' | 'healing';

/** A client whose updates go through the gateway's /sparql (deltas), sudo. */
export async function scheduleTask(client: SparqlClient, stream: MaintainerStreamConfig, kind: TaskKindName, options: { jobOperation?: string; taskOperation?: string } = {}): Promise<{ job: string; task: string }> {
  const jobs = new JobRepository(client);
  const created = await jobs.createJobWithTask({
    graph: stream.jobsGraph,
    creator: CREATORS.jobsInitiator,
    jobOperation: options.jobOperation ?? stream.jobOperations[kind],
    taskOperation: options.taskOperation ?? TASK_OPERATIONS[kind],
    jobUuid: randomUUID(),
    taskUuid: randomUUID(),
  });
  if (!created) throw new Error('task not created');
  return created;
}

export interface TaskState {
  status: string | undefined;
  errors: string[];
  inserted: number | undefined;
  deleted: number | undefined;
  processed: number | undefined;
  total: number | undefined;
  /** predicate → [inserted, deleted] */
  byPredicate: Map<string, [number, number]>;
}

export async function readTask(client: SparqlClient, graph: string, task: string): Promise<TaskState> {
  const status = await client.select(`SELECT ?status WHERE { GRAPH <${graph}> { <${task}> <http://www.w3.org/ns/adms#status> ?status } }`);
  const errors = await client.select(`SELECT ?message WHERE { GRAPH <${graph}> { <${task}> <http://redpencil.data.gift/vocabularies/tasks/error> ?error . ?error <http://open-services.net/ns/core#message> ?message } }`);
  const results = await client.select(`SELECT ?inserted ?deleted WHERE { GRAPH <${graph}> { <${task}> <http://redpencil.data.gift/vocabularies/tasks/resultsContainer> ?c . ?c <${TASK_REPORTING.inserted}> ?inserted ; <${TASK_REPORTING.deleted}> ?deleted } }`);
  const progress = await client.select(`SELECT ?processed ?total WHERE { GRAPH <${graph}> { <${task}> <${TASK_REPORTING.processed}> ?processed ; <${TASK_REPORTING.total}> ?total } }`);
  const counts = await client.select(`SELECT ?p ?inserted ?deleted WHERE { GRAPH <${graph}> { <${task}> <http://redpencil.data.gift/vocabularies/tasks/resultsContainer> ?c . ?c <${TASK_REPORTING.count}> ?n . ?n <${TASK_REPORTING.countedPredicate}> ?p ; <${TASK_REPORTING.inserted}> ?inserted ; <${TASK_REPORTING.deleted}> ?deleted } }`);
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return {
    status: status[0]?.status?.value.split('/').at(-1),
    errors: errors.map((row) => row.message!.value),
    inserted: number(results[0]?.inserted?.value),
    deleted: number(results[0]?.deleted?.value),
    processed: number(progress[0]?.processed?.value),
    total: number(progress[0]?.total?.value),
    byPredicate: new Map(counts.map((row) => [row.p!.value, [Number(row.inserted!.value), Number(row.deleted!.value)]])),
  };
}

/** Polls until the task is success or failed (or the time is up). */
export async function waitForTaskEnd(client: SparqlClient, graph: string, task: string, timeoutMs = 60_000): Promise<TaskState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readTask(client, graph, task);
    if (state.status === 'success' || state.status === 'failed') return state;
    if (Date.now() > deadline) throw new Error(`task ${task} still ${state.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
