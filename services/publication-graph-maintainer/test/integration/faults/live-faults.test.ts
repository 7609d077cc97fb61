/**
 * Faults of production, injected into a running maintainer while a random workload flows (the real
 * dev-gateway + delta-notifier emulation, a store behind a fault proxy, /share and DATA_DIR on small
 * tmpfs mounts): the store unavailable for 30 s (FAULT_OUTAGE_MS), its connections refused, a slow
 * store, /share full, /share read-only, DATA_DIR full. After each fault is lifted, with no restart:
 * publication graph = Export(source), a reference consumer that has followed the files since the start
 * holds a replica equal to the publication graph, its cursor never went back, and no delta file was
 * listed twice. Every delta the notifier delivered was acknowledged (202); with DATA_DIR full a delta is
 * refused with 503 and a JSON error, nothing is taken, and the same body is taken once there is room.
 */
import { randomUUID } from 'node:crypto';
import { termToSparql } from '@delta-producer/core';
import { startFaultProxy, type FaultProxy } from '../../../../core/test/support/fault-proxy.js';
import { mountTmpfs, type TestTmpfs } from '../../../../core/test/support/tmpfs.js';
import { ReferenceConsumer } from '../../support/delta-consumer.js';
import { clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';
import { keyDifference, referenceExport, tripleKeys } from '../../support/reference-export.js';
import { createWorld, Workload, type World } from '../../support/workload.js';

const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 30_000);
const UPDATES_PER_FAULT = 15;
const QUICK_RETRY = { initialMs: 100, maxMs: 1_000 };

let world: World;
let proxy: FaultProxy;
let harness: LiveHarness;
let share: TestTmpfs;
let data: TestTmpfs;
let workload: Workload;
let consumer: ReferenceConsumer;
let publicationGraph: string;
const filesGraph = `http://example.org/live-faults/${randomUUID()}/files`;
const cursors: string[] = [];

beforeAll(async () => {
  world = createWorld(randomUUID().slice(0, 8));
  proxy = await startFaultProxy();
  harness = await startLiveHarness({
    deltaMode: 'effective',
    streams: [{ name: 'things', exportConfig: world.exportConfig, entry: { excludedSourceGraphs: [world.graphs.excluded], serveDeltaFiles: true, filesGraph, publisherUri: `${filesGraph}/publisher`, deltaInterval: 0 } }],
    // Every SPARQL request of the maintainer goes through the proxy.
    env: {
      MU_SPARQL_ENDPOINT: `${proxy.origin}/sparql`,
      MU_AUTH_ENDPOINT: `${proxy.origin}/sparql`,
      PUBLICATION_MU_AUTH_ENDPOINT: `${proxy.origin}/sparql`,
      VIRTUOSO_ENDPOINT: `${proxy.origin}/direct/sparql`,
    },
  });
  proxy.target = new URL(harness.gateway.url).origin;
  share = await mountTmpfs(harness.env.SHARE_DIR!, 8 * 1024 * 1024);
  data = await mountTmpfs(harness.dataDir, 16 * 1024 * 1024);
  publicationGraph = harness.config.streams[0]!.publicationGraph;
  workload = new Workload(world, 9001);
  const maintainer = await harness.startMaintainer({ retry: { baseDelayMs: 100, maxDelayMs: 1_000 }, deltaFiles: { retry: QUICK_RETRY } });
  consumer = new ReferenceConsumer({ baseUrl: maintainer.url, filesPath: '/things/files' });
  await harness.update(workload.baseline().update);
  await checkInvariants();
}, 120_000);

afterAll(async () => {
  if (harness) {
    await harness.stopMaintainer();
    await clearGraphs(harness, [...world.sourceSide, publicationGraph, filesGraph]);
  }
  await share?.unmount();
  await data?.unmount();
  await harness?.stop();
  await proxy?.close();
});

async function subjectTriples(subject: string) {
  const values = world.sourceSide.map((graph) => `<${graph}>`).join(' ');
  const rows = await harness.direct.selectAll(`SELECT ?g ?p ?o WHERE { VALUES ?g { ${values} } GRAPH ?g { <${subject}> ?p ?o } }`);
  return rows.filter((row) => row.o?.termType !== 'BlankNode').map((row) => ({ graph: row.g!.value, triple: `<${subject}> ${termToSparql(row.p!)} ${termToSparql(row.o!)}` }));
}

async function runUpdates(count: number): Promise<void> {
  for (let step = 0; step < count; step++) await harness.update((await workload.next(subjectTriples)).update);
  await harness.notifier.flush();
}

