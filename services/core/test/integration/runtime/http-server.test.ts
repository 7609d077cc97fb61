import { Agent, get, type IncomingMessage } from 'node:http';
import { Router } from 'express';
import { HttpServerStartError, createHttpApp, startHttpServer, type RunningHttpServer } from '../../../src/runtime/index.js';
import { createCapturingLogger } from '../../support/log-capture.js';

const { logger, lines } = createCapturingLogger();

function appWithRoutes(configure: (routes: Router) => void) {
  const routes = Router();
  configure(routes);
  return createHttpApp({ logger, jsonLimit: 1024, routes });
}

function request(port: number, path: string, agent?: Agent): Promise<IncomingMessage & { body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(Object.assign(response, { body })));
    }).on('error', reject);
  });
}

describe('startHttpServer', () => {
  let running: RunningHttpServer | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('closes idle keep-alive connections instead of waiting for the drain deadline', async () => {
    running = await startHttpServer(appWithRoutes(() => undefined), { port: 0, host: '127.0.0.1', requestTimeoutMs: 10_000, logger, drainTimeoutMs: 10_000 });
    const agent = new Agent({ keepAlive: true });
    expect((await request(running.address.port, '/health', agent)).statusCode).toBe(200);

    const startedAt = Date.now();
    await running.close();

    expect(Date.now() - startedAt).toBeLessThan(1000);
    agent.destroy();
  });

  it('cuts requests still running at the drain deadline', async () => {
    running = await startHttpServer(
      appWithRoutes((routes) => routes.get('/never', () => new Promise<void>(() => undefined))),
      { port: 0, host: '127.0.0.1', requestTimeoutMs: 10_000, logger, drainTimeoutMs: 200 },
    );
    const neverAnswered = request(running.address.port, '/never');
    neverAnswered.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const startedAt = Date.now();
    await running.close();

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(150);
    await expect(neverAnswered).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(lines()).toContainEqual(expect.objectContaining({ msg: 'requests still running at the drain deadline; closing their connections', inFlight: 1 }));
  });

  it('returns the same promise from a second close()', async () => {
    running = await startHttpServer(appWithRoutes(() => undefined), { port: 0, host: '127.0.0.1', requestTimeoutMs: 10_000, logger });
    expect(running.close()).toBe(running.close());
    await running.close();
  });

  it('answers a keep-alive request in flight when closing began with Connection: close', async () => {
    let releaseSlow: () => void = () => undefined;
    running = await startHttpServer(
      appWithRoutes((routes) =>
        routes.get('/slow', async (_request, response) => {
          await new Promise<void>((resolve) => (releaseSlow = resolve));
          response.json({ done: true });
        }),
      ),
      { port: 0, host: '127.0.0.1', requestTimeoutMs: 10_000, logger },
    );
    const slow = request(running.address.port, '/slow', new Agent({ keepAlive: true }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = running.close();
    releaseSlow();

    const response = await slow;
    expect(response.headers.connection).toBe('close');
    expect(response.body).toBe('{"done":true}');
    await closed;
  });

  it('fails with HttpServerStartError when the port is taken', async () => {
    running = await startHttpServer(appWithRoutes(() => undefined), { port: 0, host: '127.0.0.1', requestTimeoutMs: 10_000, logger });
    const taken = running.address.port;
    await expect(
      startHttpServer(appWithRoutes(() => undefined), { port: taken, host: '127.0.0.1', requestTimeoutMs: 10_000, logger }),
    ).rejects.toThrow(HttpServerStartError);
  });
});
