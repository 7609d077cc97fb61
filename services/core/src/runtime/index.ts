/**
 * Service runtime: what every service process needs around its own logic.
 *
 * - Logger: pino, JSON lines (or pretty for a terminal), with secrets redacted.
 * - HTTP app: express with JSON bodies, JSON:API error bodies, `/health` and `/ready` (ReadinessChecks).
 * - HTTP server: listens with timeouts; close() drains in-flight requests up to a deadline.
 * - Lifecycle: stop hooks registered in start order, run in reverse on stop(); installSignalHandlers
 *   turns SIGTERM/SIGINT into stop() and an exit code.
 */
export { createLogger, REDACTED_PATHS, type CreateLoggerOptions, type Logger } from './logger.js';
export {
  HttpError,
  JSON_API_CONTENT_TYPE,
  badRequest,
  conflict,
  forbidden,
  internalServerError,
  methodNotAllowed,
  notFound,
  payloadTooLarge,
  serviceUnavailable,
  unauthorized,
  unprocessableEntity,
  unsupportedMediaType,
  type HttpErrorOptions,
  type JsonApiErrorBody,
  type JsonApiErrorObject,
} from './http-errors.js';
export { jsonApiErrorHandler, sendJsonApiError, toHttpError } from './http-error-handler.js';
export { createHttpApp, JSON_CONTENT_TYPES, type HttpAppOptions } from './http-app.js';
export {
  HttpServerStartError,
  startHttpServer,
  type RunningHttpServer,
  type StartHttpServerOptions,
} from './http-server.js';
export {
  DuplicateReadinessCheckError,
  ReadinessChecks,
  type ReadinessCheck,
  type ReadinessCheckResult,
  type ReadinessReport,
} from './readiness.js';
export {
  Lifecycle,
  LifecycleStoppedError,
  installSignalHandlers,
  type LifecycleEvents,
  type LifecycleState,
  type SignalHandlerOptions,
  type StopHook,
  type StopHookFailure,
  type StopOutcome,
} from './lifecycle.js';
export { DirectoryLockError, fsyncDirectory, lockDirectory, unlockDirectory } from './directory-lock.js';
