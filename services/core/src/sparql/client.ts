/**
 * The suite's SPARQL client: talks to mu-authorization or a store over HTTP with mu-* headers, a
 * bounded number of parallel requests, timeouts, classified errors and retries of transient failures,
 * batched writes that halve on size failures, and result-size checks (B1 #1, #3, #16; B2 #21).
 *
 * Transport: sparql-http-client's SimpleClient (`postUrlencoded`: form `query=` / `update=`). Its
 * request methods take no AbortSignal, so each attempt gets a SimpleClient whose `fetch` is the
 * global fetch bound to that attempt's signal; and we read responses ourselves (see results.ts for why
 * its StreamClient parser is not used).
 */
import type { Quad } from '@rdfjs/types';
import { Parser as N3Parser } from 'n3';
import { pino, type Logger } from 'pino';
import SimpleClient from 'sparql-http-client/SimpleClient.js';
import { quadsToSparqlData, TermError, termFromJson, quad as makeQuad } from '../rdf/terms.js';
import { withPrefixes, type SparqlText } from '../rdf/sparql-text.js';
import { backoffDelay, sleep } from './backoff.js';
import { dedupeQuads, DEFAULT_BATCH_SIZE, writeInBatches, type BatchOptions, type BatchWriteReport } from './batching.js';
import {
  classifySparqlFailure,
  connectionErrorCode,
  errorBodyExcerpt,
  queryExcerpt,
  redactEndpoint,
  SparqlError,
  TruncatedResultError,
  type SparqlFailureClassification,
} from './errors.js';
import { buildRequestHeaders, normaliseHeaders, type MuHeaderOptions } from './headers.js';
import { countThenPage, selectAll, selectPaged, type CountThenPageOptions, type PagedSelectOptions, type PageRequest, type PagingSummary, type SelectAllOptions } from './paging.js';
import { bindingsFromJson, parseAskJson, parseSelectJson, SelectJsonScanner, SparqlResultFormatError, type Bindings, type JsonBindings } from './results.js';
import { Semaphore } from './semaphore.js';

export type SparqlQuery = string | SparqlText;

