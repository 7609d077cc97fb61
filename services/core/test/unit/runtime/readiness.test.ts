import { DuplicateReadinessCheckError, ReadinessChecks } from '../../../src/runtime/index.js';

describe('ReadinessChecks', () => {
  it('is ready with no checks', async () => {
    expect(await new ReadinessChecks().run()).toEqual({ ready: true, checks: [] });
  });

  it('reports each check, and is unready when one throws', async () => {
    const readiness = new ReadinessChecks();
    readiness.register('triplestore', () => undefined);
    readiness.register('jobs queue', async () => {
      throw new Error('connection refused');
    });
    expect(await readiness.run()).toEqual({
      ready: false,
      checks: [
        { name: 'triplestore', status: 'pass' },
        { name: 'jobs queue', status: 'fail', error: 'connection refused' },
      ],
    });
  });

  it('fails a check that outlasts the timeout and aborts its signal', async () => {
    const readiness = new ReadinessChecks({ timeoutMs: 20 });
    let signal: AbortSignal | undefined;
    readiness.register('hanging', (given) => {
      signal = given;
      return new Promise(() => undefined);
    });
    expect(await readiness.run()).toEqual({ ready: false, checks: [{ name: 'hanging', status: 'fail', error: 'timed out after 20 ms' }] });
    expect(signal?.aborted).toBe(true);
  });

  it('can remove a check and refuses duplicate names', async () => {
    const readiness = new ReadinessChecks();
    const unregister = readiness.register('flaky', () => {
      throw new Error('down');
    });
    expect(() => readiness.register('flaky', () => undefined)).toThrow(DuplicateReadinessCheckError);
    unregister();
    expect((await readiness.run()).ready).toBe(true);
  });
});
