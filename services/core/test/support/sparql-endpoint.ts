/**
 * Real SPARQL endpoints over HTTP for integration tests (never a mock of the store).
 *
 * - `startTestSparqlEndpoint({maxRows})`: an in-process SPARQL 1.1 protocol endpoint over an oxigraph
 *   store. With `maxRows` it EMULATES Virtuoso's silent truncation (docs/virtuoso-quirks.md): SELECT
 *   results are cut at `maxRows` rows and, like Virtuoso, carry `X-SPARQL-MaxRows` when they have
 *   exactly `maxRows` rows (unless `maxRowsHeader: false`, what a client behind a gateway may see);
 *   CONSTRUCT results are cut at `maxRows + 1` triples without a header.
 * - `integrationEndpoint()`: that endpoint, or the Virtuoso at TEST_VIRTUOSO_URL when
 *   TEST_SPARQL_BACKEND=virtuoso (scripts/virtuoso.sh start: Virtuoso 7.2.5, ResultSetMaxRows 10 000).
 * - `startProxy(target, intercept)`: an HTTP proxy in front of an endpoint that can answer a request
 *   itself (503, 413 …) or strip response headers, counting requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import oxigraph from 'oxigraph';
import { pino, type Logger } from 'pino';
import type { NamedNode } from '../../src/rdf/terms.js';
import { sparql } from '../../src/rdf/sparql-text.js';
import type { SparqlClient } from '../../src/sparql/client.js';
import { SparqlError } from '../../src/sparql/errors.js';

export interface TestSparqlEndpoint {
  url: string;
  close(): Promise<void>;
  /** Requests received so far. */
  readonly requests: number;
}