export interface RetryOptions {
  /** Attempts in total, the first included (default 5). */
  maxAttempts: number;
  /** Cap of the first retry's delay (default 200 ms). */
  baseDelayMs: number;
  /** Cap of every delay (default 10 000 ms). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_CONCURRENCY = 4;
/** Virtuoso's stock `ResultSetMaxRows`. */
export const DEFAULT_MAX_ROWS = 10_000;

export interface SparqlClientOptions {
  /** SPARQL endpoint (mu-authorization or a store), used for queries and updates. */
  endpoint: string;
  /** Separate update endpoint, when the store has one. */
  updateEndpoint?: string;
  logger?: Logger;
  /** Headers sent with every request (never `mu-auth-sudo`: use the per-call `sudo` option). */
  defaultHeaders?: Record<string, string>;
  /** Per-request timeout (default 60 000 ms); for `selectStream` the time allowed between chunks. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Requests in flight at once (default 4: deployed Virtuosos run 10 server threads). */
  maxConcurrency?: number;
  /** The store's row limit (`ResultSetMaxRows`, default 10 000) used by the paging helpers. */
  maxRows?: number;
}

export interface SparqlCallOptions extends MuHeaderOptions {
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
  /** `false`: a single attempt. An object overrides the client's retry settings for this call. */
  retry?: false | Partial<RetryOptions>;
  /** Aborts the call (and its retries); the error is a SparqlError with code `ABORTED`. */
  signal?: AbortSignal;
}

export interface SelectJsonResult {
  vars: string[];
  bindings: JsonBindings[];
  /**
   * Virtuoso's `X-SPARQL-MaxRows` header: present when the result reached the store's
   * `ResultSetMaxRows` and was (possibly) cut there.
   */
  storeMaxRows?: number;
}

export interface WriteOptions extends SparqlCallOptions, BatchOptions {}

export interface ConstructOptions extends SparqlCallOptions {
  /** Triples the store returns at most (default: the client's maxRows). */
  maxRows?: number;
}

export interface WaitForEndpointOptions extends SparqlCallOptions {
  logger?: Logger;
  /** Cap of the delay between pings (default 10 000 ms). */
  maxDelayMs?: number;
  /** Cap of the first delay (default 500 ms). */
  baseDelayMs?: number;
  /** Ping query (default `ASK { ?s ?p ?o }`). */
  query?: SparqlQuery;
}

export interface SparqlClient {
  /** Endpoint without credentials. */
  readonly endpoint: string;
  readonly maxRows: number;
  select(query: SparqlQuery, options?: SparqlCallOptions): Promise<Bindings[]>;
  /** The raw SPARQL-JSON rows and Virtuoso's truncation header. */
  selectJson(query: SparqlQuery, options?: SparqlCallOptions): Promise<SelectJsonResult>;
  /**
   * Rows parsed incrementally while they arrive (memory bounded by one row). Only opening the
   * response is retried. Holds one request slot until fully consumed or closed: iterate it with
   * `for await` (a `break` closes it). `timeoutMs` applies to each wait for data, not to the consumer.
   */
  selectStream(query: SparqlQuery, options?: SparqlCallOptions): AsyncGenerator<Bindings, void, undefined>;
  ask(query: SparqlQuery, options?: SparqlCallOptions): Promise<boolean>;
  /**
   * CONSTRUCT (or DESCRIBE) as quads in the default graph. TruncatedResultError when the result
   * reaches `maxRows` triples (Virtuoso cuts it silently at ResultSetMaxRows + 1).
   */
  construct(query: SparqlQuery, options?: ConstructOptions): Promise<Quad[]>;
  /** Runs an update; the response body is never interpreted. */
  update(update: SparqlQuery, options?: SparqlCallOptions): Promise<void>;
  insertData(quads: Iterable<Quad>, options?: WriteOptions): Promise<BatchWriteReport>;
  deleteData(quads: Iterable<Quad>, options?: WriteOptions): Promise<BatchWriteReport>;
  /** Whole result of a query that must fit under `maxRows`; TruncatedResultError when it may not. */
  selectAll(query: SparqlQuery, options?: SelectAllOptions): Promise<Bindings[]>;
  /** Pages of a keyset (or OFFSET) paginated query, one request per page. */
  selectPaged(buildQuery: (page: PageRequest) => SparqlQuery, options?: PagedSelectOptions): AsyncGenerator<Bindings[], PagingSummary, undefined>;
  /** Counts first, then pages; TruncatedResultError when the rows received differ from the count. */
  countThenPage(countQuery: SparqlQuery, buildQuery: (page: PageRequest) => SparqlQuery, options?: CountThenPageOptions): AsyncGenerator<Bindings[], PagingSummary, undefined>;
  /** Pings until the endpoint answers (service start-up). */
  waitForEndpoint(options?: WaitForEndpointOptions): Promise<{ attempts: number; waitedMs: number }>;
}

const SELECT_ACCEPT = 'application/sparql-results+json';
const CONSTRUCT_ACCEPT = 'application/n-triples, text/turtle;q=0.9';
const ERROR_BODY_LIMIT = 64 * 1024;

type Operation = 'select' | 'ask' | 'construct' | 'update' | 'ping';

/** One attempt's abort wiring: our timeout, the caller's signal, and the request slot. */
class Attempt {
  readonly controller = new AbortController();
  timedOut = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onCallerAbort: () => void;

  constructor(
    private readonly timeoutMs: number,
    readonly callerSignal: AbortSignal | undefined,
    readonly release: () => void,
  ) {
    this.onCallerAbort = () => this.controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.arm();
  }

  /** (Re)starts the timeout. */
  arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`SPARQL request timed out after ${this.timeoutMs} ms`));
    }, this.timeoutMs);
  }

  /** Stops the timeout (a stream's consumer may take its time between rows). */
  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    this.release();
  }
}

/** Reads at most `limit` characters of a body, then drops the rest. */
async function readBodyPrefix(response: Response, limit = ERROR_BODY_LIMIT): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // The body is only used to classify the failure: a broken body leaves what was read.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, limit);
}

/** Consumes a body without keeping it, so the connection can be reused. */
async function drain(response: Response): Promise<void> {
  if (!response.body) return;
  const reader = response.body.getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
  }
}

