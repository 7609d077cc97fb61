/**
 * SPARQL failures: the error types the client throws and the one pure rule that classifies a failure.
 *
 * Kinds:
 * - `transient`: worth retrying as is (connection problems, our own timeout, 429/502/503/504, Virtuoso
 *   deadlocks and transaction timeouts).
 * - `size`: the request is too big for the store (Virtuoso SP031 "exceeded 10000 lines of code",
 *   stack overflows, SP030 "memory exhausted" / "Too many arguments" in the SPARQL compiler, SR325
 *   transaction size, HTTP 413/414). Retrying
 *   the same text fails again; a smaller request (half a batch) may pass.
 * - `permanent`: everything else, in particular 4xx and Virtuoso compile errors (SP030/SP031 with
 *   other messages, SQL state 37000), which are never retried.
 *
 * The texts below are the ones Virtuoso 7.2.x writes as the `text/plain` body of a failed request
 * (`Virtuoso <SQLSTATE> Error <CODE>: <message>\n\nSPARQL query:\n<the whole query>`); see
 * docs/virtuoso-quirks.md and the unit tests, which hold the exact observed texts.
 */

export type SparqlFailureKind = 'transient' | 'permanent' | 'size';

export interface SparqlFailureInput {
  /** HTTP status when the store answered. */
  status?: number;
  /** (The start of) the response body of a failed request. */
  body?: string;
  /** Error code of a failed connection (`ECONNREFUSED`, `UND_ERR_SOCKET`, …) or `TIMEOUT` for our own timeout. */
  errorCode?: string;
  /** Message of a failed connection, when there is no code (e.g. `socket hang up`). */
  message?: string;
}

export interface SparqlFailureClassification {
  kind: SparqlFailureKind;
  /** Short reason for logs and error messages; never contains the query. */
  reason: string;
  /** Virtuoso error code (`SP030`), SQL state when there is no code, or the connection error code. */
  code?: string;
}

/** Connection-level error codes that mean "try again later". */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND', // a compose service name that does not resolve yet during start-up
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET', // undici: "other side closed"
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'TIMEOUT', // our own per-request timeout
  'ABORTED', // the caller aborted: not retried by the client, but the operation may be tried again later
]);

const TRANSIENT_MESSAGES = /socket hang up|other side closed|network socket disconnected/i;

const VIRTUOSO_ERROR = /Virtuoso\s+([0-9A-Z]{5})\s+Error\s+(?:([A-Z]{2}\d{3})\s*:)?/;

interface TextRule {
  pattern: RegExp;
  kind: SparqlFailureKind;
  reason: string;
}

// Order matters: size rules come first because Virtuoso reports some size failures with the syntax
// error code (`SP030 … memory exhausted`, `SP030 … Too many arguments`).
const TEXT_RULES: readonly TextRule[] = [
  // SP031 alone is not "too large": Virtuoso also uses it for a blank node or a missing GRAPH in
  // INSERT DATA. The message decides.
  { pattern: /exceeded \d+ lines|length of generated SQL text/i, kind: 'size', reason: 'query too large: generated SQL exceeds 10000 lines (SP031)' },
  { pattern: /stack overflow|\bSQ200\b/i, kind: 'size', reason: 'query too large: stack overflow' },
  { pattern: /memory exhausted/i, kind: 'size', reason: 'query too large: SPARQL compiler memory exhausted' },
  { pattern: /too many arguments/i, kind: 'size', reason: 'query too large: too many arguments' },
  { pattern: /\bSR325\b|after image|TransactionAfterImageLimit/i, kind: 'size', reason: 'transaction too large (SR325)' },
  { pattern: /too large|too long|request entity/i, kind: 'size', reason: 'request too large' },
  { pattern: /\bSR353\b|Sorted TOP clause/i, kind: 'permanent', reason: 'ORDER BY with OFFSET+LIMIT over MaxSortedTopRows (SR353)' },
  { pattern: /Virtuoso\s+40001\b|\bSR172\b|deadlock/i, kind: 'transient', reason: 'transaction deadlocked' },
  { pattern: /\bSR171\b|transaction timed out|transaction timeout/i, kind: 'transient', reason: 'transaction timed out' },
  { pattern: /\bSP03\d\b|Virtuoso\s+37000\b|syntax error/i, kind: 'permanent', reason: 'SPARQL compile error' },
  { pattern: /estimated execution time/i, kind: 'permanent', reason: 'estimated execution time exceeds the limit' },
];

/** The Virtuoso error code (`SP031`) or, without one, its SQL state (`42000`) found in a body. */
export function virtuosoErrorCode(body: string | undefined): string | undefined {
  if (!body) return undefined;
  const match = VIRTUOSO_ERROR.exec(body);
  return match ? (match[2] ?? match[1]) : undefined;
}

/**
 * The message part of a store's error body: Virtuoso echoes the whole query after "SPARQL query:",
 * which must never end up in logs or error messages.
 */