export interface TestSparqlEndpointOptions {
  /** Cut SELECT results at this many rows (Virtuoso's ResultSetMaxRows). */
  maxRows?: number;
  /** Send `X-SPARQL-MaxRows` when a result reaches maxRows (default true, as Virtuoso does). */
  maxRowsHeader?: boolean;
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function listen(server: http.Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}/sparql`);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** The kind of a query: the first keyword after the prologue. */
function queryForm(query: string): 'SELECT' | 'ASK' | 'CONSTRUCT' | 'DESCRIBE' | undefined {
  const prologue = /^(\s+|#[^\n]*\n|PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*/i;
  const rest = query.replace(prologue, '');
  const match = /^(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(rest);
  return match ? (match[1]!.toUpperCase() as 'SELECT' | 'ASK' | 'CONSTRUCT' | 'DESCRIBE') : undefined;
}

export async function startTestSparqlEndpoint(options: TestSparqlEndpointOptions = {}): Promise<TestSparqlEndpoint> {
  const store = new oxigraph.Store();
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests += 1;
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const body = request.method === 'POST' ? (await readBody(request)).toString('utf8') : '';
      const form = /application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '') ? new URLSearchParams(body) : new URLSearchParams();
      const update = form.get('update') ?? (/application\/sparql-update/i.test(request.headers['content-type'] ?? '') ? body : null);
      const query = form.get('query') ?? url.searchParams.get('query') ?? (/application\/sparql-query/i.test(request.headers['content-type'] ?? '') ? body : null);
      try {
        if (update !== null) {
          store.update(update);
          response.writeHead(200, { 'content-type': 'application/sparql-results+json' });
          response.end(JSON.stringify({ head: { vars: ['callret-0'] }, results: { bindings: [{ 'callret-0': { type: 'literal', value: 'Executed update query' } }] } }));
          return;
        }
        if (query === null) {
          response.writeHead(400, { 'content-type': 'text/plain' });
          response.end('no query or update');
          return;
        }
        const form2 = queryForm(query);
        if (form2 === 'CONSTRUCT' || form2 === 'DESCRIBE') {
          let text = store.query(query, { results_format: 'application/n-triples', use_default_graph_as_union: true }) as string;
          if (options.maxRows !== undefined) {
            // Virtuoso cuts CONSTRUCT at ResultSetMaxRows + 1 triples, without a header.
            const lines = text.split('\n').filter((line) => line !== '');
            if (lines.length > options.maxRows + 1) text = `${lines.slice(0, options.maxRows + 1).join('\n')}\n`;
          }
          response.writeHead(200, { 'content-type': 'application/n-triples' });
          response.end(text);
          return;
        }
        const text = store.query(query, { results_format: 'application/sparql-results+json', use_default_graph_as_union: true }) as string;
        const headers: Record<string, string> = { 'content-type': 'application/sparql-results+json' };
        let out = text;
        if (form2 === 'SELECT' && options.maxRows !== undefined) {
          const document = JSON.parse(text) as { results: { bindings: unknown[] } };
          if (document.results.bindings.length >= options.maxRows) {
            document.results.bindings = document.results.bindings.slice(0, options.maxRows);
            if (options.maxRowsHeader !== false) headers['x-sparql-maxrows'] = String(options.maxRows);
          }
          out = JSON.stringify(document);
        }
        response.writeHead(200, headers);
        response.end(out);
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' });
        response.end(`${(error as Error).message}\n\nSPARQL query:\n${query ?? update ?? ''}`);
      }
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  const url = await listen(server);
  return {
    url,
    close: () => closeServer(server),
    get requests() {
      return requests;
    },
  };
}

export interface ProxiedRequest {
  /** 1-based number of this request at the proxy. */
  number: number;
  method: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface InterceptAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface ProxyOptions {
  /** Return an answer to send it instead of forwarding; `'destroy'` drops the connection, `'hang'` never answers. */
  intercept?: (request: ProxiedRequest) => InterceptAnswer | 'destroy' | 'hang' | undefined;
  /** Wait this long before forwarding each request. */
  delayMs?: number;
  /** Listen on this port (default: any free port). */
  port?: number;
  /** Response headers (lower case) not passed on, e.g. `x-sparql-maxrows`. */
  stripResponseHeaders?: readonly string[];
}

export interface TestProxy {
  url: string;
  close(): Promise<void>;
  /** Every request seen, in order. */
  readonly seen: ProxiedRequest[];
  /** Most requests in progress at the same time. */
  readonly peakConcurrency: number;
}

export async function startProxy(target: string, options: ProxyOptions = {}): Promise<TestProxy> {
  const seen: ProxiedRequest[] = [];
  let active = 0;
  let peakConcurrency = 0;
  const server = http.createServer((request, response) => {
    active += 1;
    peakConcurrency = Math.max(peakConcurrency, active);
    response.on('close', () => {
      active -= 1;
    });
    void (async () => {
      const body = await readBody(request);
      const entry: ProxiedRequest = { number: seen.length + 1, method: request.method ?? 'GET', headers: request.headers, body };
      seen.push(entry);
      const answer = options.intercept?.(entry);
      if (answer === 'destroy') {
        request.socket.destroy();
        return;
      }
      if (answer === 'hang') return;
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (answer) {
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        response.end(answer.body ?? '');
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const upstream = await fetch(target, { method: request.method, headers, body: request.method === 'GET' ? undefined : body });
      const responseHeaders: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!(options.stripResponseHeaders ?? []).includes(name) && !['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(name)) {
          responseHeaders[name] = value;
        }
      });
      const payload = Buffer.from(await upstream.arrayBuffer());
      response.writeHead(upstream.status, responseHeaders);
      response.end(payload);
    })().catch((error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`proxy error: ${String(error)}`);
    });
  });
  const url = await listen(server, options.port);
  return {
    url,
    close: () => closeServer(server),
    seen,
    get peakConcurrency() {
      return peakConcurrency;
    },
  };
}

export interface IntegrationEndpoint {
  url: string;
  backend: 'embedded' | 'virtuoso';
  /** The store's row limit (ResultSetMaxRows); undefined when the endpoint does not truncate. */
  maxRows?: number;
  close(): Promise<void>;
}

/**
 * The endpoint integration tests run against: Virtuoso when TEST_SPARQL_BACKEND=virtuoso and
 * TEST_VIRTUOSO_URL are set, else an embedded oxigraph endpoint (truncating at `maxRows` when given).
 */
export async function integrationEndpoint(options: TestSparqlEndpointOptions = {}): Promise<IntegrationEndpoint> {
  const virtuosoUrl = process.env.TEST_VIRTUOSO_URL;
  if (process.env.TEST_SPARQL_BACKEND === 'virtuoso') {
    if (!virtuosoUrl) throw new Error('TEST_SPARQL_BACKEND=virtuoso needs TEST_VIRTUOSO_URL (bash scripts/virtuoso.sh start)');
    const maxRows = Number(process.env.TEST_VIRTUOSO_MAX_ROWS ?? 10_000);
    await assertAnswers(virtuosoUrl);
    return { url: virtuosoUrl, backend: 'virtuoso', maxRows, close: async () => undefined };
  }
  const endpoint = await startTestSparqlEndpoint(options);
  return { url: endpoint.url, backend: 'embedded', maxRows: options.maxRows, close: endpoint.close };
}

/**
 * Fails a test file at once when the shared Virtuoso does not answer `ASK {}` within 20 s, instead of
 * letting each of its tests wait for its own timeout (a stuck instance would stretch the run past CI's
 * limit with no word of why).
 */
async function assertAnswers(url: string): Promise<void> {
  const body = new URLSearchParams({ query: 'ASK {}' });
  try {
    const response = await fetch(url, { method: 'POST', body, headers: { accept: 'application/sparql-results+json' }, signal: AbortSignal.timeout(20_000) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    throw new Error(`the test Virtuoso at ${url} does not answer ASK {} (${error instanceof Error ? error.message : String(error)}); see scripts/virtuoso.sh diagnose`, { cause: error });
  }
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return port;
}

/** Backend the integration tests run against, from the environment (decided at module load). */
export const TEST_BACKEND: 'embedded' | 'virtuoso' = process.env.TEST_SPARQL_BACKEND === 'virtuoso' ? 'virtuoso' : 'embedded';

/** Empties a test graph with `DELETE WHERE`; in chunks when the store finds one delete too large. */
export async function clearGraph(client: SparqlClient, graph: NamedNode): Promise<void> {
  try {
    await client.update(sparql`DELETE WHERE { GRAPH ${graph} { ?s ?p ?o } }`);
  } catch (error) {
    if (!(error instanceof SparqlError) || error.kind !== 'size') throw error;
    while (await client.ask(sparql`ASK { GRAPH ${graph} { ?s ?p ?o } }`)) {
      await client.update(sparql`DELETE { GRAPH ${graph} { ?s ?p ?o } } WHERE { { SELECT ?s ?p ?o WHERE { GRAPH ${graph} { ?s ?p ?o } } LIMIT 5000 } }`);
    }
  }
}

/** A pino logger whose JSON lines are kept in memory. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, destination);
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, text };
}
