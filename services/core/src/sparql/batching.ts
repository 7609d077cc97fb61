/**
 * Batched writes (B1 #3): `INSERT DATA` / `DELETE DATA` in batches of `batchSize` quads; a batch that
 * fails because it is too large for the store is split in half, recursively, down to one quad, whose
 * failure then propagates. The policy is pure over an injected writer so it can be tested without a store.
 */
import type { Quad } from '@rdfjs/types';
import { TermError, termToSparql, tripleToSparql } from '../rdf/terms.js';

export interface BatchWriteReport {
  /** Quads passed in. */
  requested: number;
  /** Distinct quads after deduplication (all written when the call resolves). */
  unique: number;
  /** Quads written so far (equals `unique` on success). */
  written: number;
  /** Successful write requests. */
  requests: number;
  /** Batches that failed as too large and were split in half. */
  splits: number;
}

export interface BatchOptions {
  /** Quads per request (default 100, the ecosystem's usual size). */
  batchSize?: number;
}

export const DEFAULT_BATCH_SIZE = 100;

/** Key of a quad as it is written into SPARQL; throws TermError for what cannot be written. */
export function writableQuadKey(q: Quad): string {
  if (q.graph.termType !== 'NamedNode') throw new TermError('quads written by the suite must name their graph');
  return `${termToSparql(q.graph)} ${tripleToSparql(q)}`;
}

/**
 * The distinct quads, first occurrence kept, in input order. Every quad is validated here (named
 * graph, valid IRIs, no blank nodes), so a bad quad fails the call before anything is written.
 */
export function dedupeQuads(quads: Iterable<Quad>): Quad[] {
  const seen = new Set<string>();
  const result: Quad[] = [];
  let index = 0;
  for (const q of quads) {
    let key: string;
    try {
      key = writableQuadKey(q);
    } catch (error) {
      if (error instanceof TermError) throw new TermError(error.message, `quads[${index}]`);
      throw error;
    }
    index += 1;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(q);
  }
  return result;
}

/** Consecutive slices of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** The two halves a too-large batch is split into (the first one gets the extra item). */
export function halve<T>(items: readonly T[]): [T[], T[]] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}

/**
 * Writes `items` with `writer` in batches of `batchSize`, sequentially. When `isSizeFailure(error)`
 * says a batch was too large, the batch is halved and both halves are written the same way; a single
 * item that is still too large, and every other error, propagates (the report is attached to the error
 * as `report`). Each batch starts again at `batchSize`.
 */
export async function writeInBatches<T>(
  items: readonly T[],
  batchSize: number,
  writer: (batch: T[]) => Promise<void>,
  isSizeFailure: (error: unknown) => boolean,
  requested = items.length,
): Promise<BatchWriteReport> {
  const report: BatchWriteReport = { requested, unique: items.length, written: 0, requests: 0, splits: 0 };
  const write = async (batch: T[]): Promise<void> => {
    try {
      await writer(batch);
    } catch (error) {
      if (batch.length > 1 && isSizeFailure(error)) {
        report.splits += 1;
        const [first, second] = halve(batch);
        await write(first);
        await write(second);
        return;
      }
      throw error;
    }
    report.requests += 1;
    report.written += batch.length;
  };
  try {
    for (const batch of chunk(items, batchSize)) await write(batch);
  } catch (error) {
    if (typeof error === 'object' && error !== null) Object.assign(error, { report: { ...report } });
    throw error;
  }
  return report;
}
