import type { ErrorRequestHandler, Response } from 'express';
import { HttpError, JSON_API_CONTENT_TYPE, internalServerError } from './http-errors.js';
import type { Logger } from './logger.js';

/** The shape of errors raised by body-parser (via the `http-errors` package). */
interface BodyParserError {
  type: string;
  status: number;
  expose: boolean;
  message: string;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as Partial<BodyParserError>;
  return typeof candidate.type === 'string' && typeof candidate.status === 'number';
}

/** The HttpError to answer with, or `undefined` when `error` was not meant for the client (a 500). */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (!isBodyParserError(error)) return undefined;
  if (error.type === 'entity.parse.failed') {
    return new HttpError({ status: 400, title: 'Malformed JSON', detail: `request body is not valid JSON: ${error.message}`, cause: error });
  }
  if (error.type === 'entity.too.large') {
    const limit = error.limit === undefined ? '' : ` of ${error.limit} bytes`;
    return new HttpError({ status: 413, detail: `request body is larger than the limit${limit}`, cause: error });
  }
  if (error.expose && error.status >= 400 && error.status < 500) return new HttpError({ status: error.status, detail: error.message, cause: error });
  return undefined;
}

export function sendJsonApiError(response: Response, error: HttpError): void {
  response.status(error.status).type(JSON_API_CONTENT_TYPE).json(error.toJsonApi());
}

/**
 * The boundary for errors of request handlers (including rejected async handlers): answers with a
 * JSON:API error body and logs the error once. Unexpected errors become a 500 without details
 * and are logged with the request's mu-call-id; the request body is never logged.
 */
export function jsonApiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    const httpError = toHttpError(error);
    const context = { callId: request.get('mu-call-id'), method: request.method, path: request.path };
    if (httpError === undefined || httpError.status >= 500) logger.error({ ...context, err: error }, 'request failed');
    else logger.debug({ ...context, status: httpError.status, title: httpError.title }, 'request rejected');
    if (response.headersSent) {
      // Too late for an error status: cutting the connection tells the client the body is incomplete.
      response.destroy();
      return;
    }
    sendJsonApiError(response, httpError ?? internalServerError());
  };
}
