/**
 * Test support for the gateway's integration tests: a gateway on port 0 with the real notifier and a
 * rules file written by the test, a callback server that records what the notifier delivers, and
 * SPARQL helpers over real HTTP.
 *
 * Backend selection: `TEST_SPARQL_BACKEND=virtuoso` with `TEST_VIRTUOSO_URL` runs the shared tests
 * against that Virtuoso (`bash scripts/virtuoso.sh start`); otherwise the embedded store in a temp
 * DATA_DIR. Tests of the embedded store itself (persistence, truncation emulation) always use the
 * embedded store. Every test writes to graphs of its own (`uniqueGraph()`), so runs on a shared
 * Virtuoso do not interfere.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevGateway, type DevGateway, type DevGatewayOptions } from '../../../src/gateway.js';
import { createNotifier, loadRules } from '../../../src/notifier/index.js';
import type { DeltaEvent, DeltaSink } from '../../../src/notifier/types.js';

export type TestBackend = 'embedded' | 'virtuoso';

/** The backend the shared tests run against, from TEST_SPARQL_BACKEND / TEST_VIRTUOSO_URL. */
export function selectedBackend(): TestBackend {
  const name = (process.env.TEST_SPARQL_BACKEND ?? 'embedded').trim().toLowerCase();
  if (name === 'embedded') return 'embedded';
  if (name === 'virtuoso') {
    if (!process.env.TEST_VIRTUOSO_URL) throw new Error('TEST_SPARQL_BACKEND=virtuoso needs TEST_VIRTUOSO_URL (e.g. http://127.0.0.1:8891/sparql)');
    return 'virtuoso';
  }
  throw new Error(`TEST_SPARQL_BACKEND must be embedded or virtuoso, got ${JSON.stringify(name)}`);
}

export const EX = 'http://example.org/test/';
export const XSD = 'http://www.w3.org/2001/XMLSchema#';

export function uniqueGraph(label = 'g'): string {
  return `http://example.org/test-graphs/${label}/${randomUUID()}`;
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface CallbackServer {
  baseUrl: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** An HTTP service that answers 204 to everything and records the JSON bodies. */
export async function startCallbackServer(): Promise<CallbackServer> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path: request.url ?? '', headers: request.headers, body: text === '' ? undefined : JSON.parse(text) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * rules.js with two rules matching everything: `/requested` gets the v0.0.1 body (the requested
 * quads per changeset), `/effective` the same with foldEffectiveChanges (the effective quads).
 */
export async function writeRulesFile(dir: string, callbackBaseUrl: string): Promise<string> {
  const path = join(dir, 'rules.js');
  const rules = [
    { match: {}, callback: { url: `${callbackBaseUrl}/requested`, method: 'POST' }, options: { resourceFormat: 'v0.0.1', gracePeriod: 0 } },
    { match: {}, callback: { url: `${callbackBaseUrl}/effective`, method: 'POST' }, options: { resourceFormat: 'v0.0.1', gracePeriod: 0, foldEffectiveChanges: true } },
  ];
  // An ES module as in an app's config/delta/ (package.json type module, so `.js` is ESM here too).
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  await writeFile(path, `export default ${JSON.stringify(rules, null, 2)};\n`);
  return path;
}

export interface TestGateway {
  gateway: DevGateway;
  backend: TestBackend;
  /** Every DeltaEvent the engine published, as the notifier received it. */
  events: DeltaEvent[];
  callback: CallbackServer;
  dataDir: string;
  stop(): Promise<void>;
}

export interface TestGatewayOptions extends Omit<DevGatewayOptions, 'sink' | 'rules' | 'backendSparqlUrl'> {
  backend?: TestBackend;
  /** Reuse a DATA_DIR (restart tests); otherwise a fresh temp directory, removed on stop. */
  dataDir?: string;
}

/**
 * A gateway with the real notifier (rules from a file this helper writes) wrapped so the test also
 * sees the raw DeltaEvents (sequenceId, effective lists, origin, …), which v0.0.1 bodies do not carry.
 */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const backend = options.backend ?? selectedBackend();
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'dev-gateway-test-')));
  const callback = await startCallbackServer();
  const rulesDir = await mkdtemp(join(tmpdir(), 'dev-gateway-rules-'));
  const notifier = createNotifier({ rules: await loadRules(await writeRulesFile(rulesDir, callback.baseUrl)), logger: silentLogger });
  const events: DeltaEvent[] = [];
  const sink: DeltaSink = {
    publish(event) {
      events.push(structuredClone(event));
      notifier.publish(event);
    },
    stop: () => notifier.stop(),
  };
  const { backend: _backend, dataDir: _dataDir, ...gatewayOptions } = options;
  let gateway: DevGateway;
  try {
    gateway = await startDevGateway({
      ...gatewayOptions,
      ...(backend === 'virtuoso' ? { backendSparqlUrl: process.env.TEST_VIRTUOSO_URL! } : { dataDir }),
      sink,
    });
  } catch (error) {
    await callback.close();
    await rm(rulesDir, { recursive: true, force: true });
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    gateway,
    backend,
    events,
    callback,
    dataDir,
    async stop() {
      await gateway.stop();
      await callback.close();
      await rm(rulesDir, { recursive: true, force: true });
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const noop = () => undefined;
export const silentLogger = { debug: noop, info: noop, warn: noop, error: noop };

export interface SparqlResponse {
  status: number;
  contentType: string;
  text: string;
  json(): unknown;
}

async function toResponse(response: Response): Promise<SparqlResponse> {
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) as unknown };
}

