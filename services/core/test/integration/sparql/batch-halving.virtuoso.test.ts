/**
 * Virtuoso only (jest.config.js runs *.virtuoso.test.ts in the Virtuoso run): a 4000-quad INSERT DATA
 * fails with Virtuoso's own SP031 "exceeded 10000 lines", and the client halves until it fits.
 */
import { v4 as uuid } from 'uuid';
import { literal, namedNode, quad, sparql } from '../../../src/index.js';
import { createSparqlClient } from '../../../src/sparql/index.js';
import { integrationEndpoint, type IntegrationEndpoint } from '../../support/sparql-endpoint.js';

const graph = namedNode(`http://example.org/halving-${uuid()}/g`);
let endpoint: IntegrationEndpoint;

beforeAll(async () => {
  endpoint = await integrationEndpoint();
});
afterAll(async () => {
  await createSparqlClient({ endpoint: endpoint.url }).update(sparql`DELETE WHERE { GRAPH ${graph} { ?s ?p ?o } }`);
  await endpoint.close();
});

it('halves on Virtuoso SP031 for a 4000-quad batch', async () => {
  const client = createSparqlClient({ endpoint: endpoint.url });
  const p = namedNode('http://example.org/p');
  const quads = Array.from({ length: 4000 }, (_, i) => quad(namedNode(`http://example.org/s${i}`), p, literal(`value ${i}`), graph));
  const report = await client.insertData(quads, { batchSize: 4000 });
  expect(report.splits).toBeGreaterThan(0);
  expect(report.written).toBe(4000);
  const [row] = await client.select(sparql`SELECT (COUNT(*) AS ?n) WHERE { GRAPH ${graph} { ?s ?p ?o } }`);
  expect(Number(row!.n!.value)).toBe(4000);
});
