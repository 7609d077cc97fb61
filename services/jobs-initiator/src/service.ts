/**
 * The jobs-initiator's composition: config → SPARQL client → repositories → workers → HTTP, torn down in
 * reverse. `main.ts` runs it as a process; tests start it in-process (several instances at once).
 */
import {
  createHttpApp,
  createSparqlClient,
  JobRepository,
  Lifecycle,
  ReadinessChecks,
  startHttpServer,
  type Logger,
} from '@delta-producer/core';
import type { InitiatorConfig } from './config/initiator-config.js';
import { createJobRoutes } from './http/job-routes.js';
import { StreamJobs } from './jobs/stream-jobs.js';
import { JobLifecycle } from './lifecycle/job-lifecycle.js';
import { CronRunner } from './scheduling/cron-runner.js';
import { JobScheduler, reportTriggerFailure } from './scheduling/job-scheduler.js';

export interface RunningJobsInitiator {
  url: string;
  scheduler: JobScheduler;
  cron: CronRunner;
  jobLifecycle: JobLifecycle;
  /** Resolves once the store answered and start-up jobs were triggered. */
  started: Promise<void>;
  stop(): Promise<void>;
}

export async function startJobsInitiator(config: InitiatorConfig, logger: Logger): Promise<RunningJobsInitiator> {
  const lifecycle = new Lifecycle({ logger });
  const client = createSparqlClient({ endpoint: config.sparqlEndpoint, logger });
  const repository = new JobRepository(client);
  const streamJobs = new StreamJobs(client, repository, config.taskOperations);
  const jobLifecycle = new JobLifecycle({ client, repository, config, logger });
  const scheduler = new JobScheduler(streamJobs, jobLifecycle, logger);
  const cron = new CronRunner(async (stream, kind, tick) => {
    try {
      return await scheduler.trigger(stream, kind, { source: 'cron', tick });
    } catch (error) {
      await reportTriggerFailure(repository, stream, kind, error, logger);
      return undefined;
    }
  }, logger);
  const abortStart = new AbortController();
  lifecycle.onStop('start-up', () => abortStart.abort());
  lifecycle.onStop('cron', () => cron.stop());
  lifecycle.onStop('job lifecycle', () => jobLifecycle.stop());
  lifecycle.onStop('scheduler', () => scheduler.idle());

  const readiness = new ReadinessChecks();
  readiness.register('sparql', () => streamJobs.ping());
  const routes = createJobRoutes({ streams: config.streams, unprefixedRoutes: config.unprefixedRoutes, scheduler, streamJobs, repository, lifecycle: jobLifecycle, logger });
  const app = createHttpApp({ logger, jsonLimit: config.service.MAX_BODY_SIZE, jsonLimitByPath: { '/delta': '100mb' }, routes, readiness });
  const server = await startHttpServer(app, { port: config.service.PORT, host: config.service.HOST, requestTimeoutMs: config.service.REQUEST_TIMEOUT_MS, logger });
  lifecycle.onStop('http', () => server.close());
  const host = server.address.family === 'IPv6' ? `[${server.address.address}]` : server.address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${server.address.port}`;
  logger.info({ url, streams: config.streams.map((stream) => stream.name), config: config.source }, 'jobs-initiator listening');

  // The HTTP server answers /health at once; jobs start once the store answers (pitfall 52: routes
  // exist from the start and answer 503 while the store is down).
  const started = (async () => {
    await client.waitForEndpoint({ logger, maxDelayMs: config.pingIntervalSeconds * 1000, signal: abortStart.signal, sudo: true });
    for (const stream of config.streams.filter((candidate) => candidate.startInitialSync)) {
      try {
        await scheduler.trigger(stream, 'initialSync', { source: 'startup' });
      } catch (error) {
        await reportTriggerFailure(repository, stream, 'initialSync', error, logger);
      }
    }
    cron.start(config.streams);
    jobLifecycle.start();
  })().catch((error: unknown) => {
    if (!abortStart.signal.aborted) logger.error({ err: error }, 'start-up failed');
  });

  return {
    url,
    scheduler,
    cron,
    jobLifecycle,
    started,
    stop: async () => {
      await lifecycle.stop();
    },
  };
}
