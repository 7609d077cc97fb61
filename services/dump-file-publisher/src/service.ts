/**
 * The dump publisher's composition: config → SPARQL clients → repositories → publisher and task runner
 * → HTTP, torn down in reverse. `main.ts` runs it as a process; tests start it in-process.
 */
import {
  createHttpApp,
  createSparqlClient,
  FileRepository,
  Lifecycle,
  ReadinessChecks,
  startHttpServer,
  type Logger,
  type SparqlClient,
} from '@delta-producer/core';
import type { PublisherConfig } from './config/publisher-config.js';
import type { DumpStream } from './config/stream-config.js';
import { createRoutes } from './http/routes.js';
import { DatasetRepository } from './metadata/dataset-repository.js';
import { DumpPublisher } from './publisher.js';
import { TaskRepository } from './tasks/task-repository.js';
import { TaskRunner } from './tasks/task-runner.js';

export interface RunningDumpPublisher {
  url: string;
  runner: TaskRunner;
  publisher: DumpPublisher;
  /** Resolves once the store answered, heads were repaired and the first scan ran. */
  started: Promise<void>;
  stop(): Promise<void>;
}

export async function startDumpPublisher(config: PublisherConfig, logger: Logger): Promise<RunningDumpPublisher> {
  const lifecycle = new Lifecycle({ logger });
  const client = createSparqlClient({ endpoint: config.sparqlEndpoint, logger, maxRows: config.maxRows });
  const readers = new Map<string, SparqlClient>();
  const readerClient = (stream: DumpStream): SparqlClient => {
    const endpoint = stream.publicationGraphEndpoint ?? config.sparqlEndpoint;
    let reader = readers.get(endpoint);
    if (!reader) {
      reader = endpoint === config.sparqlEndpoint ? client : createSparqlClient({ endpoint, logger, maxRows: config.maxRows });
      readers.set(endpoint, reader);
    }
    return reader;
  };
  const datasets = new DatasetRepository(client);
  const tasks = new TaskRepository(client, config.taskOperation, config.streams.flatMap((stream) => stream.jobOperations));
  const publisher = new DumpPublisher({ datasets, readerClient, settings: config, logger });
  const runner = new TaskRunner({ tasks, publisher, streams: config.streams, settings: config, logger });
  const abortStart = new AbortController();
  lifecycle.onStop('start-up', () => abortStart.abort());
  lifecycle.onStop('task runner', () => runner.stop());

  const readiness = new ReadinessChecks();
  readiness.register('sparql', async (signal) => {
    await client.ask('ASK { ?s ?p ?o }', { signal, retry: false, sudo: true });
  });
  const files = new FileRepository(client, [...new Set(config.streams.map((stream) => stream.filesGraph))]);
  const routes = createRoutes({ streams: config.streams, datasets, files, runner, shareDir: config.shareDir, logger });
  const app = createHttpApp({ logger, jsonLimit: config.service.MAX_BODY_SIZE, jsonLimitByPath: { '/delta': '100mb' }, routes, readiness });
  const server = await startHttpServer(app, { port: config.service.PORT, host: config.service.HOST, requestTimeoutMs: config.service.REQUEST_TIMEOUT_MS, logger });
  lifecycle.onStop('http', () => server.close());
  const host = server.address.family === 'IPv6' ? `[${server.address.address}]` : server.address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${server.address.port}`;
  logger.info({ url, streams: config.streams.map((stream) => stream.name), config: config.source }, 'dump-file-publisher listening');

  // HTTP answers at once; tasks are picked up once the store answers. Two heads left by a crash (or by
  // the lblod publisher) are repaired before anything else.
  const started = (async () => {
    await client.waitForEndpoint({ logger, maxDelayMs: config.pingIntervalSeconds * 1000, signal: abortStart.signal, sudo: true });
    for (const stream of config.streams) {
      // A failure here must not keep the runner from starting: every publish repairs heads again.
      await publisher.ensureOneHead(stream).catch((error: unknown) => logger.error({ err: error, stream: stream.name }, 'could not check the dump heads at start-up; the next dump does'));
    }
    runner.start();
  })().catch((error: unknown) => {
    if (!abortStart.signal.aborted) logger.error({ err: error }, 'start-up failed');
  });

  return {
    url,
    runner,
    publisher,
    started,
    stop: async () => {
      await lifecycle.stop();
    },
  };
}
