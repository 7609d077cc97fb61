/**
 * SPARQL 1.1 Protocol endpoints (http-contracts §1.1):
 * - `/sparql`: stands for mu-authorization; updates go through the engine and publish deltas.
 * - `/direct/sparql`: stands for a direct Virtuoso connection; updates write without deltas and graph
 *   management (CLEAR, DROP, …) is allowed.
 *
 * Requests: `GET ?query=`; `POST` form `query=` / `update=` (values trimmed, `?query=` in the URL also
 * read, as Elixir does); `POST application/sparql-query` / `application/sparql-update`. The text is
 * parsed first: a query sent as `update=` or an update sent as `query=` (as `@lblod/mu-auth-sudo` does)
 * runs as what it is. mu-auth headers are accepted and not enforced (no ACL); the mu-* headers of an
 * update are carried into its DeltaEvent. Errors are JSON:API bodies: 400 for what the client sent,
 * 500 when the store fails, 503 while stopping.
 */
import express, { type Request, type Response, type Router } from 'express';
import { HttpError, PagingError, TruncatedResultError, badRequest, isSparqlError, serviceUnavailable, unsupportedMediaType, type Logger } from '@delta-producer/core';
import { DataDirectoryError } from '../backend/data-directory.js';
import { BackendError, BackendQueryError, type Backend } from '../backend/types.js';
import type { DeltaEventHeaders } from '../notifier/types.js';
import { EngineStoppedError, type UpdateEngine } from '../update/engine.js';
import { parseSparql, SparqlSyntaxError } from '../update/parse.js';
import { UpdateRefusedError, type Endpoint } from '../update/planner.js';

export const DELTA_PATH = '/sparql';
export const DIRECT_PATH = '/direct/sparql';

export interface SparqlRoutesOptions {
  engine: UpdateEngine;
  backend: Backend;
  logger: Logger;
  /** Largest request body (bytes or a size such as "512mb"). */
  bodyLimit: number | string;
}

/** sparql-parser answers every update with one dummy binding. */
const UPDATE_ANSWER = JSON.stringify({
  head: { link: [], vars: ['callret-0'] },
  results: { distinct: false, ordered: true, bindings: [{ 'callret-0': { type: 'literal', value: 'Executed update query' } }] },
});

const EVENT_HEADERS = ['mu-call-id', 'mu-call-id-trail', 'mu-session-id', 'mu-call-scope-id', 'mu-auth-scope', 'mu-auth-allowed-groups'] as const;

export function sparqlRoutes(options: SparqlRoutesOptions): Router {
  const router = express.Router();
  const parsers = [
    express.urlencoded({ extended: false, limit: options.bodyLimit }),
    express.text({ type: ['application/sparql-query', 'application/sparql-update'], limit: options.bodyLimit }),
  ];
  for (const [path, endpoint] of [
    [DELTA_PATH, 'delta'],
    [DIRECT_PATH, 'direct'],
  ] as const) {
    const handler = sparqlHandler(endpoint, options);
    router.get(path, handler);
    router.post(path, ...parsers, handler);
  }
  return router;
}

function sparqlHandler(endpoint: Endpoint, options: SparqlRoutesOptions) {
  return async (request: Request, response: Response): Promise<void> => {
    const { text, accept, method } = requestText(request);
    let parsed;
    try {
      parsed = parseSparql(text);
    } catch (error) {
      if (error instanceof SparqlSyntaxError) throw badRequest(error.message, { cause: error });
      throw error;
    }
    try {
      if (parsed.kind === 'query') {
        const answer = await options.backend.query({
          text,
          query: parsed.query,
          accept,
          negotiate: (types) => {
            if (accept === undefined) return types[0];
            const chosen = request.accepts([...types]);
            return chosen === false ? undefined : chosen;
          },
        });
        response.status(answer.status).type(answer.contentType).send(answer.body);
        return;
      }
      if (method === 'GET') throw badRequest('updates must be sent with POST (form update=, or application/sparql-update)');
      const headers = eventHeaders(request);
      await options.engine.execute({
        endpoint,
        text,
        update: parsed.update,
        headers,
        sudo: request.get('mu-auth-sudo') !== undefined,
        ...originOf(request),
      });
      const groups = request.get('mu-auth-allowed-groups');
      if (groups !== undefined) response.set('mu-auth-allowed-groups', groups);
      response.status(200).type('application/sparql-results+json').send(UPDATE_ANSWER);
    } catch (error) {
      throw toHttpError(error);
    }
  };
}

