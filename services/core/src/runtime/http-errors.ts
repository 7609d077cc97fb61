import { STATUS_CODES } from 'node:http';

/** mu-semtech services answer errors as JSON:API error objects. */
export const JSON_API_CONTENT_TYPE = 'application/vnd.api+json';

export interface JsonApiErrorObject {
  status: string;
  title: string;
  detail?: string;
  /** Machine-readable reason, stable across messages (e.g. `healing-gate`). */
  code?: string;
  meta?: Record<string, unknown>;
}

export interface JsonApiErrorBody {
  errors: JsonApiErrorObject[];
}

export interface HttpErrorOptions {
  status: number;
  /** Short and the same for every occurrence; defaults to the status's reason phrase. */
  title?: string;
  /** What went wrong with this request; shown to the client. */
  detail?: string;
  code?: string;
  meta?: Record<string, unknown>;
  cause?: unknown;
}

/** An error meant to reach the client as the given status; the HTTP error handler renders it. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly code: string | undefined;
  readonly meta: Record<string, unknown> | undefined;

  constructor(options: HttpErrorOptions) {
    const title = options.title ?? STATUS_CODES[options.status] ?? `HTTP ${options.status}`;
    super(options.detail === undefined ? `${options.status} ${title}` : `${options.status} ${title}: ${options.detail}`, {
      cause: options.cause,
    });
    this.status = options.status;
    this.title = title;
    this.detail = options.detail;
    this.code = options.code;
    this.meta = options.meta;
  }

  toJsonApi(): JsonApiErrorBody {
    const error: JsonApiErrorObject = { status: String(this.status), title: this.title };
    if (this.detail !== undefined) error.detail = this.detail;
    if (this.code !== undefined) error.code = this.code;
    if (this.meta !== undefined) error.meta = this.meta;
    return { errors: [error] };
  }
}

const withStatus =
  (status: number) =>
  (detail?: string, options: { cause?: unknown } = {}): HttpError =>
    new HttpError({ status, detail, cause: options.cause });

export const badRequest = withStatus(400);
export const unauthorized = withStatus(401);
export const forbidden = withStatus(403);
export const notFound = withStatus(404);
export const methodNotAllowed = withStatus(405);
export const conflict = withStatus(409);
export const payloadTooLarge = withStatus(413);
export const unsupportedMediaType = withStatus(415);
export const unprocessableEntity = withStatus(422);
export const internalServerError = withStatus(500);
export const serviceUnavailable = withStatus(503);
