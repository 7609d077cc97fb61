/**
 * Crash test: the maintainer runs as a child process (its real main.ts) and is killed with SIGKILL at
 * random moments while it works through a workload: each round writes a slice of the workload through
 * the gateway, waits until the notifier delivered every body (each answered 202, so each is in the
 * intake log), then kills the child after a random delay — before, during or after its batches,
 * outbox appends and publication writes — and starts it again. At the end (after a last start that
 * finishes the work) the publication graph equals Export(source) and the outbox, replayed from an
 * empty graph, gives exactly the publication graph: nothing lost, nothing published twice.
 */
import { randomUUID } from 'node:crypto';
import { canonicalTripleKey, termToSparql } from '@delta-producer/core';
import { freePort, killAtMoment, startChildMaintainer as startChild, waitForHealth } from '../../support/child-maintainer.js';
import { clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';
import { keyDifference, referenceExport, tripleKeys } from '../../support/reference-export.js';
import { createWorld, seededRandom, Workload, type World } from '../../support/workload.js';

const ROUNDS = 12;
const UPDATES_PER_ROUND = 20;

let harness: LiveHarness;
let world: World;
let publicationGraph: string;

beforeAll(async () => {
  world = createWorld(randomUUID().slice(0, 8));
  harness = await startLiveHarness({
    deltaMode: 'effective',
    publicationWrites: 'direct',
    // A pause after every publication write keeps a backlog, so kills land in the middle of the work.
    streams: [{ name: 'things', exportConfig: world.exportConfig, entry: { excludedSourceGraphs: [world.graphs.excluded], throttleMs: 100 } }],
  });
  publicationGraph = harness.config.streams[0]!.publicationGraph;
});

afterAll(async () => {
  if (!harness) return;
  await clearGraphs(harness, [...world.sourceSide, publicationGraph]);
  await harness.stop();
});

it(`survives ${ROUNDS} SIGKILLs at random moments: publication graph = Export(source), outbox = applied changes`, async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...harness.env, PORT: String(port), LOG_FORMAT: 'json', LOG_LEVEL: 'info' };
  await harness.pointNotifierAt(url);
  const workload = new Workload(world, 777);
  const random = seededRandom(4242);
  const subjectTriples = async (subject: string) => {
    const values = world.sourceSide.map((graph) => `<${graph}>`).join(' ');
    const rows = await harness.direct.selectAll(`SELECT ?g ?p ?o WHERE { VALUES ?g { ${values} } GRAPH ?g { <${subject}> ?p ?o } }`);
    return rows.filter((row) => row.o?.termType !== 'BlankNode').map((row) => ({ graph: row.g!.value, triple: `<${subject}> ${termToSparql(row.p!)} ${termToSparql(row.o!)}` }));
  };

  const outboxDir = `${harness.dataDir}/outbox/things`;
  let kills = 0;
  const outputs: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const child = startChild(env);
    await waitForHealth(url, child);
    if (round === 0) await harness.update(workload.baseline().update);
    for (let step = 0; step < UPDATES_PER_ROUND; step++) await harness.update((await workload.next(subjectTriples)).update);
    await harness.notifier.flush();
    // Every delivery was answered 202. Kill at the next outbox append (so, while that diff is being
    // applied) on odd rounds, after a random delay on even ones.
    if (await killAtMoment(child, { delayMs: Math.floor(random() * 300), ...(round % 2 === 1 ? { watchDir: outboxDir } : {}) })) kills++;
    outputs.push(child.output.join(''));
  }
  expect(kills).toBeGreaterThanOrEqual(10);
  expect(harness.notifier.problems).toEqual([]);

  // The last start (in-process) completes what the last kill interrupted and processes the rest.
  const maintainer = await harness.startMaintainer();
  await maintainer.idle();
  const dump = await harness.dump([...world.sourceSide, publicationGraph]);
  const published = dump.filter((q) => q.graph.value === publicationGraph);
  const expected = referenceExport(world.exportConfig, dump, { publicationGraphs: [publicationGraph], excludedSourceGraphs: [world.graphs.excluded], filters: world.filters });
  expect(keyDifference(tripleKeys(published), new Set(expected.keys()))).toEqual({ missing: [], unexpected: [] });
  expect(published.length).toBeGreaterThan(30);
  await harness.stopMaintainer();

  const replayed = new Set<string>();
  for (const record of await harness.outbox('things')) {
    for (const q of record.deletes) replayed.delete(canonicalTripleKey(q));
    for (const q of record.inserts) replayed.add(canonicalTripleKey(q));
  }
  expect(keyDifference(replayed, tripleKeys(published))).toEqual({ missing: [], unexpected: [] });

  // Kills did interrupt work: some later start found an outbox record to complete or intake to skip.
  const recoveries = outputs.join('').split('\n').filter((line) => line.includes('live recovery: completed the batch interrupted')).length;
  const inProcessRecoveries = harness.logs().filter((line) => line.msg === 'live recovery: completed the batch interrupted by the last stop').length;
  expect(recoveries + inProcessRecoveries).toBeGreaterThanOrEqual(1);
}, 300_000);
