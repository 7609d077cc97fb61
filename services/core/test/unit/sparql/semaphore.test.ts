import { Semaphore } from '../../../src/sparql/index.js';

describe('Semaphore', () => {
  it('never runs more than its capacity at once', async () => {
    const semaphore = new Semaphore(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        semaphore.run(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(semaphore.inUse).toBe(0);
  });

  it('releases on failure and only once per permit', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    const release = await semaphore.acquire();
    release();
    release();
    expect(semaphore.inUse).toBe(0);
  });

  it('stops waiting when aborted', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    expect(semaphore.queued).toBe(1);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(semaphore.queued).toBe(0);
    release();
    expect(semaphore.inUse).toBe(0);
  });

  it('rejects a bad capacity', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
