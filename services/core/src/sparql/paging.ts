/**
 * Reads that never trust an unbounded result (B1 #1, #2).
 *
 * Virtuoso cuts a SELECT result at `ResultSetMaxRows` without an error (it only adds the header
 * `X-SPARQL-MaxRows`, which mu-authorization may not pass on). So:
 * - `selectAll` is for queries whose result must fit: a result that reaches `maxRows` rows (or carries
 *   the header) is refused with TruncatedResultError instead of being returned cut.
 * - `selectPaged` pages with `LIMIT pageSize` (pageSize ≤ maxRows). KEYSET mode (preferred): the
 *   caller's query orders by a key that is unique per row and keeps rows after `page.after`, e.g.
 *   `FILTER(STR(?s) > ${literal(after)}) … ORDER BY STR(?s) LIMIT ${limit}`; no OFFSET, so Virtuoso's
 *   `MaxSortedTopRows` (SR353 when OFFSET+LIMIT > 10 000 with ORDER BY) never applies. OFFSET mode is
 *   the fallback for queries without a usable key. Pages are produced by an async generator: one page
 *   in memory at a time.
 * - `countThenPage` counts first and fails when the rows received differ from the count.
 */
import type { Term } from '@rdfjs/types';
import { termToNTriples } from '../rdf/terms.js';
import type { SparqlText } from '../rdf/sparql-text.js';
import type { SparqlCallOptions } from './client.js';
import { TruncatedResultError } from './errors.js';
import { bindingsFromJson, type Bindings, type JsonBindings } from './results.js';

type Query = string | SparqlText;

/** What `selectJson` returns, as far as paging needs it. */
export interface PagingSource {
  selectJson(query: Query, options?: SparqlCallOptions): Promise<{ bindings: JsonBindings[]; vars?: string[]; storeMaxRows?: number }>;
}

export interface PageRequest {
  /** LIMIT of this page (= pageSize). */
  limit: number;
  /** OFFSET of this page (offset mode; always 0 in keyset mode). */
  offset: number;
  /** Keyset mode: the key of the last row of the previous page; undefined for the first page. */
  after: Term | undefined;
  /** 0-based page number. */
  page: number;
}

export interface SelectAllOptions extends SparqlCallOptions {
  /** Rows the store returns at most (default: the client's maxRows, 10 000). */
  maxRows?: number;
}

export interface PagedSelectOptions extends SparqlCallOptions {
  /** Rows per page (default 1000, at most maxRows). */
  pageSize?: number;
  /** The store's row limit (default: the client's maxRows). */
  maxRows?: number;
  /** Default: 'keyset' when `key` is given, else 'offset'. */
  mode?: 'keyset' | 'offset';
  /** Keyset mode: the variable holding the key, or a function reading it from a row. */
  key?: string | ((row: Bindings) => Term | undefined);
}

export interface CountThenPageOptions extends PagedSelectOptions {
  /** Variable of the count (default: the only variable of the count query's result). */
  countVariable?: string;
}

export interface PagingSummary {
  pages: number;
  rows: number;
  /** countThenPage: the count the rows were checked against. */
  expected?: number;
}

export class PagingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PagingError';
  }
}

export const DEFAULT_PAGE_SIZE = 1000;

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** The per-call options (headers, timeout, retry, signal) without the paging ones. */
function callOptionsOf(options: CountThenPageOptions): SparqlCallOptions {
  const { pageSize: _pageSize, maxRows: _maxRows, mode: _mode, key: _key, countVariable: _countVariable, ...callOptions } = options;
  return callOptions;
}

/** The whole result of a query that must fit under `maxRows`; refuses a result that may be cut. */
export async function selectAll(source: PagingSource, query: Query, options: SelectAllOptions = {}): Promise<Bindings[]> {
  const maxRows = positiveInteger(options.maxRows ?? 10_000, 'maxRows');
  const result = await source.selectJson(query, callOptionsOf(options));
  const received = result.bindings.length;
  if (received >= maxRows || (result.storeMaxRows !== undefined && received >= result.storeMaxRows)) {
    const limit = Math.min(maxRows, result.storeMaxRows ?? maxRows);
    throw new TruncatedResultError(
      `query returned ${received} rows, reaching the store's row limit (${limit}): the result may be cut; page it (selectPaged) instead`,
      { received, maxRows: limit },
    );
  }
  return result.bindings.map((row, index) => bindingsFromJson(row, index));
}

function keyReader(key: PagedSelectOptions['key']): ((row: Bindings) => Term | undefined) | undefined {
  if (key === undefined) return undefined;
  if (typeof key === 'function') return key;
  return (row) => row[key];
}

