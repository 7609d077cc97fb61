/**
 * Files listing with many files (not a test; target p99 ≤ 50 ms with 100k files, reported, never
 * asserted): the metadata of N delta files (logical + physical, 18 triples each, as the writer
 * inserts them) is written into a files graph of each store; then the maintainer's listing route
 * (file index loaded from the store, one visibility ASK per non-empty answer, JSON:API body) answers
 * over HTTP:
 *   - catch-up: `since` uniformly random over the stored range, pages of MAX_DELTA_FILES_PER_REQUEST (1000);
 *   - poll: `since` = the created of one of the last files (what a consumer asks every minute).
 *
 *   npm run bench -- delta-files          (BENCH_STORES=embedded,virtuoso  BENCH_SIZES=100000)
 */
import { randomUUID } from 'node:crypto';
import { createHttpApp, createSparqlClient, FileRepository, startHttpServer, type Logger } from '@delta-producer/core';
import { pino } from 'pino';
import { forEachStore, benchSizes } from '../../../bench/support/stores.js';
import { percentile, printTable, writeResults, type Row } from '../../../bench/support/report.js';
import { DeltaFileIndex } from '../src/delta-files/file-index.js';
import { FileMetadataRepository } from '../src/delta-files/file-metadata-repository.js';
import { deltaFileName, deltaFileRelativePath } from '../src/delta-files/file-naming.js';
import { createFilesRoutes } from '../src/http/files-routes.js';
import { ConsumerSessions } from '../src/login/consumer-sessions.js';
import { SessionRepository } from '../src/login/session-repository.js';

const REQUESTS = 2000;
const PAGE = 1000;
const logger: Logger = pino({ level: 'warn' });
const rows: Row[] = [];

async function timeRequests(url: string, sinceOf: () => string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now();
    const response = await fetch(`${url}?since=${sinceOf()}`);
    const body = (await response.json()) as { data: unknown[] };
    times.push(performance.now() - start);
    if (response.status !== 200 || !Array.isArray(body.data)) throw new Error(`listing answered ${response.status}`);
  }
  return times;
}

await forEachStore(async (store) => {
  for (const size of benchSizes([100_000])) {
    const client = createSparqlClient({ endpoint: store.endpoint, logger, timeoutMs: 600_000 });
    const filesGraph = `http://example.org/bench/delta-files/${randomUUID()}`;
    const repository = new FileMetadataRepository({ client, filesGraph, publisherUri: 'http://example.org/bench/publisher', scope: 'http://example.org/bench/scope' });
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    const loadStart = performance.now();
    for (let start = 0; start < size; start += 500) {
      const batch = Array.from({ length: Math.min(500, size - start) }, (_, offset) => {
        const created = t0 + (start + offset) * 1000;
        const name = deltaFileName(created, 'bench', 0);
        return { file: { uuid: randomUUID(), physicalUuid: randomUUID(), name, relativePath: deltaFileRelativePath('deltas', created, name), created }, size: 1234 };
      });
      await repository.insert(batch);
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;

    const index = new DeltaFileIndex();
    const indexStart = performance.now();
    index.load(await repository.list());
    const indexSeconds = (performance.now() - indexStart) / 1000;
    if (index.size !== size) throw new Error(`index holds ${index.size} files, ${size} were written`);

    const sessions = new ConsumerSessions(new SessionRepository({ client, accountGraph: `${filesGraph}/login`, account: 'http://example.org/bench/account', scope: 'http://example.org/bench/scope' }));
    const routes = createFilesRoutes({
      streams: [{ filesPath: '/bench/files', index, repository, maxFilesPerRequest: PAGE, login: { stream: 'bench', loginPath: '/bench/login', key: undefined, sessions } }],
      download: { files: new FileRepository(client, [filesGraph]), shareDir: '/tmp' },
      logger,
    });
    const server = await startHttpServer(createHttpApp({ logger, jsonLimit: '1mb', routes }), { port: 0, host: '127.0.0.1', requestTimeoutMs: 60_000, logger });
    const url = `http://127.0.0.1:${server.address.port}/bench/files`;
    try {
      const iso = (ms: number) => new Date(ms).toISOString();
      const catchUp = await timeRequests(url, () => iso(t0 + Math.floor(Math.random() * size) * 1000));
      const poll = await timeRequests(url, () => iso(t0 + (size - 1 - Math.floor(Math.random() * 3)) * 1000));
      for (const [pattern, times] of [
        ['catch-up (≤ 1000 files per answer)', catchUp],
        ['poll (0–2 files per answer)', poll],
      ] as const) {
        rows.push({
          store: store.kind,
          files: size,
          pattern,
          'p50 ms': percentile(times, 50),
          'p95 ms': percentile(times, 95),
          'p99 ms': percentile(times, 99),
          'metadata insert s': loadSeconds,
          'index load s': indexSeconds,
        });
      }
      printTable(`${store.description}, ${size.toLocaleString('en-US')} files`, rows.filter((row) => row.store === store.kind && row.files === size));
    } finally {
      await server.close();
      // The embedded store is a throwaway child process; a shared Virtuoso is cleaned.
      if (store.kind === 'virtuoso') await client.update(`DROP SILENT GRAPH <${filesGraph}>`);
    }
  }
});

printTable(`Files listing over HTTP, ${REQUESTS} requests per pattern (target p99 ≤ 50 ms with 100k files)`, rows);
console.log(`\nwritten to ${writeResults('delta-files', rows)}`);
