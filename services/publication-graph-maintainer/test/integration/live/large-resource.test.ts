/**
 * A resource whose export does not fit under the store's row limit (10 000 rows, Virtuoso's stock
 * ResultSetMaxRows and the embedded store's default): an organisation with 10 500 members exported
 * through an inverse property. Its expected and current triples are read in pages, and a change to it
 * is published completely.
 */
import { randomUUID } from 'node:crypto';
import { clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';

const run = randomUUID().slice(0, 8);
const base = `http://example.org/large-test/${run}/`;
const sourceGraph = `${base}graphs/source`;
const MEMBERS = 10_500;
const exportConfig = { export: [{ type: `${base}Org`, properties: [`${base}name`, `^${base}memberOf`] }] };
const org = `${base}org/big`;

let harness: LiveHarness;
let publicationGraph: string;

beforeAll(async () => {
  harness = await startLiveHarness({ deltaMode: 'effective', publicationWrites: 'direct', streams: [{ name: 'orgs', exportConfig }] });
  publicationGraph = harness.config.streams[0]!.publicationGraph;
  // The members arrive without deltas (direct endpoint), in Virtuoso-sized updates.
  for (let start = 0; start < MEMBERS; start += 1000) {
    const triples = Array.from({ length: Math.min(1000, MEMBERS - start) }, (_, i) => `<${base}person/${start + i}> <${base}memberOf> <${org}> .`);
    await harness.direct.update(`INSERT DATA { GRAPH <${sourceGraph}> { ${triples.join('\n')} } }`);
  }
});

afterAll(async () => {
  if (!harness) return;
  await clearGraphs(harness, [sourceGraph, publicationGraph]);
  await harness.stop();
});

async function count(pattern: string): Promise<number> {
  const [row] = await harness.direct.select(`SELECT (COUNT(*) AS ?n) WHERE { GRAPH <${publicationGraph}> { ${pattern} } }`);
  return Number(row!.n!.value);
}

it('publishes and updates a resource whose export exceeds the row limit', async () => {
  const maintainer = await harness.startMaintainer();
  await harness.update(`INSERT DATA { GRAPH <${sourceGraph}> { <${org}> a <${base}Org> ; <${base}name> "Groot" . } }`);
  await harness.quiesce();
  expect(await count(`?s <${base}memberOf> <${org}>`)).toBe(MEMBERS);
  expect(await count('?s ?p ?o')).toBe(MEMBERS + 2);

  // A change of the resource itself: current (10 502 published triples) is read in pages too.
  await harness.update(`DELETE DATA { GRAPH <${sourceGraph}> { <${base}person/7> <${base}memberOf> <${org}> . <${org}> <${base}name> "Groot" . } } ;
    INSERT DATA { GRAPH <${sourceGraph}> { <${org}> <${base}name> "Heel groot"@nl . } }`);
  await harness.quiesce();
  expect(await count('?s ?p ?o')).toBe(MEMBERS + 1);
  expect(await count(`<${base}person/7> ?p ?o`)).toBe(0);
  expect(await count(`<${org}> <${base}name> "Heel groot"@nl`)).toBe(1);
  expect(harness.logs().filter((line) => line.msg === 'live read does not fit under the store row limit; paging it').length).toBeGreaterThanOrEqual(2);
  expect(harness.logs().filter((line) => (line.level as number) >= 50)).toEqual([]);
  await maintainer.stop();
  harness.maintainer = undefined;
}, 180_000);
