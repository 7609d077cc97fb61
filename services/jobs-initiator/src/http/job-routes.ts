/**
 * The initiator's HTTP API: per stream, POST/DELETE job routes that await the outcome, a paged jobs
 * listing, and `POST /delta` for the lifecycle. Routes answer every request (JSON:API errors); bad input
 * gets a 4xx before anything is written.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { badRequest, HttpError, notFound, parseDeltaMessage, DeltaFormatError, serviceUnavailable, unauthorized, type Logger } from '@delta-producer/core';
import type { JobKind, StreamConfig } from '../config/stream-config.js';
import type { JobLifecycleApi } from '../lifecycle/contract.js';
import type { StreamJobs } from '../jobs/stream-jobs.js';
import { reportTriggerFailure, type JobScheduler } from '../scheduling/job-scheduler.js';
import type { JobRepository } from '@delta-producer/core';

/** Route segment → job kind. `dump-cache-graph-jobs` is the 0.2.x name of the dump route. */
const JOB_ROUTES: Record<string, JobKind> = {
  'initial-sync-jobs': 'initialSync',
  'healing-jobs': 'healing',
  'dump-publication-graph-jobs': 'dump',
  'dump-cache-graph-jobs': 'dump',
};

export interface JobRoutesDeps {
  streams: StreamConfig[];
  /** Single-stream env mode: also serve the routes without the `/<name>` prefix. */
  unprefixedRoutes: boolean;
  scheduler: JobScheduler;
  streamJobs: StreamJobs;
  repository: JobRepository;
  lifecycle: Pick<JobLifecycleApi, 'acceptDelta'>;
  logger: Logger;
}

const MAX_PAGE_SIZE = 100;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time check of `Authorization: Bearer <token>` when the stream has a trigger token. */
function checkToken(stream: StreamConfig, request: Request): void {
  if (!stream.triggerToken) return;
  const header = request.get('authorization') ?? '';
  const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? '';
  if (!timingSafeEqual(digest(given), digest(stream.triggerToken))) {
    throw unauthorized(`stream "${stream.name}" requires "Authorization: Bearer <trigger token>"`);
  }
}

/** Only the named query parameters are allowed; `force` must be true or false. */
function readQuery(request: Request, allowed: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.query)) {
    if (!allowed.includes(key)) throw badRequest(`unknown query parameter "${key}" (allowed: ${allowed.join(', ') || 'none'})`);
    if (typeof value !== 'string') throw badRequest(`query parameter "${key}" must be given once, as a plain value`);
    values[key] = value;
  }
  return values;
}

function readForce(query: Record<string, string>): boolean {
  const force = query.force;
  if (force === undefined) return false;
  if (force === 'true' || force === 'false') return force === 'true';
  throw badRequest(`force must be "true" or "false", got ${JSON.stringify(force)}`);
}

function refuseBody(request: Request): void {
  const length = Number(request.get('content-length') ?? 0);
  if (length > 0 || request.get('transfer-encoding')) throw badRequest('this route takes no request body');
}

function readPage(query: Record<string, string>): { limit: number; offset: number; number: number } {
  const parse = (key: string, fallback: number, min: number, max: number) => {
    const raw = query[key];
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw badRequest(`${key} must be a whole number from ${min} to ${max}`);
    return Number(raw);
  };
  const size = parse('page[size]', 20, 1, MAX_PAGE_SIZE);
  const number = parse('page[number]', 0, 0, 1_000_000);
  return { limit: size, offset: number * size, number };
}

