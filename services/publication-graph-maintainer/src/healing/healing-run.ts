/**
 * One healing run of a stream: makes the whole publication graph equal to Export(source) in one pass,
 * with bounded memory.
 *
 * Every resource that matters is visited once, in STR() order: the in-scope resources of each export
 * entry and every resource that owns a triple of the publication graph (subjects, objects of inverse
 * properties — so triples of types or predicates no longer configured and typeless leftovers are
 * found too). They come as keyset pages of each list, merged (resource-merge.ts), and each batch is
 * reconciled exactly as the live path reconciles a delta's resources (expected export vs published
 * triples they own, by value) and committed through the stream's outbox (origin `healing`), so consumers
 * receive healing's changes as delta files and a crash mid-run loses nothing that was applied.
 *
 * A change made to the source while the run reads it is followed by its delta, which the live path
 * applies after the run (the stream's gate holds it meanwhile).
 */
import { namedNode, RDF, type Logger, type NamedNode, type Quad, type SparqlClient } from '@delta-producer/core';
import type { MaintainerStreamConfig } from '../config/index.js';
import { createSourceGraphPolicy, scopeQuery, type SourceGraphPolicy } from '../export/index.js';
import type { Outbox } from '../live/apply.js';
import type { StreamReconciler } from '../live/reconcile.js';
import { publicationOwnersCountQuery, publicationOwnersPageQuery, type OwnerPredicates } from './healing-queries.js';
import { mergeResourceLists, type ResourceList } from './resource-merge.js';
import { countInScope, countRows, listPageSize, type TaskProgress } from './scope-reads.js';

export interface ChangeCounts {
  inserted: number;
  deleted: number;
}

export interface ChangeTally {
  inserted: number;
  deleted: number;
  byPredicate: Map<string, ChangeCounts>;
  /** rdf:type triples per type. */
  byType: Map<string, ChangeCounts>;
}

export function emptyTally(): ChangeTally {
  return { inserted: 0, deleted: 0, byPredicate: new Map(), byType: new Map() };
}

/** Adds applied triples to the tally (pure). */
export function tallyChanges(tally: ChangeTally, triples: readonly Quad[], kind: keyof ChangeCounts): void {
  const bump = (map: Map<string, ChangeCounts>, key: string) => {
    let counts = map.get(key);
    if (!counts) map.set(key, (counts = { inserted: 0, deleted: 0 }));
    counts[kind] += 1;
  };
  for (const triple of triples) {
    tally[kind] += 1;
    bump(tally.byPredicate, triple.predicate.value);
    if (triple.predicate.value === RDF.type && triple.object.termType === 'NamedNode') bump(tally.byType, triple.object.value);
  }
}

export interface HealingRunOptions {
  stream: MaintainerStreamConfig;
  clients: { source: SparqlClient; publication: SparqlClient };
  reconciler: StreamReconciler;
  outbox: Outbox;
  /** Resources per reconcile batch (TASK_PAGE_SIZE). */
  pageSize: number;
  /** The stream's intake position (held still while the run holds the gate); stamped on the outbox records. */
  intakePosition: number;
  logger: Logger;
  onProgress?: (progress: TaskProgress) => Promise<void> | void;
}

export interface HealingResult extends ChangeTally {
  resources: number;
  batches: number;
}

const ENTRY_LIST_PREFIX = 'entry:';
const PUBLICATION_LIST = 'publication';

function iriRows(rows: readonly Record<string, { termType: string; value: string } | undefined>[], name: string): NamedNode[] {
  const resources: NamedNode[] = [];
  for (const row of rows) {
    const term = row[name];
    if (term?.termType === 'NamedNode') resources.push(namedNode(term.value));
  }
  return resources;
}

/** The keyset lists: each entry's in-scope resources, and the owners of published triples. */
export function healingLists(stream: MaintainerStreamConfig, policy: SourceGraphPolicy, clients: HealingRunOptions['clients'], ownerPredicates: OwnerPredicates): ResourceList[] {
  const publicationGraph = namedNode(stream.publicationGraph);
  const sourcePage = listPageSize(clients.source);
  const publicationPage = listPageSize(clients.publication);
  const entryLists = stream.exportConfig.entries.map((entry): ResourceList => ({
    name: `${ENTRY_LIST_PREFIX}${entry.index}`,
    pageSize: sourcePage,
    nextPage: async (after, signal) => {
      const query = scopeQuery(entry, policy, { kind: 'subjectRange', limit: sourcePage, ...(after ? { after } : {}) });
      return iriRows(await clients.source.selectAll(query, { sudo: true, ...(signal ? { signal } : {}) }), 'subject');
    },
  }));
  const owners: ResourceList = {
    name: PUBLICATION_LIST,
    pageSize: publicationPage,
    nextPage: async (after, signal) => {
      const query = publicationOwnersPageQuery(publicationGraph, ownerPredicates, after, publicationPage);
      return iriRows(await clients.publication.selectAll(query, { sudo: true, ...(signal ? { signal } : {}) }), 'resource');
    },
  };
  return [...entryLists, owners];
}

export async function runHealing(options: HealingRunOptions, signal?: AbortSignal): Promise<HealingResult> {
  const { stream, reconciler, outbox, logger } = options;
  const policy = createSourceGraphPolicy(stream.sourceGraphPolicy);
  const { inverse, forward } = reconciler.shape;
  const owners: OwnerPredicates = { inverse, inverseOnly: [...inverse].filter((predicate) => !forward.has(predicate)) };
  const total = (await countInScope(options.clients.source, stream, policy)) + (await countRows(options.clients.publication, publicationOwnersCountQuery(namedNode(stream.publicationGraph), owners)));
  const tally = emptyTally();
  let processed = 0;
  let batches = 0;
  await options.onProgress?.({ processed, total });
  const timings = { listMs: 0, reconcileMs: 0, applyMs: 0 };
  let mark = performance.now();
  for await (const batch of mergeResourceLists(healingLists(stream, policy, options.clients, owners), options.pageSize, signal)) {
    timings.listMs += performance.now() - mark;
    mark = performance.now();
    const inScope = new Map<number, NamedNode[]>();
    for (const { resource, lists } of batch) {
      for (const list of lists) {
        if (!list.startsWith(ENTRY_LIST_PREFIX)) continue;
        const index = Number(list.slice(ENTRY_LIST_PREFIX.length));
        let members = inScope.get(index);
        if (!members) inScope.set(index, (members = []));
        members.push(resource);
      }
    }
    const result = await reconciler.reconcileResources(
      batch.map(({ resource }) => resource),
      { inScope, ...(signal ? { signal } : {}) },
    );
    timings.reconcileMs += performance.now() - mark;
    mark = performance.now();
    const { deletes, inserts } = result.diff;
    if (deletes.length + inserts.length > 0) {
      await outbox.commit([options.intakePosition, options.intakePosition], result.diff, signal, 'healing');
      tallyChanges(tally, deletes, 'deleted');
      tallyChanges(tally, inserts, 'inserted');
    }
    timings.applyMs += performance.now() - mark;
    processed += batch.length;
    batches += 1;
    logger.debug({ stream: stream.name, processed, total, deletes: deletes.length, inserts: inserts.length }, 'healing batch applied');
    await options.onProgress?.({ processed, total: Math.max(total, processed) });
    mark = performance.now();
  }
  logger.info({ stream: stream.name, resources: processed, batches, inserted: tally.inserted, deleted: tally.deleted, ...Object.fromEntries(Object.entries(timings).map(([key, ms]) => [key, Math.round(ms)])) }, 'healing pass done');
  return { ...tally, resources: processed, batches };
}
