import fc from 'fast-check';
import { backoffDelay } from '../../../src/sparql/index.js';
import { sleep } from '../../../src/sparql/backoff.js';

describe('backoffDelay (capped exponential, full jitter)', () => {
  const options = { baseDelayMs: 200, maxDelayMs: 10_000 };

  it('stays within [0, min(max, base·2^(attempt−1))]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, options, () => r);
        const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it('grows exponentially until the cap', () => {
    const top = () => 0.999999;
    expect(backoffDelay(1, options, top)).toBe(199);
    expect(backoffDelay(2, options, top)).toBe(399);
    expect(backoffDelay(3, options, top)).toBe(799);
    expect(backoffDelay(6, options, top)).toBe(6399);
    expect(backoffDelay(7, options, top)).toBe(9999);
    expect(backoffDelay(1000, options, top)).toBe(9999);
  });

  it('is jittered down to zero', () => {
    expect(backoffDelay(5, options, () => 0)).toBe(0);
  });

  it('tolerates odd inputs', () => {
    expect(backoffDelay(0, options, () => 0.5)).toBe(100);
    expect(backoffDelay(3, { baseDelayMs: 0, maxDelayMs: 100 }, () => 0.5)).toBe(0);
    expect(backoffDelay(3, options, () => 7)).toBe(800);
  });

  it('uses Math.random by default', () => {
    const delay = backoffDelay(2, options);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(400);
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const started = Date.now();
    await sleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('rejects with the abort reason', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await expect(sleep(10, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});
