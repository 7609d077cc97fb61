/**
 * What running a task means for each kind, given the stream's parts:
 * - healing: one healing run through the outbox (healing-run.ts);
 * - initial sync: into an empty publication graph, the copy of initial-sync-run.ts, its result counted
 *   per predicate and type (the published triples afterwards); into a graph that is not empty (a
 *   re-run, or a run resumed after a crash) a healing run instead, so it converges to Export(source)
 *   whatever an earlier attempt left behind.
 */
import { namedNode, type Logger, type SparqlClient } from '@delta-producer/core';
import type { MaintainerStreamConfig } from '../config/index.js';
import { publicationHasTriplesQuery, publicationPredicateCountsQuery, publicationTypeCountsQuery } from '../healing/healing-queries.js';
import { emptyTally, runHealing, type ChangeTally } from '../healing/healing-run.js';
import { runInitialSync } from '../initial-sync/initial-sync-run.js';
import type { Outbox } from '../live/apply.js';
import type { StreamReconciler } from '../live/reconcile.js';
import type { TaskExecutor } from './stream-task-runner.js';
import type { TaskKind } from './task-repository.js';

export interface TaskExecutorParts {
  stream: MaintainerStreamConfig;
  clients: { source: SparqlClient; publication: SparqlClient; initialSyncWrite: SparqlClient };
  /** Initial sync copies with INSERT … WHERE inside the store. */
  serverSideInitialSync: boolean;
  reconciler: StreamReconciler;
  outbox: Outbox;
  pageSize: number;
  logger: Logger;
}

async function countsBy(client: SparqlClient, query: Parameters<SparqlClient['select']>[0], key: string): Promise<Map<string, number>> {
  const rows = await client.select(query, { sudo: true });
  return new Map(rows.flatMap((row) => (row[key]?.termType === 'NamedNode' ? [[row[key]!.value, Number(row.count?.value ?? 0)] as [string, number]] : [])));
}

/** The tally of an initial sync into an empty graph: everything published was inserted. */
function tallyFromCounts(predicates: Map<string, number>, types: Map<string, number>): ChangeTally {
  const tally = emptyTally();
  for (const [predicate, inserted] of predicates) {
    tally.byPredicate.set(predicate, { inserted, deleted: 0 });
    tally.inserted += inserted;
  }
  for (const [type, inserted] of types) tally.byType.set(type, { inserted, deleted: 0 });
  return tally;
}

export function createTaskExecutors(parts: TaskExecutorParts): Record<TaskKind, TaskExecutor> {
  const { stream, clients, reconciler, outbox, pageSize, logger } = parts;
  const publicationGraph = namedNode(stream.publicationGraph);
  const healing: TaskExecutor = async ({ signal, intakePosition, onProgress }) =>
    runHealing({ stream, clients: { source: clients.source, publication: clients.publication }, reconciler, outbox, pageSize, intakePosition, logger, onProgress }, signal);
  const initialSync: TaskExecutor = async (context) => {
    if (await clients.publication.ask(publicationHasTriplesQuery(publicationGraph), { sudo: true })) {
      logger.info({ stream: stream.name, task: context.task.uri }, 'publication graph is not empty: the initial sync converges it as healing does');
      return healing(context);
    }
    // The graph is empty (checked above): the counts afterwards are what the sync inserted.
    const count = () => Promise.all([countsBy(clients.publication, publicationPredicateCountsQuery(publicationGraph), 'p'), countsBy(clients.publication, publicationTypeCountsQuery(publicationGraph), 'type')]);
    const copied = await runInitialSync(
      {
        stream,
        clients: { source: clients.source, write: clients.initialSyncWrite },
        serverSide: parts.serverSideInitialSync,
        pageSize,
        scope: stream.scopes.initialSyncWrites,
        logger,
        onProgress: context.onProgress,
      },
      context.signal,
    );
    logger.info({ stream: stream.name, task: context.task.uri, copy: parts.serverSideInitialSync ? 'server-side' : 'streamed', resources: copied.resources, triplesWritten: copied.triplesWritten }, 'initial sync copied the export');
    const [after, afterTypes] = await count();
    return tallyFromCounts(after, afterTypes);
  };
  return { initialSync, healing };
}
