/**
 * Delta files through real crashes: the maintainer runs as a child process (its real main.ts) and is
 * SIGKILLed at random moments while it writes files — on odd rounds the moment the writer's state file
 * changes (a flush was just planned or just finished), on even rounds after a random delay. A reference
 * consumer polls the child between kills. After a last start the consumer catches up: its replica
 * equals the publication graph, it never saw a file twice or a created value go back, and every file
 * on disk is schema-valid and listed exactly once.
 */
import { mkdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { termToSparql } from '@delta-producer/core';
import { freePort, killAtMoment, startChildMaintainer, waitForHealth } from '../../support/child-maintainer.js';
import { deltaFilesUnder, ReferenceConsumer } from '../../support/delta-consumer.js';
import { clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';
import { keyDifference, tripleKeys } from '../../support/reference-export.js';
import { createWorld, seededRandom, Workload, type World } from '../../support/workload.js';

const ROUNDS = 10;
const UPDATES_PER_ROUND = 15;

let harness: LiveHarness;
let world: World;
let publicationGraph: string;
const filesGraph = `http://example.org/delta-sigkill-test/files/${randomUUID()}`;

beforeAll(async () => {
  world = createWorld(randomUUID().slice(0, 8));
  harness = await startLiveHarness({
    deltaMode: 'effective',
    publicationWrites: 'direct',
    streams: [
      {
        name: 'things',
        exportConfig: world.exportConfig,
        entry: { excludedSourceGraphs: [world.graphs.excluded], serveDeltaFiles: true, publisherUri: `http://example.org/delta-sigkill-test/publisher/${randomUUID()}`, filesGraph, deltaInterval: 0 },
      },
    ],
    env: { MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE: '4', MAX_DELTAS_PER_FILE: '2', MAX_DELTA_FILES_PER_REQUEST: '7' },
  });
  publicationGraph = harness.config.streams[0]!.publicationGraph;
});

afterAll(async () => {
  if (!harness) return;
  await clearGraphs(harness, [...world.sourceSide, publicationGraph, filesGraph]);
  await harness.stop();
});

it(`survives ${ROUNDS} SIGKILLs while writing delta files: the consumer's replica equals the publication graph`, async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...harness.env, PORT: String(port), LOG_FORMAT: 'json', LOG_LEVEL: 'info' };
  await harness.pointNotifierAt(url);
  const workload = new Workload(world, 9090);
  const random = seededRandom(5151);
  const subjectTriples = async (subject: string) => {
    const values = world.sourceSide.map((graph) => `<${graph}>`).join(' ');
    const rows = await harness.direct.selectAll(`SELECT ?g ?p ?o WHERE { VALUES ?g { ${values} } GRAPH ?g { <${subject}> ?p ?o } }`);
    return rows.filter((row) => row.o?.termType !== 'BlankNode').map((row) => ({ graph: row.g!.value, triple: `<${subject}> ${termToSparql(row.p!)} ${termToSparql(row.o!)}` }));
  };
  const stateDir = join(harness.dataDir, 'delta-files', 'things');
  await mkdir(stateDir, { recursive: true });
  const consumer = new ReferenceConsumer({ baseUrl: url, filesPath: '/things/files' });
  let kills = 0;
  const outputs: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const child = startChildMaintainer(env);
    await waitForHealth(url, child);
    // The listing answers 503 while the index loads; the consumer polls once it is ready.
    while ((await fetch(`${url}/ready`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    await consumer.pollOnce();
    if (round === 0) await harness.update(workload.baseline().update);
    for (let step = 0; step < UPDATES_PER_ROUND; step++) await harness.update((await workload.next(subjectTriples)).update);
    await harness.notifier.flush();
    // Odd rounds: at the flush plan's write (the debounced flush starts up to deltaInterval = 1 s later,
    // so no short timer may fire first); even rounds: after a random delay.
    const moment = round % 2 === 1 ? { delayMs: 10_000, watchDir: stateDir } : { delayMs: Math.floor(random() * 300) };
    if (await killAtMoment(child, moment)) kills++;
    outputs.push(child.output.join(''));
  }
  expect(kills).toBeGreaterThanOrEqual(8);

  const maintainer = await harness.startMaintainer();
  await maintainer.filesFlushed();
  const last = new ReferenceConsumer({ baseUrl: maintainer.url, filesPath: '/things/files', since: consumer.cursor });
  for (const [key, value] of consumer.replica) last.replica.set(key, value);
  await last.catchUp();
  const published = tripleKeys(await harness.dump([publicationGraph]));
  expect(published.size).toBeGreaterThan(30);
  expect(keyDifference(last.keys(), published)).toEqual({ missing: [], unexpected: [] });

  const seen = [...consumer.applied, ...last.applied];
  const created = seen.map((file) => Date.parse(file.attributes.created));
  for (let i = 1; i < created.length; i++) expect(created[i]!).toBeGreaterThan(created[i - 1]!);
  expect(new Set(seen.map((file) => file.id)).size).toBe(seen.length);
  const onDisk = await deltaFilesUnder(join(harness.env.SHARE_DIR!, 'deltas'));
  expect(onDisk.filter((file) => file.problems.length > 0)).toEqual([]);
  expect(onDisk.map((file) => file.path.split('/').at(-1)).sort()).toEqual(seen.map((file) => file.attributes.name).sort());
  // Kills did interrupt flushes: some start completed a planned flush.
  const resumed = [...outputs, JSON.stringify(harness.logs())].join('\n').split('completing the flush interrupted').length - 1;
  expect(resumed).toBeGreaterThanOrEqual(1);
}, 300_000);