/** Quiescence, then: publication = Export(source) = the consumer's replica; cursor monotonic; no file twice. */
async function checkInvariants(): Promise<void> {
  await harness.quiesce();
  await harness.maintainer!.filesFlushed();
  const dump = await harness.dump([...world.sourceSide, publicationGraph]);
  const published = tripleKeys(dump.filter((q) => q.graph.value === publicationGraph));
  const expected = referenceExport(world.exportConfig, dump, { publicationGraphs: [publicationGraph], excludedSourceGraphs: [world.graphs.excluded], filters: world.filters });
  expect(keyDifference(published, new Set(expected.keys()))).toEqual({ missing: [], unexpected: [] });

  await consumer.catchUp();
  cursors.push(consumer.cursor);
  expect(keyDifference(consumer.keys(), published)).toEqual({ missing: [], unexpected: [] });
  const created = consumer.applied.map((file) => Date.parse(file.attributes.created));
  expect(created.every((time, index) => index === 0 || time > created[index - 1]!)).toBe(true);
  expect(cursors.every((cursor, index) => index === 0 || Date.parse(cursor) >= Date.parse(cursors[index - 1]!))).toBe(true);
  expect(new Set(consumer.applied.map((file) => file.id)).size).toBe(consumer.applied.length);
  expect(harness.notifier.problems).toEqual([]);
}

/** Waits until the maintainer has tried (and failed) to reach the store at least `count` times more. */
async function faultsSeen(count: number): Promise<void> {
  const target = proxy.faulted + count;
  while (proxy.faulted < target) await new Promise((resolve) => setTimeout(resolve, 50));
}

test(`the store unavailable for ${OUTAGE_MS / 1000} s (503) in the middle of the work`, async () => {
  await runUpdates(3);
  proxy.mode = 'down';
  const started = Date.now();
  await runUpdates(UPDATES_PER_FAULT);
  await faultsSeen(3);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - started))));
  proxy.mode = 'up';
  await checkInvariants();
}, OUTAGE_MS + 120_000);

test('the store refusing connections for 5 s', async () => {
  proxy.mode = 'refuse';
  await runUpdates(UPDATES_PER_FAULT);
  await faultsSeen(3);
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  proxy.mode = 'up';
  await checkInvariants();
}, 120_000);

test('a slow store (every request held 200 ms)', async () => {
  proxy.delayMs = 200;
  await runUpdates(UPDATES_PER_FAULT);
  await harness.quiesce();
  proxy.delayMs = 0;
  await checkInvariants();
}, 180_000);

test('/share full while delta files are due: written once there is room', async () => {
  await share.fill();
  await runUpdates(UPDATES_PER_FAULT);
  await harness.quiesce();
  const logged = () => harness.logs().filter((line) => typeof line.msg === 'string' && /delta files?.*(fail|retr)/i.test(line.msg as string)).length;
  while (logged() === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  await share.makeRoom();
  await checkInvariants();
}, 120_000);

test('/share read-only while delta files are due: written once it is writable', async () => {
  for (let attempt = 0; ; attempt++) {
    try {
      await share.readOnly();
      break;
    } catch (error) {
      // A file of the writer open at that moment makes the remount busy; try again.
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const before = harness.logs().length;
  await runUpdates(UPDATES_PER_FAULT);
  await harness.quiesce();
  const failures = () => harness.logs().slice(before).filter((line) => typeof line.msg === 'string' && /delta files?.*(fail|retr)/i.test(line.msg as string)).length;
  while (failures() === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  await share.readWrite();
  await checkInvariants();
}, 120_000);

test('DATA_DIR full: a delta is refused with 503 and nothing is taken; the same body is taken once there is room', async () => {
  const maintainer = harness.maintainer!;
  const subject = `${world.base}faults/person-${randomUUID()}`;
  const triple = (predicate: string, object: string) => ({ subject: { type: 'uri', value: subject }, predicate: { type: 'uri', value: predicate }, object: { type: 'uri', value: object }, graph: { type: 'uri', value: world.graphs.people1 } });
  // The source change itself is written without deltas (as if the notifier's delivery were the one lost).
  await harness.direct.update(`INSERT DATA { GRAPH <${world.graphs.people1}> { <${subject}> a <${world.v.Person}> } }`);
  const body = JSON.stringify([{ inserts: [triple('http://www.w3.org/1999/02/22-rdf-syntax-ns#type', world.v.Person)], deletes: [] }]);
  const post = () => fetch(`${maintainer.url}/delta`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  await data.fill();
  // The last page of the intake segment may still take a few records (each 202, each on disk).
  let refused: Response | undefined;
  let lastSeq = maintainer.intake.log.lastSeq;
  for (let attempt = 0; attempt < 200 && !refused; attempt++) {
    lastSeq = maintainer.intake.log.lastSeq;
    const answer = await post();
    if (answer.status === 202) expect(maintainer.intake.log.lastSeq).toBe(lastSeq + 1);
    else refused = answer;
  }
  expect(refused?.status).toBe(503);
  expect(((await refused!.json()) as { errors: { detail: string }[] }).errors[0]!.detail).toMatch(/not taken/);
  expect(maintainer.intake.log.lastSeq).toBe(lastSeq);
  expect((await fetch(`${maintainer.url}/health`)).status).toBe(200);

  await data.makeRoom();
  const taken = await post();
  expect(taken.status).toBe(202);
  expect(maintainer.intake.log.lastSeq).toBe(lastSeq + 1);
  await checkInvariants();
  expect((await harness.dump([publicationGraph])).some((q) => q.subject.value === subject)).toBe(true);
}, 120_000);