function parseConstruct(text: string, contentType: string): Quad[] {
  if (/json/i.test(contentType)) {
    // Some stores answer CONSTRUCT with SPARQL-JSON bindings s, p, o (B1 #7).
    return parseSelectJson(text).bindings.map((row, index) => {
      const subject = termFromJson(row.s, `results.bindings[${index}].s`);
      const predicate = termFromJson(row.p, `results.bindings[${index}].p`);
      const object = termFromJson(row.o, `results.bindings[${index}].o`);
      if (subject.termType === 'Literal' || predicate.termType !== 'NamedNode') throw new SparqlResultFormatError(`CONSTRUCT row ${index} is not a triple`);
      return makeQuad(subject, predicate, object);
    });
  }
  const format = /n-quads|trig/i.test(contentType) ? 'application/trig' : 'text/turtle';
  try {
    // Turtle is a superset of N-Triples, so one parser reads both.
    return new N3Parser({ format }).parse(text);
  } catch (error) {
    throw new SparqlResultFormatError(`CONSTRUCT answer (${contentType || 'no content type'}) could not be parsed: ${(error as Error).message}`);
  }
}

class HttpSparqlClient implements SparqlClient {
  readonly endpoint: string;
  readonly maxRows: number;
  private readonly queryUrl: string;
  private readonly updateUrl: string;
  private readonly logger: Logger;
  private readonly defaultHeaders: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions;
  private readonly semaphore: Semaphore;

  constructor(options: SparqlClientOptions) {
    this.queryUrl = new URL(options.endpoint).toString();
    this.updateUrl = new URL(options.updateEndpoint ?? options.endpoint).toString();
    this.endpoint = redactEndpoint(this.queryUrl);
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.defaultHeaders = normaliseHeaders(options.defaultHeaders, 'defaultHeaders');
    this.timeoutMs = positive(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.retry = mergeRetry(DEFAULT_RETRY, options.retry);
    positive(this.retry.maxAttempts, 'retry.maxAttempts');
    this.semaphore = new Semaphore(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
    this.maxRows = positive(options.maxRows ?? DEFAULT_MAX_ROWS, 'maxRows');
  }

  async selectJson(query: SparqlQuery, options: SparqlCallOptions = {}): Promise<SelectJsonResult> {
    return this.request('select', query, SELECT_ACCEPT, options, async (response) => {
      const parsed = parseSelectJson(await response.text());
      const header = response.headers.get('x-sparql-maxrows');
      const storeMaxRows = header && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
      return storeMaxRows === undefined ? parsed : { ...parsed, storeMaxRows };
    });
  }

  async select(query: SparqlQuery, options: SparqlCallOptions = {}): Promise<Bindings[]> {
    const { bindings } = await this.selectJson(query, options);
    return bindings.map((row, index) => bindingsFromJson(row, index));
  }

  async *selectStream(query: SparqlQuery, options: SparqlCallOptions = {}): AsyncGenerator<Bindings, void, undefined> {
    const text = withPrefixes(query);
    // Only opening the response is retried: once rows were handed out, a failure propagates.
    const { response, attempt } = await this.withRetry('select', text, options, () => this.open('select', text, SELECT_ACCEPT, options));
    attempt.disarm();
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    const scanner = new SelectJsonScanner();
    let done = false;
    try {
      while (!done) {
        let rows: JsonBindings[];
        try {
          if (!reader) throw new SparqlResultFormatError('SELECT answer has no body');
          attempt.arm();
          const chunk = await reader.read();
          attempt.disarm();
          done = chunk.done;
          rows = scanner.push(done ? decoder.decode() : decoder.decode(chunk.value, { stream: true }));
          if (done) scanner.end();
        } catch (error) {
          throw this.toSparqlError(error, attempt, text, 1);
        }
        const first = scanner.rows - rows.length;
        for (let index = 0; index < rows.length; index += 1) yield bindingsFromJson(rows[index]!, first + index);
      }
    } finally {
      if (!done) await reader?.cancel().catch(() => undefined);
      attempt.dispose();
    }
  }

  async ask(query: SparqlQuery, options: SparqlCallOptions = {}): Promise<boolean> {
    return this.request('ask', query, SELECT_ACCEPT, options, async (response) => parseAskJson(await response.text()));
  }

  async construct(query: SparqlQuery, options: ConstructOptions = {}): Promise<Quad[]> {
    const { maxRows = this.maxRows, ...callOptions } = options;
    const quads = await this.request('construct', query, CONSTRUCT_ACCEPT, callOptions, async (response) =>
      parseConstruct(await response.text(), response.headers.get('content-type') ?? ''),
    );
    // Virtuoso cuts CONSTRUCT results at ResultSetMaxRows + 1 triples, without any header.
    if (quads.length >= maxRows) {
      throw new TruncatedResultError(`CONSTRUCT returned ${quads.length} triples, reaching the store's row limit (${maxRows}): the result may be cut; page it with SELECT`, {
        received: quads.length,
        maxRows,
      });
    }
    return quads;
  }

  async update(update: SparqlQuery, options: SparqlCallOptions = {}): Promise<void> {
    // mu-authorization answers updates with a dummy binding: the body is drained, never read.
    await this.request('update', update, SELECT_ACCEPT, options, drain);
  }

  insertData(quads: Iterable<Quad>, options: WriteOptions = {}): Promise<BatchWriteReport> {
    return this.writeData('INSERT', quads, options);
  }

  deleteData(quads: Iterable<Quad>, options: WriteOptions = {}): Promise<BatchWriteReport> {
    return this.writeData('DELETE', quads, options);
  }

  selectAll(query: SparqlQuery, options: SelectAllOptions = {}): Promise<Bindings[]> {
    return selectAll(this, query, { maxRows: this.maxRows, ...options });
  }

  selectPaged(buildQuery: (page: PageRequest) => SparqlQuery, options: PagedSelectOptions = {}): AsyncGenerator<Bindings[], PagingSummary, undefined> {
    return selectPaged(this, buildQuery, { maxRows: this.maxRows, ...options });
  }

  countThenPage(countQuery: SparqlQuery, buildQuery: (page: PageRequest) => SparqlQuery, options: CountThenPageOptions = {}): AsyncGenerator<Bindings[], PagingSummary, undefined> {
    return countThenPage(this, countQuery, buildQuery, { maxRows: this.maxRows, ...options });
  }

  async waitForEndpoint(options: WaitForEndpointOptions = {}): Promise<{ attempts: number; waitedMs: number }> {
    const { logger = this.logger, maxDelayMs = 10_000, baseDelayMs = 500, query = 'ASK { ?s ?p ?o }', ...callOptions } = options;
    const started = Date.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.request('ping', query, SELECT_ACCEPT, { ...callOptions, retry: false }, async (response) => parseAskJson(await response.text()));
        if (attempt > 1) logger.info({ endpoint: this.endpoint, attempts: attempt }, 'SPARQL endpoint answers');
        return { attempts: attempt, waitedMs: Date.now() - started };
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const delayMs = Math.max(50, backoffDelay(attempt, { baseDelayMs, maxDelayMs }));
        const details = error instanceof SparqlError ? { kind: error.kind, reason: error.reason, status: error.status, code: error.code } : { reason: (error as Error).message };
        logger.warn({ endpoint: this.endpoint, attempt, delayMs, ...details }, 'SPARQL endpoint not available yet; waiting');
        try {
          await sleep(delayMs, options.signal);
        } catch (abortReason) {
          throw this.abortedError(abortReason, undefined, attempt);
        }
      }
    }
  }

