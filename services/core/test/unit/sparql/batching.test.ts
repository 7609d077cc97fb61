import fc from 'fast-check';
import { blankNode, literal, namedNode, quad, TermError } from '../../../src/index.js';
import { chunk, halve } from '../../../src/sparql/batching.js';
import { dedupeQuads, writeInBatches } from '../../../src/sparql/index.js';

const G = namedNode('http://example.org/graph');
const P = namedNode('http://example.org/p');
const q = (i: number, graph = G) => quad(namedNode(`http://example.org/s${i}`), P, literal(`v${i}`), graph);

class TooLarge extends Error {}
const isTooLarge = (error: unknown) => error instanceof TooLarge;

/** A writer that refuses batches of more than `limit` items, recording what it accepted. */
function limitedWriter<T>(limit: number, failOn?: (batch: T[]) => boolean) {
  const accepted: T[][] = [];
  const attempts: number[] = [];
  const writer = async (batch: T[]) => {
    attempts.push(batch.length);
    if (failOn?.(batch)) throw new Error('boom');
    if (batch.length > limit) throw new TooLarge(`batch of ${batch.length}`);
    accepted.push(batch);
  };
  return { writer, accepted, attempts };
}

describe('chunk and halve', () => {
  it('chunks into consecutive slices', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });

  it('halves with the extra item first', () => {
    expect(halve([1, 2, 3])).toEqual([[1, 2], [3]]);
    expect(halve([1, 2])).toEqual([[1], [2]]);
  });
});

describe('writeInBatches (halving policy)', () => {
  it('writes everything in order when batches fit', async () => {
    const items = Array.from({ length: 250 }, (_, i) => i);
    const { writer, accepted } = limitedWriter<number>(100);
    const report = await writeInBatches(items, 100, writer, isTooLarge);
    expect(accepted.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(report).toEqual({ requested: 250, unique: 250, written: 250, requests: 3, splits: 0 });
  });

  it('halves a too-large batch recursively until it fits', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const { writer, accepted, attempts } = limitedWriter<number>(30);
    const report = await writeInBatches(items, 100, writer, isTooLarge);
    expect(accepted.flat()).toEqual(items);
    expect(Math.max(...accepted.map((batch) => batch.length))).toBeLessThanOrEqual(30);
    expect(attempts).toEqual([100, 50, 25, 25, 50, 25, 25]);
    expect(report.splits).toBe(3);
    expect(report.requests).toBe(4);
    expect(report.written).toBe(100);
  });

  it('property: any limit ≥ 1 writes every item exactly once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 150 }), async (count, batchSize, limit) => {
        const items = Array.from({ length: count }, (_, i) => i);
        const { writer, accepted } = limitedWriter<number>(limit);
        const report = await writeInBatches(items, batchSize, writer, isTooLarge);
        expect(accepted.flat()).toEqual(items);
        expect(accepted.every((batch) => batch.length <= Math.min(limit, batchSize))).toBe(true);
        expect(report.written).toBe(count);
      }),
    );
  });

  it('propagates the size failure of a single item, with the report so far', async () => {
    const { writer } = limitedWriter<number>(0);
    await expect(writeInBatches([1, 2, 3], 2, writer, isTooLarge)).rejects.toMatchObject({ report: { written: 0, splits: 1 } });
  });

  it('does not split on other failures', async () => {
    const { writer, attempts } = limitedWriter<number>(100, (batch) => batch.includes(150));
    const items = Array.from({ length: 300 }, (_, i) => i);
    await expect(writeInBatches(items, 100, writer, isTooLarge)).rejects.toMatchObject({ message: 'boom', report: { written: 100, requests: 1 } });
    expect(attempts).toEqual([100, 100]);
  });
});

describe('dedupeQuads', () => {
  it('keeps the first occurrence of each quad, in order', () => {
    const quads = [q(1), q(2), q(1), q(3), q(2)];
    expect(dedupeQuads(quads)).toEqual([q(1), q(2), q(3)]);
  });

  it('treats the same triple in two graphs as two quads', () => {
    expect(dedupeQuads([q(1), q(1, namedNode('http://example.org/other'))])).toHaveLength(2);
  });

  it('refuses quads without a named graph, blank nodes and bad IRIs before anything is written', () => {
    expect(() => dedupeQuads([q(1), quad(namedNode('http://example.org/s'), P, literal('x'))])).toThrow(/quads\[1\].*name their graph/);
    expect(() => dedupeQuads([quad(blankNode('b'), P, literal('x'), G)])).toThrow(TermError);
  });
});
