/**
 * The maintainer's composition: config → SPARQL clients → intake log and outboxes → stream workers →
 * HTTP, torn down in reverse (the HTTP server stops taking deltas and finishes the appends under way,
 * the workers stop, the logs close). `main.ts` runs it as a process; tests start it in-process.
 */
import { join } from 'node:path';
import { Router } from 'express';
import { createHttpApp, createSparqlClient, FileRepository, Lifecycle, namedNode, PREDICATES, ReadinessChecks, startHttpServer, STATUS, type Changeset, type Logger, type SparqlClient } from '@delta-producer/core';
import { RESERVED_ROUTES, type MaintainerConfig } from './config/index.js';
import { FILES_CURSOR } from './delta-files/delta-file-writer.js';

import { startStreamDeltaFiles, type DeltaFilesTestHooks, type StreamDeltaFiles } from './delta-files/stream-delta-files.js';
import { createDeltaRoutes, deltaPathAliases, DELTA_PATH } from './http/delta-route.js';
import { collapseSlashes, createFilesRoutes, type ServedStream } from './http/files-routes.js';
import { createLoginRoute } from './http/login-route.js';
import { ConsumerSessions } from './login/consumer-sessions.js';
import { LoginThrottle } from './login/login-throttle.js';
import { SessionRepository } from './login/session-repository.js';
import { Outbox, PublicationWriter } from './live/apply.js';
import type { BatchLimits } from './live/batching.js';
import { Intake } from './live/intake.js';
import { StreamReconciler } from './live/reconcile.js';
import { intakeCursorName, StreamWorker, type RetryBackoff } from './live/stream-worker.js';
import { DurableLog, LogCompaction } from './storage/index.js';
import { ClaimFile } from './tasks/claim-file.js';
import { StreamTaskRunner } from './tasks/stream-task-runner.js';
import { createTaskExecutors } from './tasks/task-executors.js';
import { MaintainerTaskRepository } from './tasks/task-repository.js';

export interface StartMaintainerOptions {
  /**
   * Start the stream workers (default true). With false, deltas are taken into the intake log (and
   * the cursors exist) but nothing is processed until a later start — for tests of the intake.
   */
  startWorkers?: boolean;
  /** Batch limits of the workers (default 50 records / 5 000 quads). */
  batchLimits?: BatchLimits;
  /** Back-off of a failing batch (default 500 ms doubling to 30 s). */
  retry?: RetryBackoff;
  /** Clock, crash points and back-off of the delta-file writers (tests). */
  deltaFiles?: DeltaFilesTestHooks;
  /** Failed login attempts per client and stream per minute before the client is refused (default 10). */
  loginFailuresPerMinute?: number;
}

export interface RunningMaintainer {
  /** `http://host:port` of the HTTP server. */
  url: string;
  workers: ReadonlyMap<string, StreamWorker>;
  /** Initial-sync and healing task runners per stream (absent when workers were not started). */
  tasks: ReadonlyMap<string, StreamTaskRunner>;
  intake: Intake;
  /** Each stream's outbox (what healing commits through, too). */
  outboxes: ReadonlyMap<string, Outbox>;
  /** Delta files of the streams that serve them. */
  deltaFiles: ReadonlyMap<string, StreamDeltaFiles>;
  /** Resolves once every stream consumed the intake log up to its end at the time of the call. */
  idle(): Promise<void>;
  /** idle(), then every change applied by then is in a published delta file. */
  filesFlushed(): Promise<void>;
  stop(): Promise<void>;
}

export const INTAKE_DIRECTORY = 'intake';
export const OUTBOX_DIRECTORY = 'outbox';

export async function startMaintainer(config: MaintainerConfig, logger: Logger, options: StartMaintainerOptions = {}): Promise<RunningMaintainer> {
  const lifecycle = new Lifecycle({ logger });
  try {
    return await compose(config, logger, options, lifecycle);
  } catch (error) {
    await lifecycle.stop();
    throw error;
  }
}

