import express, { type Express, type RequestHandler, type Router } from 'express';
import { jsonApiErrorHandler } from './http-error-handler.js';
import { notFound } from './http-errors.js';
import type { Logger } from './logger.js';
import { ReadinessChecks } from './readiness.js';

export const JSON_CONTENT_TYPES: readonly string[] = ['application/json', 'application/vnd.api+json'];

export interface HttpAppOptions {
  logger: Logger;
  /** Largest JSON body accepted: bytes, or a size such as `"100kb"`. */
  jsonLimit: number | string;
  /** Request paths with a limit of their own, e.g. `{ '/delta': '100mb' }`. */
  jsonLimitByPath?: Readonly<Record<string, number | string>>;
  /** The service's routes. Mounted before the JSON 404; routes added to it later are served too. */
  routes?: Router;
  /** Checks behind `GET /ready`; without it the service is always ready. */
  readiness?: ReadinessChecks;
}

/**
 * An express app with the suite's HTTP conventions: JSON bodies, JSON:API error bodies for every
 * failure (malformed JSON 400, too large 413, unknown route 404, anything unexpected 500),
 * `GET /health` (the process runs) and `GET /ready` (its dependencies answer).
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const readiness = options.readiness ?? new ReadinessChecks();
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/ready', readinessHandler(readiness, options.logger));
  app.use(jsonBodyParser(options.jsonLimit, options.jsonLimitByPath ?? {}));
  if (options.routes) app.use(options.routes);
  app.use((request, _response, next) => next(notFound(`no route for ${request.method} ${request.path}`)));
  app.use(jsonApiErrorHandler(options.logger));
  return app;
}

function jsonBodyParser(defaultLimit: number | string, limitByPath: Readonly<Record<string, number | string>>): RequestHandler {
  const parserFor = (limit: number | string) => express.json({ limit, type: [...JSON_CONTENT_TYPES] });
  const defaultParser = parserFor(defaultLimit);
  const parserByPath = new Map(Object.entries(limitByPath).map(([path, limit]) => [path, parserFor(limit)]));
  return (request, response, next) => (parserByPath.get(request.path) ?? defaultParser)(request, response, next);
}

function readinessHandler(readiness: ReadinessChecks, logger: Logger): RequestHandler {
  let wasReady: boolean | undefined;
  return async (_request, response) => {
    const report = await readiness.run();
    if (report.ready !== wasReady) {
      // Probes poll often; log changes, not every answer.
      if (report.ready) logger.info('ready');
      else logger.warn({ checks: report.checks.filter((check) => check.status === 'fail') }, 'not ready');
      wasReady = report.ready;
    }
    response.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ok' : 'unavailable', checks: report.checks });
  };
}
