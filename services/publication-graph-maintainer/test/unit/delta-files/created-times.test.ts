import fc from 'fast-check';
import { isoMillis, nextCreatedTimes } from '../../../src/delta-files/created-times.js';

describe('created times of delta files', () => {
  it('follow the clock when it moves forward', () => {
    expect(nextCreatedTimes(1000, 5000, 1)).toEqual([5000]);
    expect(nextCreatedTimes(undefined, 5000, 1)).toEqual([5000]);
  });

  it('are unique within one clock reading (several files in the same millisecond)', () => {
    expect(nextCreatedTimes(4999, 5000, 4)).toEqual([5000, 5001, 5002, 5003]);
  });

  it('never step back when the clock does', () => {
    expect(nextCreatedTimes(9000, 5000, 2)).toEqual([9001, 9002]);
  });

  it('are strictly increasing, ms-precise and after the last one, for any clock', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 0, max: 2 ** 42 }), { nil: undefined }), fc.double({ min: 0, max: 2 ** 42, noNaN: true }), fc.integer({ min: 0, max: 50 }), (last, now, count) => {
        const times = nextCreatedTimes(last, now, count);
        expect(times).toHaveLength(count);
        times.forEach((time, index) => {
          expect(Number.isInteger(time)).toBe(true);
          expect(time).toBeGreaterThan(index === 0 ? (last ?? -Infinity) : times[index - 1]!);
          expect(time).toBeGreaterThanOrEqual(Math.floor(now));
        });
      }),
    );
  });

  it('are written as ISO-8601 UTC with three fractional digits', () => {
    expect(isoMillis(Date.UTC(2025, 2, 1, 10, 11, 12, 5))).toBe('2025-03-01T10:11:12.005Z');
  });
});