  private async writeData(verb: 'INSERT' | 'DELETE', quads: Iterable<Quad>, options: WriteOptions): Promise<BatchWriteReport> {
    const { batchSize = DEFAULT_BATCH_SIZE, ...callOptions } = options;
    const input = [...quads];
    const unique = dedupeQuads(input);
    return writeInBatches(
      unique,
      batchSize,
      (batch) => this.update(`${verb} DATA {\n${quadsToSparqlData(batch)}\n}`, callOptions),
      (error) => error instanceof SparqlError && error.kind === 'size',
      input.length,
    );
  }

  /** One request with retries: open, handle the response, release the slot. */
  private async request<T>(operation: Operation, query: SparqlQuery, accept: string, options: SparqlCallOptions, handle: (response: Response) => Promise<T>): Promise<T> {
    const text = withPrefixes(query);
    return this.withRetry(operation, text, options, async () => {
      const { response, attempt } = await this.open(operation, text, accept, options);
      try {
        return await handle(response);
      } catch (error) {
        throw this.toSparqlError(error, attempt, text, 1);
      } finally {
        attempt.dispose();
      }
    });
  }

  /** Sends one request and checks its status; on success the caller owns `attempt` (dispose it). */
  private async open(operation: Operation, text: string, accept: string, options: SparqlCallOptions): Promise<{ response: Response; attempt: Attempt }> {
    const headers = buildRequestHeaders(options, this.defaultHeaders, accept);
    let release: () => void;
    try {
      release = await this.semaphore.acquire(options.signal);
    } catch (reason) {
      throw this.abortedError(reason, text, 1);
    }
    const attempt = new Attempt(options.timeoutMs ?? this.timeoutMs, options.signal, release);
    try {
      const signal = attempt.controller.signal;
      const transport = new SimpleClient({
        endpointUrl: this.queryUrl,
        updateUrl: this.updateUrl,
        fetch: (input, init) => fetch(input, { ...init, signal }),
      });
      const response = await transport.postUrlencoded(text, { headers, update: operation === 'update' });
      if (!response.ok) {
        const body = await readBodyPrefix(response);
        const classification = classifySparqlFailure({ status: response.status, body });
        throw this.sparqlError(classification, text, { status: response.status, responseExcerpt: errorBodyExcerpt(body) });
      }
      return { response, attempt };
    } catch (error) {
      attempt.dispose();
      throw this.toSparqlError(error, attempt, text, 1);
    }
  }