async function compose(config: MaintainerConfig, logger: Logger, options: StartMaintainerOptions, lifecycle: Lifecycle): Promise<RunningMaintainer> {
  const clients = new Map<string, SparqlClient>();
  const clientFor = (endpoint: string): SparqlClient => {
    let client = clients.get(endpoint);
    if (!client) clients.set(endpoint, (client = createSparqlClient({ endpoint, logger, retry: config.sparqlRetry })));
    return client;
  };

  // One record per body: room for the largest body MAX_BODY_SIZE admits, re-encoded (the format allows 4 GiB − 1).
  const maxRecordBytes = Math.min(2 ** 32 - 1, Math.max(256 * 1024 * 1024, 2 * config.deltaBodyLimitBytes));
  const intakeLog = await DurableLog.open({ dir: join(config.dataDir, INTAKE_DIRECTORY), logger, maxRecordBytes });
  lifecycle.onStop('intake log', () => intakeLog.close());
  const intake = new Intake(intakeLog, logger);
  await intake.removeStaleCursors(config.streams.map((stream) => stream.name));

  const workers = new Map<string, StreamWorker>();
  const runners = new Map<string, StreamTaskRunner>();
  const deltaFiles = new Map<string, StreamDeltaFiles>();
  const outboxes = new Map<string, Outbox>();
  const compactions: LogCompaction[] = [];
  for (const stream of config.streams) {
    const outboxLog = await DurableLog.open({ dir: join(config.dataDir, OUTBOX_DIRECTORY, stream.name), logger });
    lifecycle.onStop(`outbox ${stream.name}`, () => outboxLog.close());
    const writerFor = (endpoint: string, scope: string, batchSize?: number) =>
      new PublicationWriter({ stream: stream.name, publicationGraph: namedNode(stream.publicationGraph).value, client: clientFor(endpoint), scope, throttleMs: stream.throttleMs, logger, ...(batchSize ? { batchSize } : {}) });
    const writer = writerFor(stream.endpoints.publicationWriteEndpoint, stream.scopes.liveWrites);
    const healingWriter = writerFor(stream.endpoints.healingWriteEndpoint, stream.scopes.healingWrites, stream.writeBatchSize);
    const outbox = new Outbox({ stream: stream.name, log: outboxLog, writer, healingWriter, logger });
    outboxes.set(stream.name, outbox);
    const compaction = new LogCompaction(outboxLog, `outbox of stream ${stream.name}`, logger);
    compactions.push(compaction);
    if (stream.deltaFiles.serve) {
      deltaFiles.set(stream.name, startStreamDeltaFiles(config, stream, { client: clientFor(config.stores.sparql), outbox, log: outboxLog, compaction, logger, ...(options.deltaFiles ? { hooks: options.deltaFiles } : {}) }));
    } else {
      // Without delta files only `applied` holds the outbox back.
      if (outboxLog.cursorNames().includes(FILES_CURSOR)) {
        logger.warn({ stream: stream.name }, 'serveDeltaFiles is off: the delta-file cursor of the outbox is removed (changes applied meanwhile will not become delta files)');
        await outboxLog.removeCursor(FILES_CURSOR);
      }
      outbox.onApplied(() => compaction.soon());
    }
    const reconciler = new StreamReconciler(stream, { source: clientFor(stream.endpoints.sourceReadEndpoint), publication: clientFor(stream.endpoints.publicationReadEndpoint) }, logger);
    // A new stream starts at the end of the intake: its graph is filled by the initial sync.
    const cursor = await intakeLog.cursor(intakeCursorName(stream.name), { initial: 'end' });
    const worker = new StreamWorker({
        stream: stream.name,
        intake: intakeLog,
        cursor,
        outbox,
        reconciler,
        logger,
        ...(options.batchLimits ? { limits: options.batchLimits } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
        logBatches: config.logging.deltaRewrite,
        onAck: () => intake.compactSoon(),
      });
    workers.set(stream.name, worker);
    const taskRepository = new MaintainerTaskRepository(clientFor(stream.endpoints.sparqlEndpoint), stream.jobsGraph, { tasks: config.taskOperations, jobs: stream.jobOperations });
    const executors = createTaskExecutors({
      stream,
      clients: { source: clientFor(stream.endpoints.sourceReadEndpoint), publication: clientFor(stream.endpoints.publicationReadEndpoint), initialSyncWrite: clientFor(stream.endpoints.initialSyncWriteEndpoint) },
      // INSERT … WHERE only when the writes go straight into the store that holds the source.
      serverSideInitialSync: stream.skipMuAuthInitialSync && config.stores.publicationVirtuoso === config.stores.virtuoso,
      reconciler,
      outbox,
      pageSize: config.tasks.pageSize,
      logger,
    });
    runners.set(
      stream.name,
      new StreamTaskRunner({
        stream: stream.name,
        waitForInitialSync: stream.waitForInitialSync,
        repository: taskRepository,
        live: worker,
        intakeLastSeq: () => intakeLog.lastSeq,
        executors,
        claimFile: new ClaimFile(config.dataDir, stream.name),
        scanIntervalMs: config.tasks.scanIntervalMs,
        staleAfterMs: config.tasks.staleAfterMs,
        logger,
      }),
    );
  }
  lifecycle.onStop('intake compaction', () => intake.settled());
  lifecycle.onStop('outbox compaction', async () => {
    for (const compaction of compactions) await compaction.settled();
  });
  lifecycle.onStop('delta files', async () => {
    await Promise.all([...deltaFiles.values()].map((files) => files.stop()));
  });
  lifecycle.onStop('stream workers', async () => {
    await Promise.all([...workers.values()].map((worker) => worker.stop()));
  });
  // Stopped before the workers (hooks run in reverse): a running task is interrupted first.
  lifecycle.onStop('task runners', async () => {
    await Promise.all([...runners.values()].map((runner) => runner.stop()));
  });
  const startWorkers = options.startWorkers ?? true;
  if (startWorkers) {
    for (const worker of workers.values()) worker.start();
    for (const runner of runners.values()) await runner.start();
  } else logger.warn('stream workers not started: deltas are only taken into the intake log');
  const wakeRunners = (changesets: readonly Changeset[]) => {
    if (!startWorkers) return;
    const scheduled = changesets.some((changeset) => changeset.inserts.some((q) => q.predicate.value === PREDICATES.status && q.object.value === STATUS.scheduled));
    if (scheduled) for (const runner of runners.values()) runner.wake();
  };

  const reserved = [...RESERVED_ROUTES, ...config.streams.flatMap((stream) => [stream.deltaFiles.filesPath, stream.login.path])];
  const aliases = deltaPathAliases(config.ignored, reserved, logger);
  const routes = Router();
  routes.use(collapseSlashes);
  routes.use(createDeltaRoutes({ intake, logger, aliases, logIncoming: config.logging.incomingDelta, onAccepted: wakeRunners }));
  const sessionClient = clientFor(config.stores.sparql);
  const throttle = new LoginThrottle({ maxFailures: options.loginFailuresPerMinute ?? 10, windowMs: 60_000 });
  const served: ServedStream[] = [];
  for (const stream of config.streams) {
    const repository = new SessionRepository({ client: sessionClient, accountGraph: stream.login.accountGraph, account: stream.login.account, scope: stream.scopes.deltaFileMetadata });
    const sessions = new ConsumerSessions(repository);
    if (stream.login.key === undefined && stream.deltaFiles.serve) logger.warn({ stream: stream.name }, 'no login key configured: consumer login is disabled and the files are served without a session');
    routes.use(createLoginRoute({ stream: stream.name, path: stream.login.path, key: stream.login.key, sessions, repository, throttle, logger }));
    const files = deltaFiles.get(stream.name);
    if (files) {
      served.push({
        filesPath: stream.deltaFiles.filesPath,
        index: files.index,
        repository: files.repository,
        maxFilesPerRequest: stream.deltaFiles.maxFilesPerRequest,
        login: { stream: stream.name, loginPath: stream.login.path, key: stream.login.key, sessions },
      });
    }
  }
  if (served.length > 0) {
    const graphs = [...new Set(config.streams.filter((stream) => stream.deltaFiles.serve).map((stream) => stream.deltaFiles.filesGraph))];
    routes.use(createFilesRoutes({ streams: served, download: { files: new FileRepository(sessionClient, graphs), shareDir: config.shareDir }, logger }));
  }
  const readiness = new ReadinessChecks();
  readiness.register('delta files', () => {
    const failing = [...deltaFiles.entries()].filter(([, files]) => !files.index.loaded || files.writer.failures > 0);
    if (failing.length > 0) throw new Error(`delta files not loaded or failing: ${failing.map(([name, files]) => `${name} (${files.writer.failures} failed flushes)`).join(', ')}`);
  });
  readiness.register('stream workers', () => {
    const behind = [...workers.values()].filter((worker) => worker.state === 'recovering' || worker.state === 'failed' || worker.failures > 0);
    if (behind.length > 0) throw new Error(`streams failing or recovering: ${behind.map((worker) => `${worker.stream} (${worker.state}, ${worker.failures} failed attempts)`).join(', ')}`);
  });
  const bodyLimit = config.deltaBodyLimitBytes;
  const app = createHttpApp({
    logger,
    jsonLimit: bodyLimit,
    jsonLimitByPath: Object.fromEntries([DELTA_PATH, ...aliases].map((path) => [path, bodyLimit])),
    routes,
    readiness,
  });
  const server = await startHttpServer(app, { port: config.service.PORT, host: config.service.HOST, requestTimeoutMs: config.service.REQUEST_TIMEOUT_MS, logger });
  lifecycle.onStop('http', () => server.close());
  const host = server.address.family === 'IPv6' ? `[${server.address.address}]` : server.address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${server.address.port}`;
  logger.info({ url, streams: config.streams.map((stream) => stream.name), dataDir: config.dataDir }, 'publication-graph-maintainer listening');

  return {
    url,
    workers,
    tasks: runners,
    intake,
    outboxes,
    deltaFiles,
    idle: async () => {
      await Promise.all([...workers.values()].map((worker) => worker.idle()));
    },
    filesFlushed: async () => {
      await Promise.all([...workers.values()].map((worker) => worker.idle()));
      await Promise.all([...deltaFiles.values()].map(async (files) => {
        await files.started;
        await files.writer.flushed();
      }));
    },
    stop: async () => {
      await lifecycle.stop();
    },
  };
}
