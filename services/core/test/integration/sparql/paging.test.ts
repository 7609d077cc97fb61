/**
 * Truncation and paging against a real endpoint that cuts results at 10 000 rows: Virtuoso's stock
 * ResultSetMaxRows, or the embedded endpoint emulating it.
 */
import type { Quad } from '@rdfjs/types';
import { v4 as uuid } from 'uuid';
import { literal, namedNode, quad, sparql, termToNTriples } from '../../../src/index.js';
import { createSparqlClient, TruncatedResultError, type PageRequest, type SparqlClient } from '../../../src/sparql/index.js';
import { clearGraph, integrationEndpoint, startProxy, type IntegrationEndpoint, type TestProxy } from '../../support/sparql-endpoint.js';

const ROWS = 25_000;
const MAX_ROWS = 10_000;
const run = uuid();
const base = `http://example.org/paging-${run}/`;
const graph = namedNode(`${base}graph`);
const P = namedNode(`${base}p`);

let endpoint: IntegrationEndpoint;
let client: SparqlClient;

/** Keyset page: rows after the previous page's last subject, ordered by the subject's string. */
const keysetPage = ({ limit, after }: PageRequest) =>
  sparql`SELECT ?s ?o WHERE {
    GRAPH ${graph} { ?s ${P} ?o }
    ${after ? sparql`FILTER(STR(?s) > ${literal(after.value)})` : sparql``}
  } ORDER BY STR(?s) LIMIT ${limit}`;

/** OFFSET page without ORDER BY (no MaxSortedTopRows limit on Virtuoso). */
const offsetPage = ({ limit, offset }: PageRequest) => sparql`SELECT ?s WHERE { GRAPH ${graph} { ?s ${P} ?o } } LIMIT ${limit} OFFSET ${offset}`;

const countQuery = sparql`SELECT (COUNT(*) AS ?count) WHERE { GRAPH ${graph} { ?s ${P} ?o } }`;

beforeAll(async () => {
  endpoint = await integrationEndpoint({ maxRows: MAX_ROWS });
  client = createSparqlClient({ endpoint: endpoint.url, maxRows: MAX_ROWS });
  const quads: Quad[] = Array.from({ length: ROWS }, (_, i) => quad(namedNode(`${base}s/${String(i).padStart(6, '0')}`), P, literal(`value ${i}`), graph));
  const report = await client.insertData(quads, { batchSize: 500 });
  expect(report.written).toBe(ROWS);
}, 300_000);

afterAll(async () => {
  await clearGraph(client, graph);
  await endpoint.close();
}, 120_000);

describe(`paging ${ROWS} rows with maxRows ${MAX_ROWS}`, () => {
  it('the store really cuts an unbounded SELECT at maxRows', async () => {
    const result = await client.selectJson(sparql`SELECT ?s WHERE { GRAPH ${graph} { ?s ${P} ?o } }`);
    expect(result.bindings).toHaveLength(MAX_ROWS);
    expect(result.storeMaxRows).toBe(MAX_ROWS);
  });

  it('selectAll refuses the cut result', async () => {
    await expect(client.selectAll(sparql`SELECT ?s WHERE { GRAPH ${graph} { ?s ${P} ?o } }`)).rejects.toThrow(TruncatedResultError);
  });

  it('construct refuses a result the store cut (Virtuoso: ResultSetMaxRows + 1 triples, no header)', async () => {
    await expect(client.construct(sparql`CONSTRUCT { ?s ${P} ?o } WHERE { GRAPH ${graph} { ?s ${P} ?o } }`)).rejects.toMatchObject({
      name: 'TruncatedResultError',
      details: { received: MAX_ROWS + 1 },
    });
    expect(await client.construct(sparql`CONSTRUCT { ?s ${P} ?o } WHERE { GRAPH ${graph} { ?s ${P} ?o } } LIMIT 100`)).toHaveLength(100);
  });

  it('selectAll returns a result that fits', async () => {
    const rows = await client.selectAll(sparql`SELECT ?s WHERE { GRAPH ${graph} { ?s ${P} ?o } } LIMIT 10`);
    expect(rows).toHaveLength(10);
  });

  it('the keyset pager returns exactly all distinct rows', async () => {
    const seen = new Set<string>();
    let pages = 0;
    for await (const page of client.selectPaged(keysetPage, { key: 's', pageSize: MAX_ROWS })) {
      pages += 1;
      expect(page.length).toBeLessThanOrEqual(MAX_ROWS);
      for (const row of page) seen.add(termToNTriples(row.s!));
    }
    expect(seen.size).toBe(ROWS);
    expect(pages).toBe(3);
  });

  it('countThenPage passes when pages are complete', async () => {
    let rows = 0;
    const pages = client.countThenPage(countQuery, keysetPage, { key: 's', pageSize: 4000 });
    for await (const page of pages) rows += page.length;
    expect(rows).toBe(ROWS);
  });

  it('the pager detects a page cut by the store (X-SPARQL-MaxRows) when maxRows is configured too high', async () => {
    const misconfigured = createSparqlClient({ endpoint: endpoint.url, maxRows: 20_000 });
    const pages = misconfigured.selectPaged(offsetPage, { pageSize: 15_000 });
    await expect(pages.next()).rejects.toThrow(TruncatedResultError);
  });

  describe('behind a gateway that drops X-SPARQL-MaxRows', () => {
    let proxy: TestProxy;
    beforeAll(async () => {
      proxy = await startProxy(endpoint.url, { stripResponseHeaders: ['x-sparql-maxrows'] });
    });
    afterAll(async () => {
      await proxy.close();
    });

    it('countThenPage detects the deliberately truncated page', async () => {
      const misconfigured = createSparqlClient({ endpoint: proxy.url, maxRows: 20_000 });
      let received = 0;
      const consume = async () => {
        for await (const page of misconfigured.countThenPage(countQuery, offsetPage, { pageSize: 15_000 })) received += page.length;
      };
      await expect(consume()).rejects.toMatchObject({ name: 'TruncatedResultError', details: { expected: ROWS, received: MAX_ROWS } });
      expect(received).toBe(MAX_ROWS);
    });

    it('while plain paging would have silently returned the cut page', async () => {
      const misconfigured = createSparqlClient({ endpoint: proxy.url, maxRows: 20_000 });
      let received = 0;
      for await (const page of misconfigured.selectPaged(offsetPage, { pageSize: 15_000 })) received += page.length;
      expect(received).toBe(MAX_ROWS);
    });
  });

  it('selectStream parses a 10 000-row result incrementally', async () => {
    let count = 0;
    for await (const row of client.selectStream(sparql`SELECT ?s ?o WHERE { GRAPH ${graph} { ?s ${P} ?o } } LIMIT 10000`)) {
      expect(row.o!.termType).toBe('Literal');
      count += 1;
    }
    expect(count).toBe(MAX_ROWS);
  });
});