export function createJobRoutes(deps: JobRoutesDeps): Router {
  const router = express.Router();
  const byName = new Map(deps.streams.map((stream) => [stream.name, stream]));

  const streamOf = (request: Request): StreamConfig => {
    const raw = request.params.name;
    const name = typeof raw === 'string' ? raw : undefined;
    const stream = name === undefined ? (deps.unprefixedRoutes ? deps.streams[0] : undefined) : byName.get(name);
    if (!stream) throw notFound(`unknown stream ${JSON.stringify(name)} (known: ${[...byName.keys()].join(', ')})`);
    return stream;
  };

  const createJob = (kind: JobKind) => async (request: Request, response: Response) => {
    const stream = streamOf(request);
    checkToken(stream, request);
    const force = readForce(readQuery(request, ['force']));
    refuseBody(request);
    let result;
    try {
      result = await deps.scheduler.trigger(stream, kind, { source: 'http', force });
    } catch (error) {
      await reportTriggerFailure(deps.repository, stream, kind, error, deps.logger);
      throw serviceUnavailable(`could not create the job: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (result.outcome === 'refused') {
      throw new HttpError({ status: 409, title: 'Job not created', detail: result.message, code: result.reason, meta: { jobs: result.jobs ?? [] } });
    }
    response.status(201).json({ job: result.job, task: result.task });
  };

  const deleteJobs = (kind: JobKind) => async (request: Request, response: Response) => {
    const stream = streamOf(request);
    checkToken(stream, request);
    const force = readForce(readQuery(request, ['force']));
    refuseBody(request);
    const jobs = await deps.streamJobs.ofKind(stream, kind);
    const active = jobs.filter((job) => job.status === 'scheduled' || job.status === 'busy');
    if (active.length > 0 && !force) {
      throw new HttpError({ status: 409, title: 'Active jobs', detail: `refusing to delete active jobs without ?force=true: ${active.map((job) => job.uri).join(', ')}`, code: 'active-jobs', meta: { jobs: active.map((job) => job.uri) } });
    }
    const removed = await deps.streamJobs.remove(stream, jobs.map((job) => job.uri));
    deps.logger.info({ stream: stream.name, jobKind: kind, jobs: jobs.length, resources: removed.length }, 'deleted jobs');
    response.status(200).json({ removed });
  };

  const listJobs = async (request: Request, response: Response) => {
    const stream = streamOf(request);
    const query = readQuery(request, ['page[size]', 'page[number]']);
    const page = readPage(query);
    const jobs = await deps.streamJobs.list(stream, { limit: page.limit + 1, offset: page.offset });
    const hasNext = jobs.length > page.limit;
    const base = `${request.baseUrl}${request.path}?page[size]=${page.limit}`;
    response.status(200).json({
      data: jobs.slice(0, page.limit).map((job) => ({
        type: 'jobs',
        id: job.uuid ?? job.uri,
        attributes: {
          uri: job.uri,
          kind: job.kind,
          operation: job.operation,
          status: job.status,
          created: job.created?.toISOString(),
          modified: job.modified?.toISOString(),
          tasks: job.tasks.map((task) => ({ uri: task.uri, operation: task.operation, index: task.index, status: task.status, created: task.created?.toISOString(), modified: task.modified?.toISOString() })),
        },
      })),
      links: {
        self: `${base}&page[number]=${page.number}`,
        ...(page.number > 0 ? { prev: `${base}&page[number]=${page.number - 1}` } : {}),
        ...(hasNext ? { next: `${base}&page[number]=${page.number + 1}` } : {}),
      },
    });
  };

  const prefixes = deps.unprefixedRoutes ? ['/:name', ''] : ['/:name'];
  for (const prefix of prefixes) {
    for (const [segment, kind] of Object.entries(JOB_ROUTES)) {
      router.post(`${prefix}/${segment}`, createJob(kind));
      router.delete(`${prefix}/${segment}`, deleteJobs(kind));
    }
    router.get(`${prefix}/jobs`, listJobs);
  }

  router.post('/delta', (request: Request, response: Response) => {
    let changesets;
    try {
      changesets = parseDeltaMessage(request.body);
    } catch (error) {
      if (error instanceof DeltaFormatError) throw badRequest(`invalid delta message at ${error.path}: ${error.reason}`);
      throw error;
    }
    deps.lifecycle.acceptDelta(changesets);
    response.status(202).end();
  });

  return router;
}
