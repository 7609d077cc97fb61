/**
 * A remote SPARQL store (e.g. Virtuoso) as backend, through core's SPARQL client.
 *
 * - Client queries are forwarded as is (form `query=`, the client's Accept), answer passed back
 *   untouched: the store's own limits (ResultSetMaxRows truncation) apply, as behind mu-authorization.
 * - WHERE evaluation counts the solutions, then pages `SELECT DISTINCT … ORDER BY …` in a sub-select
 *   with LIMIT/OFFSET outside (B1 #1, #2); a result that disagrees with the count fails the update.
 * - Presence checks: batches of `{ GRAPH <g> { s p o } BIND(i AS ?index) }` UNION branches; the store
 *   matches literals by value (B1 #9), the answer names the indexes present.
 * - Writes: DELETE DATA then INSERT DATA of the effective quads, batched by the client (halved when
 *   the store finds a batch too large). Not atomic across batches: a failure leaves earlier batches.
 * - Direct endpoint: the update text runs natively on the store (graph management included).
 */
import type { Quad, Term, Variable } from '@rdfjs/types';
import sparqljs from 'sparqljs';
import type { SelectQuery } from 'sparqljs';
import factory from '@rdfjs/data-model';
import { canonicalQuadKey, createSparqlClient, termToSparql, tripleToSparql, type Logger, type SparqlClient } from '@delta-producer/core';
import { generateSparql } from '../update/parse.js';
import type { EffectiveChanges, GraphTarget, Solution } from '../update/planner.js';
import { BackendError, type Backend, type QueryAnswer, type QueryRequest, type Transaction } from './types.js';

export interface RemoteBackendOptions {
  url: string;
  logger: Logger;
  /** Per-request timeout of the gateway's own requests (default 120 s). */
  timeoutMs?: number;
  /** Quads per DELETE DATA / INSERT DATA and per presence query (default 100). */
  batchSize?: number;
  /** Rows per page of WHERE evaluation (default 1000; at most the store's ResultSetMaxRows). */
  pageSize?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

export function createRemoteBackend(options: RemoteBackendOptions): Backend {
  return new RemoteBackend(options);
}

class RemoteBackend implements Backend {
  readonly kind = 'remote';
  readonly description: string;
  readonly #client: SparqlClient;
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #batchSize: number;
  readonly #pageSize: number;

  constructor(options: RemoteBackendOptions) {
    this.#url = options.url;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#batchSize = options.batchSize ?? 100;
    this.#pageSize = options.pageSize ?? 1000;
    this.#client = createSparqlClient({ endpoint: options.url, logger: options.logger, timeoutMs: this.#timeoutMs });
    this.description = `remote store ${this.#client.endpoint}`;
  }

  async query(request: QueryRequest): Promise<QueryAnswer> {
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: request.accept ?? defaultAccept(request) },
        body: new URLSearchParams({ query: request.text }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new BackendError(`cannot reach the store ${this.#client.endpoint}: ${(error as Error).message}`, { cause: error });
    }
    const body = Buffer.from(await response.arrayBuffer());
    return { status: response.status, contentType: response.headers.get('content-type') ?? 'application/octet-stream', body };
  }

