/**
 * The notifier against a real HTTP callback (port 0) with the global fetch: order, retries, stop().
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotifier } from '../../../src/notifier/notifier.js';
import type { DeltaSink } from '../../../src/notifier/types.js';
import { ADMS_STATUS, changeSet, q, recordingLogger, rules, SCHEDULED } from '../../unit/notifier/fixtures.js';

interface Received {
  n: number;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
  answeredAt?: number;
}

/** A callback service; `answer` decides each response (n counts from 1). */
async function startCallback(answer: (n: number, response: ServerResponse, received: Received) => void = (_n, response) => response.writeHead(204).end()) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Received = { n: received.length + 1, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: performance.now() };
      received.push(entry);
      response.on('finish', () => {
        entry.answeredAt = performance.now();
      });
      answer(entry.n, response, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/delta`,
    localhostUrl: `http://localhost:${port}/delta`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const rule = (url: string, options: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  match: {},
  callback: { url, method: 'POST' },
  options: { resourceFormat: 'v0.0.1', ...options },
  ...extra,
});
const statusOf = (i: number) => q(`task/${i}`, ADMS_STATUS, SCHEDULED);

let callback: Awaited<ReturnType<typeof startCallback>> | undefined;
let notifier: DeltaSink | undefined;
afterEach(async () => {
  await notifier?.stop();
  await callback?.close();
  notifier = undefined;
  callback = undefined;
});

it('delivers events in publish order, one at a time, even when the first answer is slow', async () => {
  callback = await startCallback((n, response) => {
    setTimeout(() => response.writeHead(204).end(), n === 1 ? 400 : 0);
  });
  const logger = recordingLogger();
  notifier = createNotifier({ rules: rules(rule(callback.url)), logger });
  for (let i = 1; i <= 5; i += 1) notifier.publish({ changeSets: [changeSet({ insert: [statusOf(i)] })], headers: { 'mu-call-id': String(i) } });
  await notifier.stop();

  const { received } = callback;
  expect(received.map((entry) => entry.headers['mu-call-id-trail'])).toEqual(['["1"]', '["2"]', '["3"]', '["4"]', '["5"]']);
  expect(received.map((entry) => JSON.parse(entry.body))).toEqual([1, 2, 3, 4, 5].map((i) => [{ inserts: [statusOf(i)], deletes: [] }]));
  // The second request only left after the slow first one was answered.
  expect(received[1]!.receivedAt).toBeGreaterThanOrEqual(received[0]!.answeredAt!);
  expect(received[0]!.headers['content-type']).toBe('application/json');
  expect(logger.messages('error')).toEqual([]);
});

it('retries a 503 after retryTimeout and stops at the first success', async () => {
  callback = await startCallback((n, response) => {
    if (n === 1) response.writeHead(503, { 'Content-Type': 'text/plain' }).end('busy');
    else response.writeHead(202).end();
  });
  const logger = recordingLogger();
  notifier = createNotifier({ rules: rules(rule(callback.url, { retry: 3 }, { retryTimeout: 100 })), logger });
  notifier.publish({ changeSets: [changeSet({ insert: [statusOf(1)] })], headers: { 'mu-call-id': '1' } });
  notifier.publish({ changeSets: [changeSet({ insert: [statusOf(2)] })], headers: { 'mu-call-id': '2' } });
  await notifier.stop();

  const { received } = callback;
  expect(received.map((entry) => entry.headers['mu-call-id-trail'])).toEqual(['["1"]', '["1"]', '["2"]']);
  expect(received[1]!.receivedAt - received[0]!.answeredAt!).toBeGreaterThanOrEqual(90);
  expect(received[1]!.body).toBe(received[0]!.body);
  expect(received[1]!.headers['mu-call-id']).not.toBe(received[0]!.headers['mu-call-id']);
  expect(logger.messages('warn')).toEqual(['delta callback answered 503; retrying in 100 ms']);
  expect(logger.messages('error')).toEqual([]);
});