/** POST form update=… (as the mu-javascript-template client does). */
export async function postUpdate(url: string, update: string, headers: Record<string, string> = {}): Promise<SparqlResponse> {
  return toResponse(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ update }) }));
}

/** Like postUpdate, failing the test unless the gateway answered 200. */
export async function update(url: string, text: string, headers: Record<string, string> = {}): Promise<void> {
  const response = await postUpdate(url, text, { 'mu-auth-sudo': 'true', ...headers });
  if (response.status !== 200) throw new Error(`update failed with ${response.status}: ${response.text}`);
}

export interface JsonTermValue {
  type: string;
  value: string;
  datatype?: string;
  'xml:lang'?: string;
}
export type Row = Record<string, JsonTermValue>;

/** SELECT through POST form query=, rows as SPARQL-JSON bindings. */
export async function select(url: string, query: string): Promise<Row[]> {
  const response = await toResponse(
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/sparql-results+json' }, body: new URLSearchParams({ query }) }),
  );
  if (response.status !== 200) throw new Error(`query failed with ${response.status}: ${response.text}`);
  return (response.json() as { results: { bindings: Row[] } }).results.bindings;
}

/** The triples of a graph as sorted `s p o` strings (values only; literals with their tag or datatype). */
export async function graphContents(url: string, graph: string): Promise<string[]> {
  const rows = await select(url, `SELECT ?s ?p ?o WHERE { GRAPH <${graph}> { ?s ?p ?o } }`);
  return rows.map((row) => `${row.s!.value} ${row.p!.value} ${termText(row.o!)}`).sort();
}

export function termText(term: JsonTermValue): string {
  if (term['xml:lang']) return `"${term.value}"@${term['xml:lang'].toLowerCase()}`;
  if (term.datatype && term.datatype !== `${XSD}string`) return `"${term.value}"^^${term.datatype.replace(XSD, 'xsd:')}`;
  return term.type === 'uri' ? term.value : `"${term.value}"`;
}

/** Polls until `check` returns true (deliveries are asynchronous). */
export async function waitFor(check: () => boolean, timeoutMs = 5000, message = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A delta quad as the tests write it: `s p o` values plus graph. */
export function deltaQuadText(q: { subject: JsonTermValue; predicate: JsonTermValue; object: JsonTermValue; graph?: JsonTermValue }): string {
  return `${q.subject.value} ${q.predicate.value} ${termText(q.object)} ${q.graph?.value ?? ''}`.trim();
}