  async selectAll(select: SelectQuery): Promise<Solution[]> {
    const toSolution = (row: Record<string, Term>): Solution => new Map(Object.entries(row));
    if (select.limit !== undefined) return (await this.#client.select(generateSparql(select))).map(toSolution);
    const solutions: Solution[] = [];
    const pages = this.#client.countThenPage(countQuery(select), (page) => pageQuery(select, page.limit, page.offset), {
      mode: 'offset',
      pageSize: this.#pageSize,
      countVariable: 'count',
    });
    for await (const rows of pages) for (const row of rows) solutions.push(toSolution(row));
    return solutions;
  }

  async presentKeys(quads: readonly Quad[]): Promise<Set<string>> {
    // Blank nodes cannot be named in a query; quads with one never count as present.
    const checkable = quads.filter((q) => q.graph.termType === 'NamedNode' && ![q.subject, q.object].some((term) => term.termType === 'BlankNode'));
    const wanted = new Map<string, Quad>();
    for (const q of checkable) wanted.set(canonicalQuadKey(q), q);
    const present = new Set<string>();
    const unique = [...wanted.entries()];
    for (let start = 0; start < unique.length; start += this.#batchSize) {
      const batch = unique.slice(start, start + this.#batchSize);
      // One constant pattern per quad, tagged with its index. Faster on Virtuoso 7.2 than a VALUES
      // join (VALUES first misses language-tagged literals; GRAPH first scans every quad), and the
      // store matches literals by value (1.50 finds 1.5) without us comparing its answers.
      const branches = batch.map(([, q], index) => `{ GRAPH ${termToSparql(q.graph)} { ${tripleToSparql(q)} } BIND(${index} AS ?index) }`);
      const query = `SELECT DISTINCT ?index WHERE {\n${branches.join('\nUNION\n')}\n}`;
      for (const row of await this.#client.select(query)) {
        const index = Number(row.index?.value);
        const entry = batch[index];
        if (entry) present.add(entry[0]);
      }
    }
    return present;
  }

  async graphQuads(_target: GraphTarget): Promise<Quad[]> {
    throw new BackendError('graph management on a remote store runs natively on the store');
  }

  begin(): Transaction {
    return new RemoteTransaction(this.#client, this.#batchSize);
  }

  async executeNative(text: string): Promise<void> {
    await this.#client.update(text, { retry: false });
  }

  async check(signal?: AbortSignal): Promise<void> {
    await this.#client.ask('ASK {}', { retry: false, ...(signal ? { signal } : {}) });
  }

  async close(): Promise<void> {}
}

class RemoteTransaction implements Transaction {
  constructor(
    private readonly client: SparqlClient,
    private readonly batchSize: number,
  ) {}

  async apply(changes: EffectiveChanges): Promise<void> {
    if (changes.deletes.length > 0) await this.client.deleteData(changes.deletes, { batchSize: this.batchSize });
    if (changes.inserts.length > 0) await this.client.insertData(changes.inserts, { batchSize: this.batchSize });
  }

  async commit(): Promise<void> {}

  async rollback(): Promise<boolean> {
    return false;
  }
}

/** Without an Accept header: SPARQL-JSON for SELECT / ASK, Turtle for CONSTRUCT / DESCRIBE (as the embedded store). */
function defaultAccept(request: QueryRequest): string {
  return request.query.queryType === 'SELECT' || request.query.queryType === 'ASK' ? 'application/sparql-results+json' : 'text/turtle';
}

/** `SELECT (COUNT(*) AS ?count) { SELECT DISTINCT … }`, FROM on the outer query. */
function countQuery(select: SelectQuery): string {
  const { from, ...inner } = select;
  const count: SelectQuery = {
    type: 'query',
    queryType: 'SELECT',
    prefixes: {},
    variables: [{ expression: { type: 'aggregate', aggregation: 'count', distinct: false, expression: new sparqljs.Wildcard() }, variable: factory.variable('count') }],
    where: [{ type: 'group', patterns: [inner] }],
  };
  if (from) count.from = from;
  return generateSparql(count);
}

/** One page: the ordered DISTINCT solutions in a sub-select, LIMIT/OFFSET outside (B1 #2). */
function pageQuery(select: SelectQuery, limit: number, offset: number): string {
  const { from, ...inner } = select;
  const variables = inner.variables.filter((variable): variable is Variable => 'termType' in variable && variable.termType === 'Variable');
  const ordered: SelectQuery = { ...inner, order: variables.map((variable) => ({ expression: variable })) };
  const page: SelectQuery = {
    type: 'query',
    queryType: 'SELECT',
    prefixes: {},
    variables: [new sparqljs.Wildcard()],
    where: [{ type: 'group', patterns: [ordered] }],
    limit,
    offset,
  };
  if (from) page.from = from;
  return generateSparql(page);
}