/**
 * Pages of `buildQuery(page)`, each fetched with one request. Stops after the first page with fewer
 * than `pageSize` rows. Throws TruncatedResultError when the store cut a page at a lower row limit
 * than `maxRows`, and PagingError when a page ignores its LIMIT or a keyset page makes no progress.
 */
export async function* selectPaged(
  source: PagingSource,
  buildQuery: (page: PageRequest) => Query,
  options: PagedSelectOptions = {},
): AsyncGenerator<Bindings[], PagingSummary, undefined> {
  const maxRows = positiveInteger(options.maxRows ?? 10_000, 'maxRows');
  const pageSize = positiveInteger(options.pageSize ?? Math.min(DEFAULT_PAGE_SIZE, maxRows), 'pageSize');
  if (pageSize > maxRows) throw new RangeError(`pageSize ${pageSize} exceeds the store's row limit ${maxRows}: pages would be cut silently`);
  const mode = options.mode ?? (options.key === undefined ? 'offset' : 'keyset');
  const readKey = keyReader(options.key);
  if (mode === 'keyset' && !readKey) throw new RangeError('keyset paging needs a key (variable name or function)');
  const callOptions = callOptionsOf(options);

  let after: Term | undefined;
  let afterKey: string | undefined;
  let offset = 0;
  let rows = 0;
  for (let page = 0; ; page += 1) {
    const request: PageRequest = { limit: pageSize, offset: mode === 'offset' ? offset : 0, after, page };
    const result = await source.selectJson(buildQuery(request), callOptions);
    const received = result.bindings.length;
    if (received > pageSize) throw new PagingError(`page ${page} returned ${received} rows for LIMIT ${pageSize}: the query does not apply the page's limit`);
    if (result.storeMaxRows !== undefined && result.storeMaxRows < pageSize && received >= result.storeMaxRows) {
      throw new TruncatedResultError(`page ${page} was cut at the store's row limit ${result.storeMaxRows} (pageSize ${pageSize}): lower pageSize/maxRows`, {
        received: rows + received,
        maxRows: result.storeMaxRows,
      });
    }
    const bindings = result.bindings.map((row, index) => bindingsFromJson(row, index));
    rows += received;
    if (mode === 'keyset' && received > 0) {
      const last = readKey!(bindings[received - 1]!);
      if (!last) throw new PagingError(`page ${page}: the last row has no key`);
      const lastKey = termToNTriples(last);
      if (lastKey === afterKey) throw new PagingError(`page ${page} did not advance past key ${lastKey.slice(0, 200)}: does the query filter on page.after?`);
      after = last;
      afterKey = lastKey;
    }
    offset += received;
    if (received > 0) yield bindings;
    if (received < pageSize) return { pages: page + 1, rows };
  }
}

function countFrom(result: { bindings: JsonBindings[]; vars?: string[] }, variable: string | undefined): number {
  const row = result.bindings[0];
  if (result.bindings.length !== 1 || !row) throw new PagingError(`count query returned ${result.bindings.length} rows, expected 1`);
  const name = variable ?? (result.vars?.length === 1 ? result.vars[0] : Object.keys(row).length === 1 ? Object.keys(row)[0] : undefined);
  if (!name) throw new PagingError('count query: say which variable holds the count (countVariable)');
  const term = bindingsFromJson(row)[name];
  if (!term || term.termType !== 'Literal' || !/^\d+$/.test(term.value.trim())) throw new PagingError(`count query: ?${name} is not a non-negative integer`);
  return Number(term.value.trim());
}

/**
 * Runs `countQuery` (one row, one integer), then pages like `selectPaged`. Fails with
 * TruncatedResultError as soon as more rows arrive than counted, and after the last page when fewer
 * did (a page was cut, or the data changed while reading: either way the pages are not the whole
 * result). Callers must not act on the pages as complete before the generator finishes.
 */
export async function* countThenPage(
  source: PagingSource,
  countQuery: Query,
  buildQuery: (page: PageRequest) => Query,
  options: CountThenPageOptions = {},
): AsyncGenerator<Bindings[], PagingSummary, undefined> {
  const callOptions = callOptionsOf(options);
  const expected = countFrom(await source.selectJson(countQuery, callOptions), options.countVariable);
  let received = 0;
  const pages = selectPaged(source, buildQuery, options);
  for (;;) {
    const next = await pages.next();
    if (next.done) {
      if (next.value.rows !== expected) {
        throw new TruncatedResultError(`received ${next.value.rows} rows but the count is ${expected}: a page was cut or the data changed while paging`, {
          received: next.value.rows,
          expected,
        });
      }
      return { ...next.value, expected };
    }
    received += next.value.length;
    if (received > expected) {
      await pages.return({ pages: 0, rows: received });
      throw new TruncatedResultError(`received ${received} rows but the count is ${expected}: the data changed while paging`, { received, expected });
    }
    yield next.value;
  }
}
