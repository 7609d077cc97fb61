import fc from 'fast-check';
import { namedNode, type NamedNode } from '@delta-producer/core';
import { compareCodePoints, mergeResourceLists, type ResourceList } from '../../../src/healing/resource-merge.js';

/** A keyset list over a fixed set of IRIs, paged as a store pages `STR(?x) > after ORDER BY STR(?x) LIMIT n`. */
function list(name: string, iris: string[], pageSize: number, calls: { count: number } = { count: 0 }): ResourceList {
  const sorted = [...new Set(iris)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return {
    name,
    pageSize,
    nextPage: async (after?: NamedNode) => {
      calls.count += 1;
      const start = after ? sorted.findIndex((iri) => Buffer.compare(Buffer.from(iri), Buffer.from(after.value)) > 0) : 0;
      return (start < 0 ? [] : sorted.slice(start, start + pageSize)).map((iri) => namedNode(iri));
    },
  };
}

async function collect(lists: ResourceList[], batchSize: number) {
  const batches = [];
  for await (const batch of mergeResourceLists(lists, batchSize)) batches.push(batch);
  return batches;
}

describe('compareCodePoints', () => {
  it('orders like UTF-8 bytes (the store), also where UTF-16 code units disagree', () => {
    // U+1D518 (a surrogate pair in UTF-16) sorts after U+FF01 by code point, before it by code unit.
    const astral = 'http://x/\u{1D518}';
    const highBmp = 'http://x/\uFF01';
    expect(astral < highBmp).toBe(true);
    expect(compareCodePoints(astral, highBmp)).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
    );
  });
});

describe('mergeResourceLists', () => {
  it('yields every resource of every list once, in order, in batches, with the lists it came from', async () => {
    const a = ['http://r/1', 'http://r/3', 'http://r/5', 'http://r/7'];
    const b = ['http://r/2', 'http://r/3', 'http://r/7', 'http://r/8'];
    const batches = await collect([list('a', a, 2), list('b', b, 3), list('empty', [], 2)], 4);
    expect(batches.map((batch) => batch.length)).toEqual([4, 2]);
    const flat = batches.flat();
    expect(flat.map(({ resource }) => resource.value)).toEqual(['http://r/1', 'http://r/2', 'http://r/3', 'http://r/5', 'http://r/7', 'http://r/8'].sort());
    expect(flat.find(({ resource }) => resource.value === 'http://r/3')!.lists).toEqual(['a', 'b']);
    expect(flat.find(({ resource }) => resource.value === 'http://r/8')!.lists).toEqual(['b']);
  });

  it('reads each list page by page (bounded memory), to its end', async () => {
    const calls = { count: 0 };
    const iris = Array.from({ length: 25 }, (_, i) => `http://r/${String(i).padStart(3, '0')}`);
    const flat = (await collect([list('a', iris, 10, calls)], 4)).flat();
    expect(flat).toHaveLength(25);
    expect(calls.count).toBe(3);
  });

  it('property: the merge is the sorted union of the lists, whatever the page and batch sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'é', '~', '\uFF01', '\u{1D518}', '\u{1F600}'), minLength: 1, maxLength: 4 }), { maxLength: 30 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        async (lists, pageSize, batchSize) => {
          const iris = lists.map((items) => items.map((item) => `http://r/${item}`));
          const flat = (await collect(iris.map((items, index) => list(`l${index}`, items, pageSize)), batchSize)).flat().map(({ resource }) => resource.value);
          const union = [...new Set(iris.flat())].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
          expect(flat).toEqual(union);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a list that does not advance (a store ignoring the keyset would spin forever)', async () => {
    const stuck: ResourceList = { name: 'stuck', pageSize: 1, nextPage: async () => [namedNode('http://r/1')] };
    await expect(collect([stuck], 5)).rejects.toThrow(/did not advance/);
  });
});
