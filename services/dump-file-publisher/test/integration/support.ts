/** Dump publishers started in-process against a real SPARQL endpoint, with temp config and share dirs. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'n3';
import { v4 as uuidv4 } from 'uuid';
import {
  canonicalTripleKey,
  createLogger,
  createSparqlClient,
  JobRepository,
  literal,
  namedNode,
  sparql,
  STATUS,
  TASK_OPERATIONS,
  type Logger,
  type Quad,
  type SparqlClient,
} from '@delta-producer/core';
import { loadPublisherConfig, type PublisherConfig } from '../../src/config/publisher-config.js';
import { startDumpPublisher, type RunningDumpPublisher } from '../../src/service.js';

export interface TestStream {
  name: string;
  jobsGraph: string;
  dumpOperation: string;
  initialSyncOperation: string;
  entry: Record<string, unknown>;
  subject: string;
  targetGraph: string;
  dcatGraph: string;
  filesGraph: string;
}

/** A stream with unique names and graphs, so tests never see each other's data. */
export function testStream(overrides: Record<string, unknown> = {}): TestStream {
  const name = `s${uuidv4().slice(0, 8)}`;
  const base = `http://test.example/${name}`;
  const entry = {
    dcatDataSetSubject: `${base}/DumpSubject`,
    targetGraph: `${base}/publication`,
    fileBaseName: `dump-${name}`,
    targetDcatGraph: `${base}/dcat`,
    targetFilesGraph: `${base}/files`,
    ...overrides,
  };
  return {
    name,
    jobsGraph: `${base}/jobs`,
    dumpOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/deltaDumpFileCreation/${name}`,
    initialSyncOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/initialPublicationGraphSyncing/${name}`,
    entry,
    subject: entry.dcatDataSetSubject,
    targetGraph: entry.targetGraph,
    dcatGraph: entry.targetDcatGraph,
    filesGraph: entry.targetFilesGraph,
  };
}

export function writeConfig(streams: TestStream[], dir = mkdtempSync(join(tmpdir(), 'dump-config-'))): string {
  const path = join(dir, 'config.json');
  const config: Record<string, unknown> = {};
  for (const stream of streams) {
    config[stream.dumpOperation] = stream.entry;
    config[stream.initialSyncOperation] = stream.entry;
  }
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export function testEnv(sparqlEndpoint: string, streams: TestStream[], env: Record<string, string> = {}): Record<string, string> {
  return {
    CONFIG_PATH: writeConfig(streams),
    SHARE_DIR: mkdtempSync(join(tmpdir(), 'dump-share-')),
    MU_SPARQL_ENDPOINT: sparqlEndpoint,
    PORT: '0',
    HOST: '127.0.0.1',
    PING_DB_INTERVAL: '1',
    TASK_SCAN_INTERVAL_MS: '3600000',
    LOG_LEVEL: 'silent',
    ...env,
  };
}

export function testConfig(sparqlEndpoint: string, streams: TestStream[], env: Record<string, string> = {}): PublisherConfig {
  return loadPublisherConfig(testEnv(sparqlEndpoint, streams, env));
}

export const silentLogger = (): Logger => createLogger({ level: 'silent', format: 'json', name: 'dump-test' });

export async function startPublisher(config: PublisherConfig, logger: Logger = silentLogger()): Promise<RunningDumpPublisher> {
  const publisher = await startDumpPublisher(config, logger);
  await publisher.started;
  // The start-up scan runs in the background; waiting for it keeps it from racing the test's own pickups.
  await publisher.runner.scan();
  return publisher;
}

export function storeHelpers(sparqlEndpoint: string): { client: SparqlClient; jobs: JobRepository } {
  const client = createSparqlClient({ endpoint: sparqlEndpoint });
  return { client, jobs: new JobRepository(client) };
}

/** A busy dump job with a scheduled dump task, as the jobs-initiator writes them. */
export async function scheduleDump(jobs: JobRepository, stream: TestStream, operation = stream.dumpOperation): Promise<{ job: string; task: string }> {
  const created = await jobs.createJobWithTask({ graph: stream.jobsGraph, jobOperation: operation, taskOperation: TASK_OPERATIONS.dump, creator: 'http://test.example/creator' });
  return created!;
}

export async function statusOf(client: SparqlClient, subject: string, graph: string): Promise<string | undefined> {
  const rows = await client.select(sparql`SELECT ?status WHERE { GRAPH ${namedNode(graph)} { ${namedNode(subject)} adms:status ?status } }`);
  return rows[0]?.status?.value;
}

/** Polls until `check` returns a value (no timing is asserted: jest's timeout is the limit). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, intervalMs = 100): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function waitForStatus(client: SparqlClient, task: string, graph: string, status: keyof typeof STATUS): Promise<void> {
  await eventually(async () => (await statusOf(client, task, graph)) === STATUS[status]);
}

/** Every triple of a graph with an IRI subject, read in keyset pages (the store may cut one big result). */
export async function graphTriples(client: SparqlClient, graph: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const subjects of client.selectPaged(
    (page) => sparql`SELECT ?s WHERE { GRAPH ${namedNode(graph)} { ?s ?p ?o } FILTER(isIRI(?s)) ${page.after ? sparql`FILTER(STR(?s) > ${literal(page.after.value)})` : sparql``} } GROUP BY ?s ORDER BY STR(?s) LIMIT ${page.limit}`,
    { key: 's', pageSize: 5000 },
  )) {
    for (let start = 0; start < subjects.length; start += 500) {
      const batch = subjects.slice(start, start + 500).map((row) => row.s!);
      const rows = await client.selectAll(sparql`SELECT ?s ?p ?o WHERE { VALUES ?s { ${batch} } GRAPH ${namedNode(graph)} { ?s ?p ?o } }`);
      for (const row of rows) keys.add(canonicalTripleKey({ subject: row.s!, predicate: row.p!, object: row.o!, graph: namedNode(graph) } as unknown as Quad));
    }
  }
  return keys;
}

/** The triples of a Turtle document, as canonical keys. */
export function turtleTriples(text: string): Set<string> {
  return new Set(new Parser({ format: 'text/turtle' }).parse(text).map((quad) => canonicalTripleKey(quad)));
}

/** A proxy in front of a SPARQL endpoint that awaits `before(body)` before forwarding each request. */
export async function startHookProxy(target: string, before: (body: string) => Promise<void>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        await before(body.toString('utf8'));
        const upstream = await fetch(target, { method: request.method, headers: { 'content-type': request.headers['content-type'] ?? 'application/x-www-form-urlencoded', accept: request.headers.accept ?? '*/*' }, body: request.method === 'GET' ? undefined : body });
        const headers: Record<string, string> = {};
        upstream.headers.forEach((value, key) => {
          if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(key)) headers[key] = value;
        });
        const payload = Buffer.from(await upstream.arrayBuffer());
        response.writeHead(upstream.status, headers);
        response.end(payload);
      })().catch((error: unknown) => {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sparql`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
