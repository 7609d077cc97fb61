/**
 * Reads a publication graph subject by subject, in bounded memory, without trusting any result that may
 * have been cut at the store's row limit (Virtuoso's ResultSetMaxRows, docs/virtuoso-quirks.md).
 *
 * - Subjects come in keyset pages ordered by `STR(?s)` (`FILTER(STR(?s) > after) … LIMIT n`): no
 *   OFFSET (Virtuoso's sorted-rows limit), no count to reach (the lblod loop spun forever when the graph
 *   shrank, pitfall 91), and a page shorter than `n` ends the read whatever happens to the graph.
 * - Triples of a batch of subjects come from one `VALUES` query that must stay under the row limit; when
 *   it reaches it (the answer may be cut), the batch is halved. A single subject with that many triples is
 *   read one predicate at a time.
 * Blank-node subjects are never selected (`isIRI`); blank-node objects are returned and the writer
 * skips them (docs/export-definition.md: blank nodes are skipped everywhere and counted).
 */
import {
  namedNode,
  quad as makeQuad,
  sparql,
  SparqlError,
  TruncatedResultError,
  literal,
  type NamedNode,
  type Quad,
  type SparqlClient,
  type Term,
} from '@delta-producer/core';

/** Attempts of one triple batch whose answer broke off (opening the request is retried by the client). */
const MAX_BATCH_ATTEMPTS = 3;

export class OversizedResourceError extends Error {
  override readonly name = 'OversizedResourceError';
  constructor(
    readonly subject: string,
    readonly predicate: string,
    readonly maxRows: number,
  ) {
    super(`<${subject}> has ${maxRows} or more values of <${predicate}>: more than one query can return (SPARQL_MAX_ROWS ${maxRows})`);
  }
}

export interface GraphReaderOptions {
  /** Subjects per keyset page (below the store's row limit). */
  subjectPageSize: number;
  /** Subjects per triple query. */
  subjectBatchSize: number;
  signal?: AbortSignal;
}

export class GraphReader {
  /** Subjects per triple query now: the configured size, lowered while batches reach the row limit. */
  private batchSize: number;

  constructor(
    private readonly client: SparqlClient,
    private readonly options: GraphReaderOptions,
  ) {
    this.batchSize = options.subjectBatchSize;
  }

  /** Pages of subject IRIs in `STR` order. */
  async *subjectPages(graph: string): AsyncGenerator<NamedNode[]> {
    const g = namedNode(graph);
    const pages = this.client.selectPaged(
      (page) => {
        const after = page.after ? sparql`FILTER(STR(?s) > ${literal(page.after.value)})` : sparql``;
        // GROUP BY rather than DISTINCT: both stores accept ORDER BY on an expression of the group key.
        return sparql`SELECT ?s WHERE { GRAPH ${g} { ?s ?p ?o } FILTER(isIRI(?s)) ${after} } GROUP BY ?s ORDER BY STR(?s) LIMIT ${page.limit}`;
      },
      { key: 's', pageSize: this.options.subjectPageSize, signal: this.options.signal, sudo: true },
    );
    for await (const rows of pages) {
      yield rows.map((row) => row.s).filter((term): term is NamedNode => term?.termType === 'NamedNode');
    }
  }

  /**
   * Triples of the subjects, one batch at a time, grouped per subject in the order given. A batch that
   * reached the row limit was halved; later batches start at the size that last fitted, and grow back
   * after a batch well under the limit (10 triples per subject × 1000 subjects would otherwise cost a
   * wasted, cut query per batch).
   */
  async *triplesOf(graph: string, subjects: readonly NamedNode[]): AsyncGenerator<Quad[][]> {
    let start = 0;
    while (start < subjects.length) {
      const size = this.batchSize;
      const groups = await this.batch(graph, subjects.slice(start, start + size));
      start += size;
      const rows = groups.reduce((sum, group) => sum + group.length, 0);
      if (this.batchSize === size && rows < this.client.maxRows / 4) this.batchSize = Math.min(this.options.subjectBatchSize, size * 2);
      yield groups;
    }
  }


  /**
   * One `VALUES` query, parsed row by row as it arrives (selectStream: no whole-body text and JSON tree
   * in memory next to the quads). A result that reaches the row limit may have been cut: it is dropped
   * and the batch halved. A transient failure in the middle of the answer retries the batch.
   */
  private async batch(graph: string, subjects: readonly NamedNode[], attempt = 1): Promise<Quad[][]> {
    if (subjects.length === 0) return [];
    const g = namedNode(graph);
    const bySubject = new Map<string, Quad[]>(subjects.map((subject) => [subject.value, []]));
    let rows = 0;
    try {
      for await (const row of this.client.selectStream(sparql`SELECT ?s ?p ?o WHERE { VALUES ?s { ${subjects} } GRAPH ${g} { ?s ?p ?o } }`, { signal: this.options.signal, sudo: true })) {
        rows += 1;
        if (rows >= this.client.maxRows) break;
        const { s, p, o } = row;
        if (s?.termType !== 'NamedNode' || p?.termType !== 'NamedNode' || !o) continue;
        bySubject.get(s.value)?.push(makeQuad(s, p, o as Quad['object']));
      }
    } catch (error) {
      const transient = error instanceof SparqlError && error.kind === 'transient' && !this.options.signal?.aborted;
      if (transient && attempt < MAX_BATCH_ATTEMPTS) return this.batch(graph, subjects, attempt + 1);
      throw error;
    }
    if (rows < this.client.maxRows) return [...bySubject.values()];
    if (subjects.length === 1) return [await this.bigSubject(graph, subjects[0]!)];
    const half = Math.ceil(subjects.length / 2);
    this.batchSize = Math.min(this.batchSize, half);
    return [...(await this.batch(graph, subjects.slice(0, half))), ...(await this.batch(graph, subjects.slice(half)))];
  }

  /** Triples with a blank-node subject per predicate: never dumped, but counted for the warning. */
  async blankSubjectTriples(graph: string): Promise<Record<string, number>> {
    const rows = await this.client.selectAll(
      sparql`SELECT ?p (COUNT(*) AS ?count) WHERE { GRAPH ${namedNode(graph)} { ?s ?p ?o } FILTER(isBlank(?s)) } GROUP BY ?p`,
      { signal: this.options.signal, sudo: true },
    );
    return Object.fromEntries(rows.flatMap((row) => (row.p && row.count ? [[row.p.value, Number(row.count.value)] as const] : [])));
  }

  /** One subject with at least a row limit of triples: one query per predicate. */
  private async bigSubject(graph: string, subject: NamedNode): Promise<Quad[]> {
    const g = namedNode(graph);
    const call = { signal: this.options.signal, sudo: true };
    const predicates = await this.client.selectAll(sparql`SELECT DISTINCT ?p WHERE { GRAPH ${g} { ${subject} ?p ?o } }`, call);
    const quads: Quad[] = [];
    for (const { p } of predicates) {
      if (p?.termType !== 'NamedNode') continue;
      try {
        const rows = await this.client.selectAll(sparql`SELECT ?o WHERE { GRAPH ${g} { ${subject} ${p} ?o } }`, call);
        for (const { o } of rows) if (o) quads.push(makeQuad(subject, p, o as Term as Quad['object']));
      } catch (error) {
        if (error instanceof TruncatedResultError) throw new OversizedResourceError(subject.value, p.value, this.client.maxRows);
        throw error;
      }
    }
    return quads;
  }
}