interface RequestText {
  text: string;
  /** The Accept header, or the `format` form field when the header says nothing. */
  accept: string | undefined;
  method: 'GET' | 'POST';
}

function requestText(request: Request): RequestText {
  const urlQuery = singleParameter(request.query.query, 'query');
  const method = request.method === 'GET' || request.method === 'HEAD' ? 'GET' : 'POST';
  let text: string | undefined;
  let format: string | undefined;
  if (method === 'GET') {
    if (request.query.update !== undefined) throw badRequest('updates must be sent with POST (form update=, or application/sparql-update)');
    text = urlQuery;
    format = singleParameter(request.query.format, 'format');
  } else if (request.is('application/x-www-form-urlencoded')) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const update = singleParameter(body.update, 'update');
    const query = singleParameter(body.query, 'query');
    if (update !== undefined && query !== undefined) throw badRequest('send either query= or update=, not both');
    text = update ?? query ?? urlQuery;
    format = singleParameter(body.format, 'format');
  } else if (request.is(['application/sparql-query', 'application/sparql-update'])) {
    text = typeof request.body === 'string' ? request.body : '';
  } else if (urlQuery !== undefined) {
    text = urlQuery;
  } else if (request.get('content-type') !== undefined) {
    throw unsupportedMediaType(
      `unsupported content type ${JSON.stringify(request.get('content-type'))}: send form query= / update=, application/sparql-query or application/sparql-update`,
    );
  }
  if (text === undefined) throw badRequest('no query given: send ?query=, form query= / update=, or a application/sparql-query / -update body');
  text = text.trim();
  if (text === '') throw badRequest('the query is empty');
  // `*/*` (fetch's default) states no preference: the gateway's defaults apply (SPARQL-JSON, Turtle).
  const header = request.get('accept')?.trim();
  const accept = header !== undefined && header !== '' && header !== '*/*' ? header : format?.trim() || undefined;
  if (accept !== undefined && accept !== header) request.headers.accept = accept;
  return { text, accept, method };
}

function singleParameter(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  throw badRequest(`parameter ${name} must be given once, as text`);
}

function eventHeaders(request: Request): DeltaEventHeaders {
  const headers: DeltaEventHeaders = {};
  for (const name of EVENT_HEADERS) {
    const value = request.get(name);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

/** The caller's address, IPv4-mapped IPv6 written as IPv4 (mu-authorization reports IPv4). */
function originOf(request: Request): { origin?: string } {
  const address = request.socket.remoteAddress;
  if (address === undefined) return {};
  return { origin: address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address };
}

function toHttpError(error: unknown): unknown {
  if (error instanceof HttpError) return error;
  if (error instanceof UpdateRefusedError || error instanceof BackendQueryError) return badRequest(error.message, { cause: error });
  if (error instanceof EngineStoppedError) return serviceUnavailable(error.message, { cause: error });
  if (error instanceof BackendError) return new HttpError({ status: 500, detail: error.message, cause: error });
  if (isSparqlError(error) && error.status !== undefined && error.status >= 400 && error.status < 500) {
    return badRequest(`the store refused the request: ${error.message}`, { cause: error });
  }
  if (isSparqlError(error) || error instanceof TruncatedResultError || error instanceof PagingError || error instanceof DataDirectoryError) {
    return new HttpError({ status: 500, title: 'Store error', detail: error.message, cause: error });
  }
  return error;
}
