/**
 * Pure part of healing's walk over resources: several keyset-paged lists of IRIs (each entry's
 * in-scope resources, the owners of published triples), each ordered by the store's `STR()` order,
 * merged into one ordered, de-duplicated sequence of batches. Memory: one page per list plus a batch.
 *
 * The store orders strings by code point (UTF-8 bytes); JavaScript's `<` compares UTF-16 code units,
 * which differs for characters above U+FFFF against U+E000–U+FFFF: `compareCodePoints` follows the store.
 * (Were the two orders ever to disagree, a resource could come twice — harmless, healing a resource is
 * idempotent — but never be skipped: each list is read to its end by the store's own keyset.)
 */
import type { NamedNode } from '@delta-producer/core';

export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // One half of a pair against a BMP character: the pair encodes a code point above U+FFFF.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** One keyset-paged list: the next page after `after` (undefined = from the start), in store order. */
export interface ResourceList {
  readonly name: string;
  readonly pageSize: number;
  nextPage(after: NamedNode | undefined, signal?: AbortSignal): Promise<NamedNode[]>;
}

interface Cursor {
  list: ResourceList;
  buffer: NamedNode[];
  after: NamedNode | undefined;
  exhausted: boolean;
}

export interface MergedResource {
  readonly resource: NamedNode;
  /** Names of the lists it was found in. */
  readonly lists: readonly string[];
}

/** The resources of every list, merged in code-point order, each once, in batches of `batchSize`. */
export async function* mergeResourceLists(lists: readonly ResourceList[], batchSize: number, signal?: AbortSignal): AsyncGenerator<MergedResource[], void, undefined> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const cursors: Cursor[] = lists.map((list) => ({ list, buffer: [], after: undefined, exhausted: false }));
  const refill = async (cursor: Cursor) => {
    if (cursor.buffer.length > 0 || cursor.exhausted) return;
    const page = await cursor.list.nextPage(cursor.after, signal);
    if (page.length > cursor.list.pageSize) throw new RangeError(`list ${cursor.list.name} returned ${page.length} resources for a page of ${cursor.list.pageSize}`);
    if (page.length < cursor.list.pageSize) cursor.exhausted = true;
    const last = page.at(-1);
    if (last && cursor.after && compareCodePoints(last.value, cursor.after.value) <= 0) throw new Error(`list ${cursor.list.name} did not advance past ${cursor.after.value}`);
    if (last) cursor.after = last;
    cursor.buffer = page;
  };
  let batch: MergedResource[] = [];
  for (;;) {
    signal?.throwIfAborted();
    for (const cursor of cursors) await refill(cursor);
    let smallest: NamedNode | undefined;
    for (const cursor of cursors) {
      const head = cursor.buffer[0];
      if (head && (!smallest || compareCodePoints(head.value, smallest.value) < 0)) smallest = head;
    }
    if (!smallest) break;
    const found: string[] = [];
    for (const cursor of cursors) {
      if (cursor.buffer[0]?.value !== smallest.value) continue;
      found.push(cursor.list.name);
      cursor.buffer.shift();
    }
    batch.push({ resource: smallest, lists: found });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
