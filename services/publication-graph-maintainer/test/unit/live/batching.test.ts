import { DEFAULT_BATCH_LIMITS, fitsInBatch, splitIntoBatches } from '../../../src/live/batching.js';

const limits = { maxRecords: 3, maxQuads: 10 };
const sizes = (batches: number[][]) => batches.map((batch) => batch.join(','));

describe('batching of intake records', () => {
  it('takes consecutive records up to the record limit', () => {
    expect(sizes(splitIntoBatches([1, 1, 1, 1, 1, 1, 1], (quads) => quads, limits))).toEqual(['1,1,1', '1,1,1', '1']);
  });

  it('closes a batch before the quad limit is exceeded', () => {
    expect(sizes(splitIntoBatches([4, 4, 3, 5, 5], (quads) => quads, limits))).toEqual(['4,4', '3,5', '5']);
  });

  it('a record larger than the quad limit is a batch of its own, never dropped', () => {
    expect(sizes(splitIntoBatches([2, 25, 2, 2], (quads) => quads, limits))).toEqual(['2', '25', '2,2']);
  });

  it('keeps the order and every record', () => {
    const items = Array.from({ length: 200 }, (_, index) => ({ index, quads: (index * 37) % 11 }));
    const batches = splitIntoBatches(items, (item) => item.quads, limits);
    expect(batches.flat().map((item) => item.index)).toEqual(items.map((item) => item.index));
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(limits.maxRecords);
      if (batch.length > 1) expect(batch.reduce((sum, item) => sum + item.quads, 0)).toBeLessThanOrEqual(limits.maxQuads);
    }
  });

  it('empty records (no quads) still count against the record limit', () => {
    expect(sizes(splitIntoBatches([0, 0, 0, 0], (quads) => quads, limits))).toEqual(['0,0,0', '0']);
  });

  it('fitsInBatch: the first record always fits', () => {
    expect(fitsInBatch({ records: 0, quads: 0 }, 1_000_000, limits)).toBe(true);
    expect(fitsInBatch({ records: 2, quads: 9 }, 1, limits)).toBe(true);
    expect(fitsInBatch({ records: 2, quads: 9 }, 2, limits)).toBe(false);
    expect(fitsInBatch({ records: 3, quads: 0 }, 0, limits)).toBe(false);
  });

  it('defaults: 50 records or 5 000 quads', () => {
    expect(DEFAULT_BATCH_LIMITS).toEqual({ maxRecords: 50, maxQuads: 5000 });
  });
});
