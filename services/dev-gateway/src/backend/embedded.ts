/**
 * The embedded store: oxigraph in memory, made durable by DataDirectory (snapshot + journal).
 *
 * Reads see the union of all graphs as the default graph, as on Virtuoso (queries with FROM / FROM
 * NAMED get exactly that dataset instead). With `resultSetMaxRows` > 0, a client's SELECT is cut at
 * that many rows without any error or header, like stock Virtuoso's ResultSetMaxRows (B1 #1), so the
 * suite's paging is exercised locally: the top-level LIMIT becomes min(LIMIT, max) (sparqljs rewrites
 * the query; OFFSET stays, so later pages still work). CONSTRUCT is not cut. The gateway's own WHERE
 * evaluation is never cut.
 */
import type { NamedNode, Quad } from '@rdfjs/types';
import { canonicalQuadKey, quadToNQuads, termToJson, type Logger, type Term } from '@delta-producer/core';
import oxigraph from 'oxigraph';
import type { Query, SelectQuery } from 'sparqljs';
import { generateSparql } from '../update/parse.js';
import type { EffectiveChanges, GraphTarget, Solution } from '../update/planner.js';
import { DataDirectory } from './data-directory.js';
import { fromOxigraphQuad, fromOxigraphSolutions, toOxigraphQuad, type OxigraphTerm } from './oxigraph-terms.js';
import { BackendError, BackendQueryError, type Backend, type QueryAnswer, type QueryRequest, type Transaction } from './types.js';

export interface EmbeddedBackendOptions {
  dataDir: string;
  /** Rows a client's SELECT returns at most (0: no limit). */
  resultSetMaxRows: number;
  /** Journal size that triggers a snapshot. */
  journalCompactBytes: number;
  /** What "the default graph" means for graph management (CLEAR DEFAULT, NAMED). */
  defaultGraph: NamedNode;
  logger: Logger;
}

const SPARQL_JSON = 'application/sparql-results+json';
const SPARQL_XML = 'application/sparql-results+xml';
const SELECT_TYPES = [SPARQL_JSON, 'application/json', SPARQL_XML, 'text/csv', 'text/tab-separated-values'];
const ASK_TYPES = [SPARQL_JSON, 'application/json', SPARQL_XML];
const GRAPH_TYPES = ['text/turtle', 'application/n-triples', 'application/n-quads', SPARQL_JSON, 'application/json'];

/** Opens (and restores) the store in `dataDir`. */
export async function openEmbeddedBackend(options: EmbeddedBackendOptions): Promise<Backend> {
  const directory = await DataDirectory.open({ dir: options.dataDir, logger: options.logger, compactBytes: options.journalCompactBytes });
  const store = new oxigraph.Store();
  try {
    const started = performance.now();
    const report = await directory.restore(store);
    options.logger.info({ dataDir: directory.dir, quads: store.size, ...report, ms: Math.round(performance.now() - started) }, 'embedded store restored');
  } catch (error) {
    await directory.close();
    throw error;
  }
  return new EmbeddedBackend(store, directory, options);
}

class EmbeddedBackend implements Backend {
  readonly kind = 'embedded';
  readonly description: string;

  constructor(
    private readonly store: oxigraph.Store,
    private readonly directory: DataDirectory,
    private readonly options: EmbeddedBackendOptions,
  ) {
    this.description = `embedded store in ${directory.dir}`;
  }

  async query(request: QueryRequest): Promise<QueryAnswer> {
    const { query } = request;
    const text = this.truncated(request.text, query);
    const dataset = datasetOptions(query);
    return runOxigraph(() => {
      if (query.queryType === 'SELECT' || query.queryType === 'ASK') {
        const type = request.negotiate(query.queryType === 'SELECT' ? SELECT_TYPES : ASK_TYPES) ?? SPARQL_JSON;
        const format = type === 'application/json' ? SPARQL_JSON : type;
        return { status: 200, contentType: format, body: this.store.query(text, { ...dataset, results_format: format }) as string };
      }
      const type = request.negotiate(GRAPH_TYPES) ?? 'text/turtle';
      if (type === SPARQL_JSON || type === 'application/json') {
        // Virtuoso answers CONSTRUCT asked as SPARQL-JSON with bindings s, p, o (B1 #7).
        const quads = (this.store.query(text, dataset) as oxigraph.Quad[]).map((q) => fromOxigraphQuad(q));
        const bindings = quads.map((q) => ({ s: jsonTerm(q.subject), p: jsonTerm(q.predicate), o: jsonTerm(q.object) }));
        return { status: 200, contentType: SPARQL_JSON, body: JSON.stringify({ head: { vars: ['s', 'p', 'o'] }, results: { bindings } }) };
      }
      return { status: 200, contentType: type, body: this.store.query(text, { ...dataset, results_format: type }) as string };
    });
  }