it('gives up after the retries, logs it, and goes on with the next delivery', async () => {
  callback = await startCallback((n, response) => response.writeHead(n <= 2 ? 500 : 204).end());
  const logger = recordingLogger();
  notifier = createNotifier({ rules: rules(rule(callback.url, { retry: 1 }, { retryTimeout: 10 })), logger });
  notifier.publish({ changeSets: [changeSet({ insert: [statusOf(1)] })], headers: { 'mu-call-id': '1' } });
  notifier.publish({ changeSets: [changeSet({ insert: [statusOf(2)] })], headers: { 'mu-call-id': '2' } });
  await notifier.stop();
  expect(callback.received.map((entry) => entry.headers['mu-call-id-trail'])).toEqual(['["1"]', '["1"]', '["2"]']);
  expect(logger.messages('error')).toEqual([expect.stringContaining('answered 500; giving up')]);
});

it('counts a callback that does not answer in time as no response, and retries it', async () => {
  callback = await startCallback((n, response) => {
    if (n > 1) response.writeHead(204).end();
  });
  const logger = recordingLogger();
  notifier = createNotifier({ rules: rules(rule(callback.url, { retry: 1 }, { retryTimeout: 10 })), logger, requestTimeoutMs: 200 });
  notifier.publish({ changeSets: [changeSet({ insert: [statusOf(1)] })], headers: { 'mu-call-id': '1' } });
  await notifier.stop();
  expect(callback.received).toHaveLength(2);
  expect(logger.messages('warn')).toEqual(['delta callback gave no response (no answer within 200 ms); retrying in 10 ms']);
});

it('stop() sends a bundle still in its grace period at once', async () => {
  callback = await startCallback();
  notifier = createNotifier({ rules: rules(rule(callback.url, { gracePeriod: 60_000 })), logger: recordingLogger() });
  notifier.publish({ changeSets: [changeSet({ insert: [statusOf(1)] })], headers: { 'mu-call-id': '1', 'mu-session-id': 'http://mu.semte.ch/sessions/s' } });
  notifier.publish({ changeSets: [changeSet({ delete: [statusOf(2)] })], headers: { 'mu-call-id': '2', 'mu-session-id': 'http://mu.semte.ch/sessions/s' } });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(callback.received).toHaveLength(0);

  const started = performance.now();
  await notifier.stop();
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(callback.received).toHaveLength(1);
  expect(JSON.parse(callback.received[0]!.body)).toEqual([
    { inserts: [statusOf(1)], deletes: [] },
    { inserts: [], deletes: [statusOf(2)] },
  ]);
  expect(callback.received[0]!.headers).toMatchObject({
    'mu-call-id-trail': '["1"]',
    'mu-bundled-call-id-trails': '["2"]',
    'mu-session-id': 'http://mu.semte.ch/sessions/s',
  });
});

it('ignoreFromSelf resolves the callback host with DNS (localhost → 127.0.0.1)', async () => {
  callback = await startCallback();
  notifier = createNotifier({ rules: rules(rule(callback.localhostUrl, { ignoreFromSelf: true })), logger: recordingLogger() });
  notifier.publish({ changeSets: [changeSet({ insert: [statusOf(1)], origin: '127.0.0.1' })], headers: { 'mu-call-id': 'self' } });
  notifier.publish({ changeSets: [changeSet({ insert: [statusOf(2)], origin: '10.1.2.3' })], headers: { 'mu-call-id': 'other' } });
  await notifier.stop();
  expect(callback.received.map((entry) => entry.headers['mu-call-id-trail'])).toEqual(['["other"]']);
});

it('logs an unreachable callback and keeps accepting events', async () => {
  const closed = await startCallback();
  await closed.close();
  const logger = recordingLogger();
  notifier = createNotifier({ rules: rules(rule(closed.url)), logger });
  expect(() => notifier!.publish({ changeSets: [changeSet({ insert: [statusOf(1)] })], headers: {} })).not.toThrow();
  await notifier.stop();
  expect(logger.messages('error')).toEqual([expect.stringMatching(/gave no response .*giving up \(rule has no options\.retry\)/)]);
});
