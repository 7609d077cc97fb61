/**
 * startDevGateway: the gateway as one in-process object — backend → notifier → engine → HTTP —
 * used by main.ts and by integration tests of the whole suite (port 0, a temp DATA_DIR).
 *
 * stop() tears down in reverse: the HTTP server stops taking requests and drains the running ones,
 * the engine finishes the queued updates, the notifier flushes its bundles and deliveries, the
 * backend closes its journal and lock.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NamedNode } from '@rdfjs/types';
import { createHttpApp, createLogger, Lifecycle, namedNode, ReadinessChecks, startHttpServer, type Logger } from '@delta-producer/core';
import { openEmbeddedBackend } from './backend/embedded.js';
import { createRemoteBackend } from './backend/remote.js';
import type { Backend } from './backend/types.js';
import { DEFAULT_GRAPH, DEFAULT_JOURNAL_COMPACT_BYTES, DEFAULT_RESULT_SET_MAX_ROWS } from './config.js';
import { DELTA_PATH, DIRECT_PATH, sparqlRoutes } from './http/sparql-routes.js';
import { createNotifier, loadRules, type DeltaRule } from './notifier/index.js';
import type { DeltaSink } from './notifier/types.js';
import type { DeltaMode } from './update/changesets.js';
import { UpdateEngine } from './update/engine.js';

export interface DevGatewayOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Embedded store directory; required unless `backendSparqlUrl` is given. */
  dataDir?: string;
  /** A remote SPARQL endpoint (e.g. Virtuoso) instead of the embedded store. */
  backendSparqlUrl?: string;
  /** Default `effective`. */
  deltaMode?: DeltaMode;
  /** Default http://mu.semte.ch/application. */
  defaultGraph?: string;
  /** Embedded store: rows a client's SELECT returns at most, 0 = no limit. Default 10 000. */
  resultSetMaxRows?: number;
  /** Embedded store: journal size that triggers a snapshot. Default 64 MiB. */
  journalCompactBytes?: number;
  /**
   * delta-notifier rules: validated rules, or the path of a rules.js. With `rulesOptional`, a
   * missing file means no rules. Ignored when `sink` is given.
   */
  rules?: readonly DeltaRule[] | string;
  rulesOptional?: boolean;
  /** Receives the DeltaEvents instead of the notifier (tests). */
  sink?: DeltaSink;
  /** Default: silent. */
  logger?: Logger;
  /** Largest SPARQL request body. Default 512 MiB. */
  bodyLimit?: number | string;
  /** Default 120 000 ms. */
  requestTimeoutMs?: number;
}

export interface DevGateway {
  /** The delta endpoint (stands for mu-authorization): `http://host:port/sparql`. */
  url: string;
  /** The endpoint without deltas (stands for Virtuoso): `http://host:port/direct/sparql`. */
  directUrl: string;
  /** `http://host:port` (also serves `/health` and `/ready`). */
  baseUrl: string;
  port: number;
  backend: Backend['kind'];
  /** Stops everything (see the module comment); rejects when a part failed to stop. A second call returns the same promise. */
  stop(): Promise<void>;
}

export async function startDevGateway(options: DevGatewayOptions = {}): Promise<DevGateway> {
  const logger = options.logger ?? createLogger({ level: 'silent', format: 'json', name: 'dev-gateway' });
  const defaultGraph = namedNode(options.defaultGraph ?? DEFAULT_GRAPH, 'defaultGraph');
  const lifecycle = new Lifecycle({ logger });
  try {
    const backend = await openBackend(options, logger, defaultGraph);
    lifecycle.onStop('backend', () => backend.close());
    logger.info({ backend: backend.description }, 'backend ready');

    const sink = options.sink ?? (await createSink(options, logger));
    lifecycle.onStop('notifier', () => sink.stop());

    const engine = new UpdateEngine({ backend, sink, logger, deltaMode: options.deltaMode ?? 'effective', defaultGraph });
    lifecycle.onStop('update engine', () => engine.stop());

    const readiness = new ReadinessChecks();
    readiness.register('store', (signal) => backend.check(signal));
    const routes = sparqlRoutes({ engine, backend, logger, bodyLimit: options.bodyLimit ?? 512 * 1024 * 1024 });
    const app = createHttpApp({ logger, jsonLimit: '1mb', routes, readiness });
    const server = await startHttpServer(app, {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      requestTimeoutMs: options.requestTimeoutMs ?? 120_000,
      logger,
    });
    lifecycle.onStop('http server', () => server.close());

    const host = server.address.family === 'IPv6' ? `[${server.address.address}]` : server.address.address;
    const baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${server.address.port}`;
    logger.info({ url: `${baseUrl}${DELTA_PATH}`, directUrl: `${baseUrl}${DIRECT_PATH}`, deltaMode: options.deltaMode ?? 'effective' }, 'dev-gateway started');
    let stopped: Promise<void> | undefined;
    return {
      url: `${baseUrl}${DELTA_PATH}`,
      directUrl: `${baseUrl}${DIRECT_PATH}`,
      baseUrl,
      port: server.address.port,
      backend: backend.kind,
      stop: () => (stopped ??= stopLifecycle(lifecycle)),
    };
  } catch (error) {
    await lifecycle.stop();
    throw error;
  }
}

async function openBackend(options: DevGatewayOptions, logger: Logger, defaultGraph: NamedNode): Promise<Backend> {
  if (options.backendSparqlUrl !== undefined) return createRemoteBackend({ url: options.backendSparqlUrl, logger });
  if (options.dataDir === undefined) throw new Error('startDevGateway needs dataDir (embedded store) or backendSparqlUrl');
  return openEmbeddedBackend({
    dataDir: options.dataDir,
    resultSetMaxRows: options.resultSetMaxRows ?? DEFAULT_RESULT_SET_MAX_ROWS,
    journalCompactBytes: options.journalCompactBytes ?? DEFAULT_JOURNAL_COMPACT_BYTES,
    defaultGraph,
    logger,
  });
}

async function createSink(options: DevGatewayOptions, logger: Logger): Promise<DeltaSink> {
  let rules: readonly DeltaRule[] = [];
  if (typeof options.rules === 'string') {
    const path = resolve(options.rules);
    if (existsSync(path) || !options.rulesOptional) rules = await loadRules(path, { logger });
    else logger.warn({ rules: path }, 'no delta rules file; deltas are not sent anywhere');
  } else if (options.rules) {
    rules = options.rules;
  }
  logger.info({ rules: rules.length }, 'delta notifier ready');
  return createNotifier({ rules, logger });
}

async function stopLifecycle(lifecycle: Lifecycle): Promise<void> {
  const outcome = await lifecycle.stop();
  if (!outcome.ok) {
    throw new AggregateError(
      outcome.failures.map((failure) => failure.error),
      `dev-gateway: ${outcome.failures.map((failure) => failure.name).join(', ')} failed to stop`,
    );
  }
}