  async selectAll(select: SelectQuery): Promise<Solution[]> {
    const rows = runOxigraph(() => this.store.query(generateSparql(select), datasetOptions(select)) as Map<string, OxigraphTerm>[]);
    return fromOxigraphSolutions(rows);
  }

  async presentKeys(quads: readonly Quad[]): Promise<Set<string>> {
    const present = new Set<string>();
    for (const q of quads) if (this.store.has(toOxigraphQuad(q))) present.add(canonicalQuadKey(q));
    return present;
  }

  async graphQuads(target: GraphTarget): Promise<Quad[]> {
    let quads: oxigraph.Quad[];
    switch (target.type) {
      case 'graph':
        quads = this.store.match(null, null, null, oxigraph.namedNode(target.graph.value));
        break;
      case 'all':
        quads = this.store.match();
        break;
      case 'named':
        quads = this.store.match().filter((q) => q.graph.termType !== 'DefaultGraph' && q.graph.value !== this.options.defaultGraph.value);
        break;
    }
    return quads.map((q) => fromOxigraphQuad(q));
  }

  begin(): Transaction {
    return new EmbeddedTransaction(this.store, this.directory, this.options.logger);
  }

  async check(): Promise<void> {}

  async close(): Promise<void> {
    await this.directory.close();
  }

  private truncated(text: string, query: Query): string {
    const max = this.options.resultSetMaxRows;
    if (query.queryType !== 'SELECT' || max <= 0 || (query.limit !== undefined && query.limit <= max)) return text;
    return generateSparql({ ...query, limit: max });
  }
}

class EmbeddedTransaction implements Transaction {
  readonly #applied: EffectiveChanges[] = [];
  readonly #lines: string[] = [];

  constructor(
    private readonly store: oxigraph.Store,
    private readonly directory: DataDirectory,
    private readonly logger: Logger,
  ) {}

  async apply(changes: EffectiveChanges): Promise<void> {
    // Journal lines first: a quad that cannot be written as N-Quads fails before the store changes.
    const lines = [...changes.deletes.map((q) => `- ${quadToNQuads(q)}`), ...changes.inserts.map((q) => `+ ${quadToNQuads(q)}`)];
    const deletes = changes.deletes.map(toOxigraphQuad);
    const inserts = changes.inserts.map(toOxigraphQuad);
    for (const q of deletes) this.store.delete(q);
    for (const q of inserts) this.store.add(q);
    this.#applied.push(changes);
    this.#lines.push(...lines);
  }

  async commit(): Promise<void> {
    if (this.#lines.length === 0) return;
    await this.directory.append(this.#lines);
    if (this.directory.needsCompaction()) {
      try {
        await this.directory.snapshot(this.store);
      } catch (error) {
        // The update itself is durable in the journal; compaction is retried after the next one.
        this.logger.error({ err: error }, 'snapshot failed; the journal keeps growing');
      }
    }
  }

  async rollback(): Promise<boolean> {
    for (const changes of this.#applied.reverse()) {
      for (const q of changes.inserts) this.store.delete(toOxigraphQuad(q));
      for (const q of changes.deletes) this.store.add(toOxigraphQuad(q));
    }
    this.#applied.length = 0;
    this.#lines.length = 0;
    return true;
  }
}

/** FROM / FROM NAMED define the dataset; without them the default graph is the union of all graphs. */
function datasetOptions(query: Query): { use_default_graph_as_union?: boolean } {
  const from = query.from;
  const hasDataset = from !== undefined && (from.default.length > 0 || from.named.length > 0);
  // oxigraph ignores FROM when use_default_graph_as_union is set, so it is only set without FROM.
  return hasDataset ? {} : { use_default_graph_as_union: true };
}

function jsonTerm(term: Term): unknown {
  return term.termType === 'BlankNode' ? { type: 'bnode', value: term.value } : termToJson(term);
}

/** oxigraph signals syntax errors as `error at line:column`; those and unsupported features are the client's (400). */
function runOxigraph<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/^error at \d+:\d+/.test(message) || /not supported/i.test(message)) throw new BackendQueryError(`the store refused the query: ${message}`, { cause: error });
    throw new BackendError(`the embedded store failed: ${message}`, { cause: error });
  }
}
