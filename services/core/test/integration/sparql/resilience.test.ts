/**
 * Retries, timeouts, the concurrency bound and waitForEndpoint over real HTTP: a real endpoint behind
 * a proxy that injects failures, or a port where nothing listens yet.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSparqlClient, SparqlError, type SparqlClient } from '../../../src/sparql/index.js';
import { capturingLogger, integrationEndpoint, startProxy, TEST_BACKEND, unusedPort, type IntegrationEndpoint, type TestProxy } from '../../support/sparql-endpoint.js';

const FAST_RETRY = { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 200 };
const SESSION = 'http://mu.semte.ch/sessions/secret-session-value';
const SYNTAX_ERROR = 'SELECT * WHERE { ?s ?p }';

let endpoint: IntegrationEndpoint;
const proxies: TestProxy[] = [];

async function proxy(options: Parameters<typeof startProxy>[1] = {}): Promise<TestProxy> {
  const started = await startProxy(endpoint.url, options);
  proxies.push(started);
  return started;
}

beforeAll(async () => {
  endpoint = await integrationEndpoint();
});

afterAll(async () => {
  await Promise.all(proxies.map((started) => started.close()));
  await endpoint.close();
});

describe('retries', () => {
  it('retries 503 answers and succeeds, logging each retry once without the query or session', async () => {
    const gateway = await proxy({ intercept: ({ number }) => (number <= 2 ? { status: 503, body: 'Service Unavailable' } : undefined) });
    const { logger, lines, text } = capturingLogger();
    const client = createSparqlClient({ endpoint: gateway.url, logger, retry: FAST_RETRY });
    const marker = 'very-secret-literal-in-the-query';
    expect(await client.ask(`ASK { ?s ?p "${marker}" }`, { sessionId: SESSION })).toBe(false);
    expect(gateway.seen).toHaveLength(3);
    const warnings = lines().filter((line) => line.level === 40);
    expect(warnings).toHaveLength(2);
    expect(warnings.map((line) => line.attempt)).toEqual([1, 2]);
    expect(warnings[0]).toMatchObject({ kind: 'transient', reason: 'HTTP 503', status: 503, operation: 'ask' });
    expect(text()).not.toContain(marker);
    expect(text()).not.toContain(SESSION);
  });

  it('retries a connection refused until the endpoint appears', async () => {
    const port = await unusedPort();
    const { logger, lines } = capturingLogger();
    const client = createSparqlClient({ endpoint: `http://127.0.0.1:${port}/sparql`, logger, retry: { maxAttempts: 20, baseDelayMs: 50, maxDelayMs: 100 } });
    const pending = client.select('SELECT * WHERE { ?s ?p ?o } LIMIT 1');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await proxy({ port });
    await expect(pending).resolves.toBeInstanceOf(Array);
    const warnings = lines().filter((line) => line.level === 40);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
  });

  it('retries a dropped connection', async () => {
    const gateway = await proxy({ intercept: ({ number }) => (number === 1 ? 'destroy' : undefined) });
    const client = createSparqlClient({ endpoint: gateway.url, retry: FAST_RETRY });
    await expect(client.ask('ASK { ?s ?p ?o }')).resolves.toEqual(expect.any(Boolean));
    expect(gateway.seen).toHaveLength(2);
  });

  it('gives up after maxAttempts with a transient SparqlError', async () => {
    const gateway = await proxy({ intercept: () => ({ status: 502, body: 'Bad Gateway' }) });
    const client = createSparqlClient({ endpoint: gateway.url, retry: { ...FAST_RETRY, maxAttempts: 3 } });
    await expect(client.ask('ASK { ?s ?p ?o }')).rejects.toMatchObject({ name: 'SparqlError', kind: 'transient', status: 502, attempts: 3 });
    expect(gateway.seen).toHaveLength(3);
  });

  it('never retries a syntax error (counted at the proxy)', async () => {
    const gateway = await proxy();
    const client = createSparqlClient({ endpoint: gateway.url, retry: FAST_RETRY });
    const error = await client.select(SYNTAX_ERROR).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SparqlError);
    expect(error).toMatchObject({ kind: 'permanent', status: 400, attempts: 1 });
    if (TEST_BACKEND === 'virtuoso') expect(error).toMatchObject({ code: 'SP030' });
    expect((error as SparqlError).query).toBe(SYNTAX_ERROR);
    expect((error as SparqlError).message).not.toContain('SPARQL query:');
    expect(gateway.seen).toHaveLength(1);
  });

  it('does not retry when retry: false', async () => {
    const gateway = await proxy({ intercept: () => ({ status: 503 }) });
    const client = createSparqlClient({ endpoint: gateway.url, retry: FAST_RETRY });
    await expect(client.ask('ASK { ?s ?p ?o }', { retry: false })).rejects.toMatchObject({ kind: 'transient', attempts: 1 });
    expect(gateway.seen).toHaveLength(1);
  });
});

describe('timeouts and aborts', () => {
  it('times out a request that gets no answer (transient, retried)', async () => {
    const gateway = await proxy({ intercept: () => 'hang' });
    const client = createSparqlClient({ endpoint: gateway.url, timeoutMs: 150, retry: { ...FAST_RETRY, maxAttempts: 2 } });
    const started = Date.now();
    await expect(client.ask('ASK { ?s ?p ?o }')).rejects.toMatchObject({ kind: 'transient', code: 'TIMEOUT', attempts: 2 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(gateway.seen).toHaveLength(2);
  });

  it('stops at once when the caller aborts, without retrying', async () => {
    const gateway = await proxy({ intercept: () => 'hang' });
    const client = createSparqlClient({ endpoint: gateway.url, retry: FAST_RETRY });
    const controller = new AbortController();
    const pending = client.ask('ASK { ?s ?p ?o }', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(gateway.seen).toHaveLength(1);
  });
});

describe('streams', () => {
  /** A server that sends the first rows of a SELECT answer, then stalls (or drops the connection). */
  async function stallingServer(then: 'stall' | 'drop'): Promise<{ url: string; close: () => Promise<void> }> {
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/sparql-results+json' });
      response.write('{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}},{"x":{"type":"literal","value":"2"}},');
      if (then === 'drop') setTimeout(() => response.socket?.destroy(), 50);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/sparql`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  it.each(['stall', 'drop'] as const)('a stream that %ss after some rows fails with a transient SparqlError, not retried', async (then) => {
    const server = await stallingServer(then);
    try {
      const client = createSparqlClient({ endpoint: server.url, timeoutMs: 200, retry: FAST_RETRY });
      const values: string[] = [];
      const consume = async () => {
        for await (const row of client.selectStream('SELECT ?x WHERE { ?x ?p ?o }')) values.push(row.x!.value);
      };
      const error = await consume().catch((caught: unknown) => caught);
      expect(values).toEqual(['1', '2']);
      expect(error).toBeInstanceOf(SparqlError);
      expect(error).toMatchObject({ kind: 'transient', ...(then === 'stall' ? { code: 'TIMEOUT' } : {}) });
    } finally {
      await server.close();
    }
  });

  it('a slow consumer does not time the stream out', async () => {
    const client = createSparqlClient({ endpoint: endpoint.url, timeoutMs: 100 });
    let count = 0;
    for await (const _row of client.selectStream('SELECT ?x WHERE { VALUES ?x { 1 2 3 } }')) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      count += 1;
    }
    expect(count).toBe(3);
  });
});

describe('concurrency bound', () => {
  it('keeps at most maxConcurrency requests in flight', async () => {
    const gateway = await proxy({ delayMs: 50 });
    const client: SparqlClient = createSparqlClient({ endpoint: gateway.url, maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 10 }, () => client.ask('ASK { ?s ?p ?o }')));
    expect(gateway.seen).toHaveLength(10);
    expect(gateway.peakConcurrency).toBe(2);
  });

  it('defaults to 4', async () => {
    const gateway = await proxy({ delayMs: 50 });
    const client = createSparqlClient({ endpoint: gateway.url });
    await Promise.all(Array.from({ length: 12 }, () => client.ask('ASK { ?s ?p ?o }')));
    expect(gateway.peakConcurrency).toBe(4);
  });

  it('a stream holds its slot until it is consumed or closed', async () => {
    const gateway = await proxy();
    const client = createSparqlClient({ endpoint: gateway.url, maxConcurrency: 1 });
    const stream = client.selectStream('SELECT ?x WHERE { VALUES ?x { 1 2 3 } }');
    const first = await stream.next();
    expect(first.done).toBe(false);
    await stream.return();
    await expect(client.ask('ASK { ?s ?p ?o }', { timeoutMs: 2000 })).resolves.toEqual(expect.any(Boolean));
  });
});

describe('waitForEndpoint', () => {
  it('pings until the endpoint answers, logging each failure once', async () => {
    const port = await unusedPort();
    const { logger, lines } = capturingLogger();
    const client = createSparqlClient({ endpoint: `http://127.0.0.1:${port}/sparql` });
    const waiting = client.waitForEndpoint({ logger, baseDelayMs: 50, maxDelayMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await proxy({ port });
    const result = await waiting;
    expect(result.attempts).toBeGreaterThan(1);
    const failures = lines().filter((line) => line.msg === 'SPARQL endpoint not available yet; waiting');
    expect(failures).toHaveLength(result.attempts - 1);
    expect(failures[0]).toMatchObject({ code: 'ECONNREFUSED', attempt: 1 });
  });

  it('can be aborted', async () => {
    const port = await unusedPort();
    const client = createSparqlClient({ endpoint: `http://127.0.0.1:${port}/sparql` });
    const controller = new AbortController();
    const waiting = client.waitForEndpoint({ signal: controller.signal, baseDelayMs: 50, maxDelayMs: 100 });
    setTimeout(() => controller.abort(), 200);
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('returns at once when the endpoint is up', async () => {
    const client = createSparqlClient({ endpoint: endpoint.url });
    await expect(client.waitForEndpoint()).resolves.toMatchObject({ attempts: 1 });
  });
});