export function errorBodyExcerpt(body: string | undefined, max = 300): string | undefined {
  if (!body) return undefined;
  const cut = body.search(/\n\s*SPARQL query:/);
  const message = (cut >= 0 ? body.slice(0, cut) : body).trim();
  if (!message) return undefined;
  return message.length > max ? `${message.slice(0, max)}…` : message;
}

/** Classifies a failed SPARQL request. Pure: the unit tests hold the full table. */
export function classifySparqlFailure(input: SparqlFailureInput): SparqlFailureClassification {
  const { status, body, errorCode, message } = input;
  if (status === undefined) {
    if (errorCode && TRANSIENT_ERROR_CODES.has(errorCode)) {
      const reason = errorCode === 'TIMEOUT' ? 'request timed out' : errorCode === 'ABORTED' ? 'request aborted' : `connection failed (${errorCode})`;
      return { kind: 'transient', reason, code: errorCode };
    }
    if (message && TRANSIENT_MESSAGES.test(message)) return { kind: 'transient', reason: `connection failed (${message})`, code: errorCode };
    return { kind: 'permanent', reason: errorCode ? `request failed (${errorCode})` : `request failed${message ? ` (${message})` : ''}`, code: errorCode };
  }

  const code = virtuosoErrorCode(body);
  const text = errorBodyExcerpt(body, 2000) ?? '';
  for (const rule of TEXT_RULES) {
    if (rule.pattern.test(text)) return { kind: rule.kind, reason: `HTTP ${status}: ${rule.reason}`, code };
  }
  if (status === 413 || status === 414) return { kind: 'size', reason: `HTTP ${status}: request too large`, code };
  if (status === 408 || status === 429 || status === 502 || status === 503 || status === 504) {
    return { kind: 'transient', reason: `HTTP ${status}`, code };
  }
  return { kind: 'permanent', reason: `HTTP ${status}`, code };
}

/** The first `max` characters of a query for error reports, skipping its PREFIX declarations. */
export function queryExcerpt(query: string, max = 300): string {
  const body = query.replace(/^(\s*(PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)+/i, '').trimStart();
  return body.length > max ? `${body.slice(0, max)}…` : body;
}

/** Removes user and password from an endpoint URL so it can be logged. */
export function redactEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return endpoint;
  }
}

export interface SparqlErrorDetails extends SparqlFailureClassification {
  endpoint: string;
  status?: number;
  /** First 300 characters of the query (after its PREFIX lines); never the whole text. */
  query?: string;
  /** The store's message (Virtuoso's echo of the query removed), at most 300 characters. */
  responseExcerpt?: string;
  /** Number of attempts made. */
  attempts?: number;
  cause?: unknown;
}

export class SparqlError extends Error {
  readonly kind: SparqlFailureKind;
  readonly reason: string;
  readonly status?: number;
  readonly code?: string;
  readonly endpoint: string;
  readonly query?: string;
  readonly responseExcerpt?: string;
  readonly attempts: number;

  constructor(details: SparqlErrorDetails) {
    const where = details.status === undefined ? '' : ` (HTTP ${details.status}${details.code ? `, ${details.code}` : ''})`;
    const store = details.responseExcerpt ? `: ${details.responseExcerpt}` : '';
    super(`SPARQL request to ${details.endpoint} failed${where}: ${details.reason}${store}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SparqlError';
    this.kind = details.kind;
    this.reason = details.reason;
    this.status = details.status;
    this.code = details.code;
    this.endpoint = details.endpoint;
    this.query = details.query;
    this.responseExcerpt = details.responseExcerpt;
    this.attempts = details.attempts ?? 1;
  }
}

export function isSparqlError(error: unknown): error is SparqlError {
  return error instanceof SparqlError;
}

/**
 * Whether an error, or one of its causes, is a transient store failure (connection refused, 503,
 * timeout, deadlock …) that a later attempt of the same work may not meet. An aborted call is not.
 */
export function isTransientFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    if (current instanceof SparqlError) return current.kind === 'transient' && current.code !== 'ABORTED';
  }
  return false;
}

/** A result that the store (may have) cut at its row limit, or that disagrees with a count. */
export class TruncatedResultError extends Error {
  constructor(
    message: string,
    readonly details: { received: number; expected?: number; maxRows?: number; query?: string },
  ) {
    super(message);
    this.name = 'TruncatedResultError';
  }
}

/** Walks an error's `cause` chain (and AggregateError members) for a code such as `ECONNREFUSED`. */
export function connectionErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_INVALID_STATE') return code;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && /socket hang up/i.test(message)) return 'ECONNRESET';
    queue.push((current as { cause?: unknown }).cause);
    const members = (current as { errors?: unknown }).errors;
    if (Array.isArray(members)) queue.push(...(members as unknown[]));
  }
  return undefined;
}