  private async withRetry<T>(operation: Operation, text: string, options: SparqlCallOptions, once: () => Promise<T>): Promise<T> {
    const retry = options.retry === false ? { ...this.retry, maxAttempts: 1 } : mergeRetry(this.retry, options.retry);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once();
      } catch (error) {
        if (!(error instanceof SparqlError)) throw error;
        const retryable = error.kind === 'transient' && error.code !== 'ABORTED' && !options.signal?.aborted;
        if (!retryable || attempt >= retry.maxAttempts) throw withAttempts(error, attempt);
        const delayMs = backoffDelay(attempt, retry);
        this.logger.warn(
          { endpoint: this.endpoint, operation, attempt, maxAttempts: retry.maxAttempts, delayMs, kind: error.kind, reason: error.reason, status: error.status, code: error.code },
          'SPARQL request failed; retrying',
        );
        try {
          await sleep(delayMs, options.signal);
        } catch (reason) {
          throw this.abortedError(reason, text, attempt);
        }
      }
    }
  }

  private sparqlError(classification: SparqlFailureClassification, text: string | undefined, extra: { status?: number; responseExcerpt?: string; cause?: unknown; attempts?: number }): SparqlError {
    return new SparqlError({ ...classification, ...extra, endpoint: this.endpoint, query: text === undefined ? undefined : queryExcerpt(text) });
  }

  private abortedError(reason: unknown, text: string | undefined, attempts: number): SparqlError {
    return this.sparqlError({ kind: 'transient', reason: 'request aborted', code: 'ABORTED' }, text, { cause: reason, attempts });
  }

  private toSparqlError(error: unknown, attempt: Attempt, text: string, attempts: number): unknown {
    if (error instanceof SparqlError || error instanceof TermError) return error;
    if (error instanceof SparqlResultFormatError) {
      return this.sparqlError({ kind: 'permanent', reason: `unexpected answer: ${error.message}`, code: 'BAD_RESPONSE' }, text, { cause: error, attempts });
    }
    if (attempt.callerSignal?.aborted) return this.abortedError(error, text, attempts);
    if (attempt.timedOut) return this.sparqlError(classifySparqlFailure({ errorCode: 'TIMEOUT' }), text, { cause: error, attempts });
    const message = error instanceof Error ? error.message : String(error);
    const classification = classifySparqlFailure({ errorCode: connectionErrorCode(error), message });
    return this.sparqlError(classification, text, { cause: error, attempts });
  }
}

/** Retry settings with the defined values of `override` applied. */
function mergeRetry(base: RetryOptions, override: Partial<RetryOptions> | undefined): RetryOptions {
  const defined = Object.entries(override ?? {}).filter(([, value]) => value !== undefined);
  return { ...base, ...(Object.fromEntries(defined) as Partial<RetryOptions>) };
}

function withAttempts(error: SparqlError, attempts: number): SparqlError {
  if (error.attempts === attempts) return error;
  Object.defineProperty(error, 'attempts', { value: attempts });
  return error;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/** Creates a client; see SparqlClientOptions for the defaults. */
export function createSparqlClient(options: SparqlClientOptions): SparqlClient {
  return new HttpSparqlClient(options);
}
