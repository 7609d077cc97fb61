/** Reads shared by initial sync and healing: list page sizes and the resource counts behind progress. */
import { type SparqlClient, type SparqlQuery } from '@delta-producer/core';
import type { MaintainerStreamConfig } from '../config/index.js';
import { scopeCountQuery, type SourceGraphPolicy } from '../export/index.js';

/** Resources per list page (ORDER BY … LIMIT; below Virtuoso's ResultSetMaxRows and MaxSortedTopRows). */
export const LIST_PAGE_SIZE = 5000;

export interface TaskProgress {
  processed: number;
  /** Estimate made at the start. */
  total: number;
}

/** A list page that fits under the client's row limit (a full page must not look truncated). */
export function listPageSize(client: SparqlClient): number {
  return Math.max(1, Math.min(LIST_PAGE_SIZE, client.maxRows - 1));
}

export async function countRows(client: SparqlClient, query: SparqlQuery): Promise<number> {
  const rows = await client.select(query, { sudo: true });
  const value = Number(rows[0]?.count?.value ?? 0);
  return Number.isFinite(value) ? value : 0;
}

/** Resources in scope, summed over the stream's entries (a resource of two entries counts twice). */
export async function countInScope(client: SparqlClient, stream: MaintainerStreamConfig, policy: SourceGraphPolicy): Promise<number> {
  let total = 0;
  for (const entry of stream.exportConfig.entries) total += await countRows(client, scopeCountQuery(entry, policy));
  return total;
}

