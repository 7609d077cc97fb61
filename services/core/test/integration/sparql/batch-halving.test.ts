/**
 * Batched writes halve on a real 'size' failure: a gateway answering 413 to large bodies (both
 * backends). Virtuoso's own SP031 is in batch-halving.virtuoso.test.ts.
 */
import type { Quad } from '@rdfjs/types';
import { v4 as uuid } from 'uuid';
import { literal, namedNode, quad, sparql, type NamedNode } from '../../../src/index.js';
import { createSparqlClient, SparqlError, type SparqlClient } from '../../../src/sparql/index.js';
import { clearGraph, integrationEndpoint, startProxy, type IntegrationEndpoint, type TestProxy } from '../../support/sparql-endpoint.js';

const run = uuid();
const base = `http://example.org/halving-${run}/`;
const P = namedNode(`${base}p`);
const MAX_BODY = 8 * 1024;

let endpoint: IntegrationEndpoint;
let direct: SparqlClient;
let gateway: TestProxy;
const graphs: NamedNode[] = [];

function quadsIn(name: string, count: number): Quad[] {
  const graph = namedNode(`${base}${name}`);
  graphs.push(graph);
  return Array.from({ length: count }, (_, i) => quad(namedNode(`${base}s${i}`), P, literal(`value ${i} "quoted" ${'x'.repeat(i % 50)}`), graph));
}

async function count(graph: Quad['graph']): Promise<number> {
  const [row] = await direct.select(sparql`SELECT (COUNT(*) AS ?n) WHERE { GRAPH ${graph} { ?s ?p ?o } }`);
  return Number(row!.n!.value);
}

beforeAll(async () => {
  endpoint = await integrationEndpoint();
  direct = createSparqlClient({ endpoint: endpoint.url });
  gateway = await startProxy(endpoint.url, {
    intercept: ({ body }) => (body.length > MAX_BODY ? { status: 413, body: 'Request Entity Too Large' } : undefined),
  });
});

afterAll(async () => {
  for (const graph of new Set(graphs)) await clearGraph(direct, graph);
  await gateway.close();
  await endpoint.close();
});

describe('batch halving', () => {
  it('splits batches refused with 413 until they fit, and every quad lands', async () => {
    const quads = quadsIn('g413', 300);
    const client = createSparqlClient({ endpoint: gateway.url });
    const report = await client.insertData(quads, { batchSize: 100, sudo: true });
    expect(report.written).toBe(300);
    expect(report.splits).toBeGreaterThan(0);
    expect(await count(quads[0]!.graph)).toBe(300);
    const refused = gateway.seen.filter((request) => request.body.length > MAX_BODY);
    expect(refused.length).toBe(report.splits);
    expect(gateway.seen.length).toBe(report.requests + report.splits);
  });

  it('deleteData halves the same way', async () => {
    const quads = quadsIn('g413', 300);
    const client = createSparqlClient({ endpoint: gateway.url });
    const report = await client.deleteData(quads, { batchSize: 100 });
    expect(report.written).toBe(300);
    expect(await count(quads[0]!.graph)).toBe(0);
  });

  it('propagates the failure when a single quad is too large', async () => {
    const graph = namedNode(`${base}huge`);
    graphs.push(graph);
    const client = createSparqlClient({ endpoint: gateway.url });
    const huge = quad(namedNode(`${base}big`), P, literal('y'.repeat(MAX_BODY * 2)), graph);
    const error = await client.insertData([huge, ...quadsIn('huge', 3)]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SparqlError);
    expect(error).toMatchObject({ kind: 'size', status: 413 });
  });

});
