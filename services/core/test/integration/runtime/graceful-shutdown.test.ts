import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChildService, fixturePath } from '../../support/child-service.js';

const slowService = fixturePath('fixtures/runtime/slow-service.ts');

function openConnection(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

describe('graceful shutdown of a service process', () => {
  let service: ChildService | undefined;

  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  function startSlowService(env: Record<string, string>): ChildService {
    service = new ChildService(slowService, { PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env });
    return service;
  }

  async function portOf(child: ChildService): Promise<number> {
    const listening = await child.waitForLog((line) => line.msg === 'http server listening');
    return listening.port as number;
  }

  it('on SIGTERM finishes the in-flight request, refuses new connections and exits 0', async () => {
    const child = startSlowService({ SLOW_ROUTE_MS: '1500' });
    const port = await portOf(child);
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await child.waitForLog((line) => line.msg === 'slow request started');

    child.process.kill('SIGTERM');
    await child.waitForLog((line) => line.msg === 'http server closing');
    await sleep(100); // closing the listening socket completes on the next event-loop turn

    await expect(openConnection(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.logLines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['received SIGTERM; stopping', 'stopping http server', 'http server closed', 'stopped http server', 'stopped']),
    );
  });

  it('exits 1 at once on a second SIGTERM while a stop hook hangs', async () => {
    const child = startSlowService({ HANG_IN_STOP_HOOK: 'true', SHUTDOWN_TIMEOUT_MS: '60000' });
    await portOf(child);

    child.process.kill('SIGTERM');
    await child.waitForLog((line) => line.msg === 'stopping hanging hook');
    const secondSignalAt = Date.now();
    child.process.kill('SIGTERM');

    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - secondSignalAt).toBeLessThan(2000);
    expect(child.logLines).toContainEqual(expect.objectContaining({ msg: 'received SIGTERM again while stopping; exiting now' }));
  });

  it('exits 1 when stopping outlasts SHUTDOWN_TIMEOUT_MS', async () => {
    const child = startSlowService({ HANG_IN_STOP_HOOK: 'true', SHUTDOWN_TIMEOUT_MS: '300' });
    await portOf(child);

    child.process.kill('SIGTERM');

    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(child.logLines).toContainEqual(expect.objectContaining({ msg: 'stopping took too long; exiting' }));
  });
});
