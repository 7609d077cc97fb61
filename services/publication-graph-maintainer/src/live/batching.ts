/**
 * Pure rules of the live path's batching: which consecutive intake records one iteration of a stream
 * worker handles together. A batch takes records in log order while it stays within both limits; the
 * first record always fits (a single record larger than the quad limit is a batch of its own).
 */

export interface BatchLimits {
  /** Intake records per batch. */
  maxRecords: number;
  /** Changed quads (requested and effective) per batch. */
  maxQuads: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxRecords: 50, maxQuads: 5000 };

export interface BatchSize {
  records: number;
  quads: number;
}

/** Whether a record of `quads` quads may join a batch that already holds `current`. */
export function fitsInBatch(current: BatchSize, quads: number, limits: BatchLimits): boolean {
  if (current.records === 0) return true;
  return current.records + 1 <= limits.maxRecords && current.quads + quads <= limits.maxQuads;
}

/** Consecutive groups of `items`, each a batch under `limits` (order kept, nothing dropped). */
export function splitIntoBatches<T>(items: readonly T[], quadsOf: (item: T) => number, limits: BatchLimits): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size: BatchSize = { records: 0, quads: 0 };
  for (const item of items) {
    const quads = quadsOf(item);
    if (!fitsInBatch(size, quads, limits)) {
      batches.push(current);
      current = [];
      size = { records: 0, quads: 0 };
    }
    current.push(item);
    size = { records: size.records + 1, quads: size.quads + quads };
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
