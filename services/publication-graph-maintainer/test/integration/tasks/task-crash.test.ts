/**
 * Initial sync and healing over more data than one store answer holds (13 000 organisations, 52 000
 * published triples, against ResultSetMaxRows 10 000 — real on Virtuoso, emulated on the embedded store),
 * with the maintainer's real main.ts killed (SIGKILL) in the middle of each task: the restarted process
 * takes its own abandoned task over at once, runs it to success, and the publication graph equals the
 * export. The expected export is generated with the data, independently of the maintainer.
 */
import { randomUUID } from 'node:crypto';
import { createSparqlClient, literal, namedNode, quad, RDF, type Quad, type SparqlClient } from '@delta-producer/core';
import { freePort, startChildMaintainer as startChild, waitForHealth, type ChildMaintainer as Child } from '../../support/child-maintainer.js';
import { clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';
import { scheduleTask, waitForTaskEnd } from '../../support/tasks.js';
import { createWorld, type World } from '../../support/workload.js';

const ORGANISATIONS = 13_000;

let harness: LiveHarness;
let world: World;
let publicationGraph: string;
let jobsGraph: string;
let direct: SparqlClient;
let expected: Set<string>;

const key = (s: string, p: string, o: string) => `${s} ${p} ${o}`;

/** Every triple of a graph, read in keyset pages of subjects (no answer near the row limit). */
async function readGraph(graph: string): Promise<Set<string>> {
  const triples = new Set<string>();
  let after = '';
  for (;;) {
    const subjects = await direct.selectAll(`SELECT DISTINCT ?s WHERE { GRAPH <${graph}> { ?s ?p ?o } FILTER(STR(?s) > ${JSON.stringify(after)}) } ORDER BY STR(?s) LIMIT 1000`);
    if (subjects.length === 0) return triples;
    const values = subjects.map((row) => `<${row.s!.value}>`).join(' ');
    for (const row of await direct.selectAll(`SELECT ?s ?p ?o WHERE { VALUES ?s { ${values} } GRAPH <${graph}> { ?s ?p ?o } }`)) {
      triples.add(key(row.s!.value, row.p!.value, row.o!.termType === 'Literal' ? `"${row.o!.value}"` : row.o!.value));
    }
    after = subjects.at(-1)!.s!.value;
  }
}

beforeAll(async () => {
  world = createWorld(randomUUID().slice(0, 8));
  const { v, graphs } = world;
  harness = await startLiveHarness({
    deltaMode: 'effective',
    publicationWrites: 'direct',
    streams: [{ name: 'things', exportConfig: world.exportConfig, entry: { jobsGraph: `http://example.org/task-crash/jobs/${randomUUID()}` } }],
  });
  publicationGraph = harness.config.streams[0]!.publicationGraph;
  jobsGraph = harness.config.streams[0]!.jobsGraph;
  direct = createSparqlClient({ endpoint: harness.gateway.directUrl });
  const concept = `${world.base}id/concept/big`;
  const source: Quad[] = [quad(namedNode(concept), namedNode(v.inScheme), namedNode(v.scheme), namedNode(graphs.orgsA))];
  expected = new Set();
  for (let index = 0; index < ORGANISATIONS; index++) {
    const org = `${world.base}id/big-org/${String(index).padStart(6, '0')}`;
    const g = namedNode(index % 2 === 0 ? graphs.orgsA : graphs.orgsB);
    const triples: [string, string, string, boolean][] = [
      [org, RDF.type, v.Org, false],
      [org, v.name, `Organisation ${index}`, true],
      [org, v.uuid, `uuid-${index}`, true],
      [org, v.classification, concept, false],
    ];
    for (const [s, p, o, isLiteral] of triples) {
      source.push(quad(namedNode(s), namedNode(p), isLiteral ? literal(o) : namedNode(o), g));
      expected.add(key(s, p, isLiteral ? `"${o}"` : o));
    }
  }
  await direct.insertData(source, { batchSize: 1000 });
}, 300_000);

afterAll(async () => {
  if (!harness) return;
  await clearGraphs(harness, [...world.sourceSide, publicationGraph, jobsGraph]);
  await harness.stop();
}, 120_000);

/** Starts main.ts; resolves once it logged progress of the task past the first page and before the end. */
async function killMidTask(env: Record<string, string>, task: string): Promise<Child> {
  const child = startChild(env);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const progressed = child.output
      .join('')
      .split('\n')
      .some((line) => line.includes('"task progress"') && line.includes(task) && /"processed":([1-9]\d*)/.test(line) && !/"processed":(\d+),"total":\1\b/.test(line));
    if (progressed) break;
    if (child.process.exitCode !== null || Date.now() > deadline) throw new Error(`no progress seen: ${child.output.join('').slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.process.kill('SIGKILL');
  await child.exited;
  return child;
}

it('initial sync and healing, each killed mid-run, finish after a restart with the graph equal to the export', async () => {
  const port = await freePort();
  const env = { ...harness.env, PORT: String(port), LOG_FORMAT: 'json', LOG_LEVEL: 'debug', TASK_PAGE_SIZE: '100', TASK_STALE_AFTER_MS: '600000' };
  const stream = harness.config.streams[0]!;

  const initial = await scheduleTask(direct, stream, 'initialSync');
  await killMidTask(env, initial.task);
  expect((await readGraph(publicationGraph)).size).toBeLessThan(expected.size);
  let child = startChild(env);
  await waitForHealth(`http://127.0.0.1:${port}`, child);
  const synced = await waitForTaskEnd(direct, jobsGraph, initial.task, 240_000);
  expect(synced).toMatchObject({ status: 'success', errors: [] });
  child.process.kill('SIGTERM');
  await child.exited;
  expect(await readGraph(publicationGraph)).toEqual(expected);

  // 1% drift: deleted triples and triples that do not belong.
  const published = [...expected];
  const missing = published.filter((_, index) => index % 100 === 0);
  for (let start = 0; start < missing.length; start += 200) {
    const chunk = missing.slice(start, start + 200).map((triple) => {
      const [s, p, ...rest] = triple.split(' ');
      const o = rest.join(' ');
      return `<${s}> <${p}> ${o.startsWith('"') ? o : `<${o}>`} .`;
    });
    await direct.update(`DELETE DATA { GRAPH <${publicationGraph}> { ${chunk.join('\n')} } }`);
  }
  await direct.update(`INSERT DATA { GRAPH <${publicationGraph}> { <${world.base}id/stray/1> <${world.v.name}> "stray" . <${world.base}id/big-org/000001> <${world.v.unconfigured}> "x" . } }`);

  const healing = await scheduleTask(direct, stream, 'healing');
  await killMidTask(env, healing.task);
  child = startChild(env);
  await waitForHealth(`http://127.0.0.1:${port}`, child);
  const healed = await waitForTaskEnd(direct, jobsGraph, healing.task, 240_000);
  child.process.kill('SIGTERM');
  await child.exited;
  expect(healed).toMatchObject({ status: 'success', errors: [] });
  expect(await readGraph(publicationGraph)).toEqual(expected);
}, 600_000);
