import { Lifecycle, LifecycleStoppedError, type StopOutcome } from '../../../src/runtime/index.js';
import { createCapturingLogger } from '../../support/log-capture.js';

function createLifecycle() {
  const { logger, lines } = createCapturingLogger();
  return { lifecycle: new Lifecycle({ logger }), lines };
}

describe('Lifecycle', () => {
  it('runs stop hooks in reverse registration order, awaiting each before the next', async () => {
    const { lifecycle } = createLifecycle();
    const events: string[] = [];
    lifecycle.onStop('store', () => {
      events.push('store');
    });
    lifecycle.onStop('queue', async () => {
      events.push('queue started');
      await new Promise((resolve) => setTimeout(resolve, 20));
      events.push('queue finished');
    });
    lifecycle.onStop('http', () => {
      events.push('http');
    });

    const outcome = await lifecycle.stop();

    expect(events).toEqual(['http', 'queue started', 'queue finished', 'store']);
    expect(outcome).toEqual({ ok: true, failures: [] });
    expect(lifecycle.state).toBe('stopped');
  });

  it('returns the same promise from a second stop() and runs each hook once', async () => {
    const { lifecycle } = createLifecycle();
    let calls = 0;
    lifecycle.onStop('counted', () => {
      calls++;
    });
    const first = lifecycle.stop();
    const second = lifecycle.stop();
    expect(second).toBe(first);
    await first;
    await lifecycle.stop();
    expect(calls).toBe(1);
  });

  it('keeps stopping after a hook fails and reports the failure', async () => {
    const { lifecycle, lines } = createLifecycle();
    const stopped: string[] = [];
    const failure = new Error('queue would not stop');
    lifecycle.onStop('store', () => void stopped.push('store'));
    lifecycle.onStop('queue', () => Promise.reject(failure));
    lifecycle.onStop('http', () => void stopped.push('http'));

    const outcome = await lifecycle.stop();

    expect(stopped).toEqual(['http', 'store']);
    expect(outcome).toEqual({ ok: false, failures: [{ name: 'queue', error: failure }] });
    expect(lines()).toContainEqual(expect.objectContaining({ level: 50, hook: 'queue', msg: 'failed to stop queue' }));
  });

  it('logs each step', async () => {
    const { lifecycle, lines } = createLifecycle();
    lifecycle.onStop('http', () => undefined);
    await lifecycle.stop();
    expect(lines().map((line) => line.msg)).toEqual(['stopping', 'stopping http', 'stopped http', 'stopped']);
  });

  it('emits typed events', async () => {
    const { lifecycle } = createLifecycle();
    const seen: string[] = [];
    let stoppedWith: StopOutcome | undefined;
    lifecycle.onStop('http', () => undefined);
    lifecycle.on('stopping', () => seen.push('stopping'));
    lifecycle.on('hookStopped', ({ name }) => seen.push(`hookStopped ${name}`));
    lifecycle.on('stopped', (outcome) => {
      seen.push('stopped');
      stoppedWith = outcome;
    });
    await lifecycle.stop();
    expect(seen).toEqual(['stopping', 'hookStopped http', 'stopped']);
    expect(stoppedWith).toEqual({ ok: true, failures: [] });
  });

  it('refuses a stop hook once stopping has begun', async () => {
    const { lifecycle } = createLifecycle();
    const stopping = lifecycle.stop();
    expect(() => lifecycle.onStop('late', () => undefined)).toThrow(LifecycleStoppedError);
    await stopping;
  });
});
