import { Router } from 'express';
import {
  HttpError,
  ReadinessChecks,
  conflict,
  createHttpApp,
  startHttpServer,
  type RunningHttpServer,
} from '../../../src/runtime/index.js';
import { createCapturingLogger } from '../../support/log-capture.js';

const JSON_API = 'application/vnd.api+json';

describe('HTTP app', () => {
  const { logger, lines } = createCapturingLogger();
  const readiness = new ReadinessChecks({ timeoutMs: 1000 });
  let storeReachable = true;
  let running: RunningHttpServer;
  let baseUrl: string;

  beforeAll(async () => {
    const routes = Router();
    routes.post('/echo', (request, response) => {
      response.json({ received: request.body as unknown });
    });
    routes.post('/delta', (request, response) => {
      response.json({ length: (request.body as unknown[]).length });
    });
    routes.get('/conflict', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw conflict('job http://x/jobs/1 is already running');
    });
    routes.get('/custom-title', () => {
      throw new HttpError({ status: 422, title: 'Invalid stream', detail: 'stream "x" is not configured' });
    });
    routes.get('/bug', async () => {
      await Promise.resolve();
      throw new TypeError('cannot read properties of undefined');
    });
    readiness.register('store', () => {
      if (!storeReachable) throw new Error('store unreachable');
    });
    const app = createHttpApp({ logger, jsonLimit: 1024, jsonLimitByPath: { '/delta': 64 * 1024 }, routes, readiness });
    running = await startHttpServer(app, { port: 0, host: '127.0.0.1', requestTimeoutMs: 10_000, logger });
    baseUrl = `http://127.0.0.1:${running.address.port}`;
  });

  afterAll(async () => {
    await running.close();
  });

  async function expectJsonApiError(response: Response, status: number, error: { title: string; detail?: unknown }) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/);
    expect(await response.json()).toEqual({ errors: [{ status: String(status), ...error }] });
  }

  const postJson = (path: string, body: string, contentType = 'application/json') =>
    fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('answers GET /health', async () => {
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('parses application/json and application/vnd.api+json bodies', async () => {
    expect(await (await postJson('/echo', '{"a":1}')).json()).toEqual({ received: { a: 1 } });
    expect(await (await postJson('/echo', '{"data":{"type":"x"}}', JSON_API)).json()).toEqual({ received: { data: { type: 'x' } } });
  });

  it('answers an HttpError thrown in an async handler with its status and a JSON:API body', async () => {
    await expectJsonApiError(await fetch(`${baseUrl}/conflict`), 409, { title: 'Conflict', detail: 'job http://x/jobs/1 is already running' });
    await expectJsonApiError(await fetch(`${baseUrl}/custom-title`), 422, { title: 'Invalid stream', detail: 'stream "x" is not configured' });
  });

  it('answers malformed JSON with 400', async () => {
    await expectJsonApiError(await postJson('/echo', '{"a": '), 400, { title: 'Malformed JSON', detail: expect.stringContaining('not valid JSON') });
  });

  it('answers a body over the limit with 413', async () => {
    const oversized = JSON.stringify({ padding: 'x'.repeat(2000) });
    await expectJsonApiError(await postJson('/echo', oversized), 413, { title: 'Payload Too Large', detail: 'request body is larger than the limit of 1024 bytes' });
  });

  it('lets a path have its own body limit', async () => {
    const largerThanDefault = JSON.stringify(Array.from({ length: 500 }, (_, index) => index));
    const response = await postJson('/delta', largerThanDefault);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ length: 500 });
  });

  it('answers an unknown route with 404', async () => {
    await expectJsonApiError(await fetch(`${baseUrl}/nowhere`), 404, { title: 'Not Found', detail: 'no route for GET /nowhere' });
  });

  it('answers an unexpected error with a bare 500 and logs it once with the mu-call-id', async () => {
    const response = await fetch(`${baseUrl}/bug`, { headers: { 'mu-call-id': 'call-42' } });
    await expectJsonApiError(response, 500, { title: 'Internal Server Error' });
    const logged = lines().filter((line) => line.callId === 'call-42');
    expect(logged).toEqual([expect.objectContaining({ level: 50, msg: 'request failed', path: '/bug', err: expect.objectContaining({ message: 'cannot read properties of undefined' }) })]);
  });

  it('never logs a request body', async () => {
    await postJson('/echo', '{"password-like": "body-content-123"');
    await postJson('/echo', JSON.stringify({ filler: 'body-content-456'.repeat(100) }));
    expect(JSON.stringify(lines())).not.toMatch(/body-content/);
  });

  it('answers GET /ready with 200 or 503 as its checks pass or fail', async () => {
    storeReachable = true;
    const ready = await fetch(`${baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: [{ name: 'store', status: 'pass' }] });

    storeReachable = false;
    const unready = await fetch(`${baseUrl}/ready`);
    expect(unready.status).toBe(503);
    expect(await unready.json()).toEqual({ status: 'unavailable', checks: [{ name: 'store', status: 'fail', error: 'store unreachable' }] });

    storeReachable = true;
    expect((await fetch(`${baseUrl}/ready`)).status).toBe(200);
  });
});
