/**
 * One initial sync of a stream: fills the (empty) publication graph with Export(source).
 *
 * Per export entry, the in-scope resources are listed by keyset pages (`scopeQuery` subjectRange) and
 * copied a page of TASK_PAGE_SIZE resources at a time with THE export query for those resources
 * (`inScope` selection; one query per query group, `healingOptions.queryChunkSize` honoured):
 * - server-side (`INSERT … WHERE`, nothing crosses the wire) when the writes go straight to the store
 *   that holds the source (skipMuAuthInitialSync and PUBLICATION_VIRTUOSO_ENDPOINT = VIRTUOSO_ENDPOINT);
 *   a page of resources keeps each transaction far below Virtuoso's limits;
 * - otherwise streamed: the page's triples are read and written with INSERT DATA (batches of
 *   healingInitialBatchSizeInsert, halved by the client on size errors).
 * No outbox, no delta files: consumers bootstrap from the dump.
 *
 * A publication graph that is not empty (a re-run, or a run resumed after a crash) is converged like
 * healing instead (the caller does that), so leftovers of an earlier attempt never stay.
 */
import { namedNode, quad as makeQuad, TruncatedResultError, type Logger, type NamedNode, type SparqlClient } from '@delta-producer/core';
import type { MaintainerStreamConfig } from '../config/index.js';
import { createSourceGraphPolicy, exportedTriplesFromRows, exportQuery, exportQueryGroups, scopeQuery, type ExportEntry, type ExportQueryGroup } from '../export/index.js';
import { countInScope, listPageSize, type TaskProgress } from '../healing/scope-reads.js';
import { chunks } from '../live/ownership.js';
import { serverSideCopyUpdate } from './initial-sync-queries.js';

export interface InitialSyncOptions {
  stream: MaintainerStreamConfig;
  clients: { source: SparqlClient; write: SparqlClient };
  /** Copy with INSERT … WHERE in the store (see the module comment). */
  serverSide: boolean;
  /** Resources per copy step (TASK_PAGE_SIZE). */
  pageSize: number;
  /** mu-call-scope-id / mu-auth-scope of the writes. */
  scope: string;
  logger: Logger;
  onProgress?: (progress: TaskProgress) => Promise<void> | void;
}

export interface InitialSyncResult {
  resources: number;
  /** Triples written (streamed copy); undefined for a server-side copy, which does not return them. */
  triplesWritten: number | undefined;
}

export async function runInitialSync(options: InitialSyncOptions, signal?: AbortSignal): Promise<InitialSyncResult> {
  const { stream, clients, logger } = options;
  const policy = createSourceGraphPolicy(stream.sourceGraphPolicy);
  const publicationGraph = namedNode(stream.publicationGraph);
  const callOptions = { sudo: true, callScopeId: options.scope, authScope: options.scope, ...(signal ? { signal } : {}) };
  const readOptions = { sudo: true, ...(signal ? { signal } : {}) };
  const listLimit = listPageSize(clients.source);

  const total = await countInScope(clients.source, stream, policy);
  let processed = 0;
  let triplesWritten = 0;
  await options.onProgress?.({ processed, total });

  /** Streamed copy of one group for some resources; a result cut by the row limit is read in halves. */
  const streamCopy = async (entry: ExportEntry, group: ExportQueryGroup, resources: readonly NamedNode[]): Promise<void> => {
    let rows;
    try {
      rows = await clients.source.selectAll(exportQuery(entry, policy, { kind: 'inScope', resources }, { parts: group.parts }), readOptions);
    } catch (error) {
      if (!(error instanceof TruncatedResultError) || resources.length === 1) throw error;
      const half = Math.ceil(resources.length / 2);
      await streamCopy(entry, group, resources.slice(0, half));
      await streamCopy(entry, group, resources.slice(half));
      return;
    }
    const quads = exportedTriplesFromRows(rows).map(({ quad }) => makeQuad(quad.subject, quad.predicate, quad.object, publicationGraph));
    if (quads.length > 0) await clients.write.insertData(quads, { ...callOptions, batchSize: stream.writeBatchSize });
    triplesWritten += quads.length;
  };

  const copy = async (entry: ExportEntry, resources: readonly NamedNode[]) => {
    for (const group of exportQueryGroups(entry)) {
      for (const chunk of chunks(resources, Math.min(options.pageSize, group.queryChunkSize ?? options.pageSize))) {
        if (options.serverSide) await clients.write.update(serverSideCopyUpdate(exportQuery(entry, policy, { kind: 'inScope', resources: chunk }, { parts: group.parts }), publicationGraph), callOptions);
        else await streamCopy(entry, group, chunk);
      }
    }
  };

  for (const entry of stream.exportConfig.entries) {
    let after: NamedNode | undefined;
    for (;;) {
      signal?.throwIfAborted();
      const rows = await clients.source.selectAll(scopeQuery(entry, policy, { kind: 'subjectRange', limit: listLimit, ...(after ? { after } : {}) }), readOptions);
      const resources = rows.flatMap((row) => (row.subject?.termType === 'NamedNode' ? [namedNode(row.subject.value)] : []));
      for (const chunk of chunks(resources, options.pageSize)) {
        await copy(entry, chunk);
        processed += chunk.length;
        await options.onProgress?.({ processed, total: Math.max(total, processed) });
      }
      logger.debug({ stream: stream.name, entry: entry.index, processed, total }, 'initial sync page copied');
      if (rows.length < listLimit || resources.length === 0) break;
      after = resources.at(-1);
    }
  }
  return { resources: processed, triplesWritten: options.serverSide ? undefined : triplesWritten };
}
