/**
 * Revision-chain decisions, pure. The head of a stream is the dataset no other dataset is a revision
 * of; a crash or a concurrent publisher elsewhere can leave two (the lblod publisher then failed every
 * later run, pitfall 92). Repair links the heads oldest → newest, so the newest stays the one head.
 */
import type { DatasetRecord } from './dataset-repository.js';

const time = (date: Date | undefined) => date?.getTime() ?? 0;

export function byAge(a: DatasetRecord, b: DatasetRecord): number {
  return time(a.issued) - time(b.issued) || time(a.created) - time(b.created) || a.uri.localeCompare(b.uri);
}

/** Links that leave exactly one head: each head becomes a revision of the next-older one. */
export function headRepairLinks(heads: readonly DatasetRecord[]): { next: string; previous: string }[] {
  const sorted = [...heads].sort(byAge);
  return sorted.slice(1).map((dataset, index) => ({ next: dataset.uri, previous: sorted[index]!.uri }));
}

/**
 * Superseded datasets whose successor was published at least `graceMs` ago: a consumer that listed
 * one of them while it was the head has had that long to download its file (pitfall 94).
 */
export function expiredDatasets(datasets: readonly DatasetRecord[], now: Date, graceMs: number): DatasetRecord[] {
  return datasets.filter((dataset) => {
    if (dataset.next.length === 0) return false;
    const superseded = Math.min(...dataset.next.map((next) => time(next.created) || Number.POSITIVE_INFINITY));
    return Number.isFinite(superseded) && superseded + graceMs <= now.getTime();
  });
}
