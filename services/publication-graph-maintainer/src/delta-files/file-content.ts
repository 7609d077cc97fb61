/**
 * What goes into delta files (http-contracts §8), pure: outbox records become changesets, changesets are
 * chunked to `MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE` per list and grouped `MAX_DELTAS_PER_FILE` per
 * file, keeping apply order, and a file's changesets are serialised in the lblod JSON form.
 *
 * A consumer applies each changeset's deletes, then its inserts. A record whose lists fit stays one
 * changeset; a larger one becomes delete-only chunks followed by insert-only chunks (the record's own
 * order: its deletes were applied before its inserts).
 */
import { quadToJson, type DeltaTerm, type JsonQuad, type Quad } from '@delta-producer/core';

export interface Changeset {
  deletes: readonly Quad[];
  inserts: readonly Quad[];
}

export interface ChunkLimits {
  /** MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE: triples per list of a changeset. */
  maxTriplesPerOperation: number;
  /** MAX_DELTAS_PER_FILE: changesets per file. */
  maxDeltasPerFile: number;
}

/** A changeset as a delta file carries it: both keys always, `graph` on every triple. */
export interface FileChangeset {
  deletes: JsonQuad<DeltaTerm>[];
  inserts: JsonQuad<DeltaTerm>[];
}

function slices<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** One changeset, or delete-only chunks then insert-only chunks when a list is too long. */
export function chunkChangeset(changeset: Changeset, maxTriplesPerOperation: number): Changeset[] {
  const { deletes, inserts } = changeset;
  if (deletes.length + inserts.length === 0) return [];
  if (deletes.length <= maxTriplesPerOperation && inserts.length <= maxTriplesPerOperation) return [changeset];
  return [...slices(deletes, maxTriplesPerOperation).map((part) => ({ deletes: part, inserts: [] })), ...slices(inserts, maxTriplesPerOperation).map((part) => ({ deletes: [], inserts: part }))];
}

/** The files' changesets, in apply order: chunked, then grouped per file. */
export function groupIntoFiles(changesets: readonly Changeset[], limits: ChunkLimits): Changeset[][] {
  return slices(
    changesets.flatMap((changeset) => chunkChangeset(changeset, limits.maxTriplesPerOperation)),
    limits.maxDeltasPerFile,
  );
}

function withGraph(q: Quad): JsonQuad<DeltaTerm> {
  if (q.graph.termType !== 'NamedNode') throw new TypeError('a delta-file triple needs its graph (the publication graph)');
  return quadToJson(q);
}

/** The JSON value of one file. */
export function fileChangesets(changesets: readonly Changeset[]): FileChangeset[] {
  return changesets.map((changeset) => ({ deletes: changeset.deletes.map(withGraph), inserts: changeset.inserts.map(withGraph) }));
}

/** The file's bytes: compact JSON, or indented by 2 with PRETTY_PRINT_DIFF_JSON. */
export function serialiseFile(content: readonly FileChangeset[], pretty: boolean): string {
  return pretty ? JSON.stringify(content, null, 2) : JSON.stringify(content);
}
