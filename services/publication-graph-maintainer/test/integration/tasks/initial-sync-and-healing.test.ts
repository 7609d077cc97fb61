/**
 * Initial sync and healing through the real pieces: the dev-gateway (embedded store, or Virtuoso with
 * `npm run test:virtuoso`) with its delta-notifier, tasks created as the jobs-initiator creates them
 * (the scheduled-status delta wakes the maintainer), and the publication graph compared with an
 * INDEPENDENT Export(source) (test/support/reference-export.ts) after each task.
 *
 * - waitForInitialSync: live deltas written before the initial sync are kept (not applied, not lost);
 *   the initial sync fills the graph; live processing resumes after it and stays equal.
 * - healing after every kind of drift: missing triples, extra triples, a changed literal, a changed
 *   language tag, triples of an unconfigured predicate (a removed config entry), typeless orphans, and
 *   an out-of-scope resource; one run converges, its changes go through the outbox, its results
 *   container counts them, a second run finds nothing.
 * - a malformed task is failed with an error and the next task still runs.
 * - two maintainers on one store: exactly one runs a task.
 * All of it with the initial sync streamed (read, then INSERT DATA) and server-side (INSERT … WHERE in
 * the store, skipMuAuthInitialSync with the source store as the publication store).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createSparqlClient, termToSparql, type SparqlClient } from '@delta-producer/core';
import { startMaintainer } from '../../../src/service.js';
import { capturingLogger, clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';
import { keyDifference, referenceExport, tripleKeys } from '../../support/reference-export.js';
import { scheduleTask, waitForTaskEnd } from '../../support/tasks.js';
import { createWorld, Workload, type World } from '../../support/workload.js';

describe.each([
  ['streamed', false],
  ['server-side', true],
] as const)('initial sync (%s) and healing tasks', (_mode, serverSide) => {
  let harness: LiveHarness;
  let world: World;
  let publicationGraph: string;
  let jobsGraph: string;
  let gatewayClient: SparqlClient;

  beforeAll(async () => {
    world = createWorld(randomUUID().slice(0, 8));
    const jobs = `http://example.org/tasks-test/jobs/${randomUUID()}`;
    harness = await startLiveHarness({
      deltaMode: 'effective',
      publicationWrites: 'direct',
      streams: [{ name: 'things', exportConfig: world.exportConfig, entry: { excludedSourceGraphs: [world.graphs.excluded], waitForInitialSync: true, jobsGraph: jobs, skipMuAuthInitialSync: serverSide } }],
      // Small pages: several pages per entry and per list even with this small world.
      env: { TASK_PAGE_SIZE: '7', TASK_SCAN_INTERVAL_MS: '1000' },
    });
    publicationGraph = harness.config.streams[0]!.publicationGraph;
    jobsGraph = harness.config.streams[0]!.jobsGraph;
    gatewayClient = createSparqlClient({ endpoint: harness.gateway.url });
  });

  afterAll(async () => {
    if (!harness) return;
    await clearGraphs(harness, [...world.sourceSide, publicationGraph, jobsGraph]);
    await harness.stop();
  });

  async function difference(): Promise<{ missing: string[]; unexpected: string[] }> {
    const dump = await harness.dump([...world.sourceSide, publicationGraph]);
    const published = dump.filter((q) => q.graph.value === publicationGraph);
    const expected = referenceExport(world.exportConfig, dump, {
      publicationGraphs: [publicationGraph],
      excludedSourceGraphs: [world.graphs.excluded],
      filters: world.filters,
    });
    return keyDifference(tripleKeys(published), new Set(expected.keys()));
  }

  const subjectTriples = async (subject: string) => {
    const values = world.sourceSide.map((graph) => `<${graph}>`).join(' ');
    const rows = await harness.direct.selectAll(`SELECT ?g ?p ?o WHERE { VALUES ?g { ${values} } GRAPH ?g { <${subject}> ?p ?o } }`);
    return rows.filter((row) => row.o?.termType !== 'BlankNode').map((row) => {
      const o = row.o!;
      const object = o.termType === 'NamedNode' ? `<${o.value}>` : JSON.stringify(o.value) + (o.termType === 'Literal' && o.language ? `@${o.language}` : o.termType === 'Literal' ? `^^<${o.datatype.value}>` : '');
      return { graph: row.g!.value, triple: `<${subject}> <${row.p!.value}> ${object}` };
    });
  };

  it('waitForInitialSync keeps live deltas until the initial sync; the sync fills the graph; live resumes', async () => {
    const maintainer = await harness.startMaintainer();
    const workload = new Workload(world, 424242);
    await harness.update(workload.baseline().update);
    for (let index = 0; index < 30; index++) await harness.update((await workload.next(subjectTriples)).update);
    await harness.notifier.flush();
    // Held: the deltas are in the intake, nothing is published.
    expect(maintainer.workers.get('things')!.gate.holds).toEqual(['waiting for a successful initial sync']);
    expect(maintainer.workers.get('things')!.depth).toBeGreaterThan(0);
    expect(await harness.dump([publicationGraph])).toEqual([]);

    const { task } = await scheduleTask(gatewayClient, harness.config.streams[0]!, 'initialSync');
    const state = await waitForTaskEnd(harness.direct, jobsGraph, task);
    expect(state.errors).toEqual([]);
    expect(state.status).toBe('success');
    expect(state.processed).toBe(state.total);
    expect(state.inserted).toBeGreaterThan(0);
    expect(await difference()).toEqual({ missing: [], unexpected: [] });
    expect(maintainer.workers.get('things')!.gate.holds).toEqual([]);
    const copied = harness.logs().find((line) => line.task === task && line.msg === 'initial sync copied the export');
    expect(copied).toMatchObject({ copy: serverSide ? 'server-side' : 'streamed', resources: state.total });

    for (let index = 0; index < 40; index++) await harness.update((await workload.next(subjectTriples)).update);
    await harness.quiesce();
    expect(await difference()).toEqual({ missing: [], unexpected: [] });
  });

  it('one healing run repairs every kind of drift, through the outbox, and a second run finds nothing', async () => {
    const { v, resources: r, base } = world;
    const published = await harness.dump([publicationGraph]);
    // A plain string name (a DELETE DATA of a typed value can miss on Virtuoso, which stores a canonical
    // form: docs/virtuoso-quirks.md) and another, tagged literal, so each drift really happens.
    const plainString = (q: (typeof published)[number]) => q.object.termType === 'Literal' && q.object.language === '' && q.object.datatype.value === 'http://www.w3.org/2001/XMLSchema#string';
    const name = published.find((q) => q.predicate.value === v.name && plainString(q))!;
    const tagged = published.find((q) => q.object.termType === 'Literal' && q.object.language !== '' && !q.equals(name))!;
    const typeTriple = published.find((q) => q.predicate.value === 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type')!;
    expect([name, tagged, typeTriple].every(Boolean)).toBe(true);
    // The one escaper: xsd:string written plain (Virtuoso does not match `^^xsd:string` against a plain literal).
    const literal = (q: typeof name) => termToSparql(q.object);
    const drift = [
      // missing
      `DELETE DATA { GRAPH <${publicationGraph}> { <${typeTriple.subject.value}> <${typeTriple.predicate.value}> <${typeTriple.object.value}> . } }`,
      // changed literal, changed language tag
      `DELETE DATA { GRAPH <${publicationGraph}> { <${name.subject.value}> <${name.predicate.value}> ${literal(name)} . } }`,
      `INSERT DATA { GRAPH <${publicationGraph}> { <${name.subject.value}> <${name.predicate.value}> "a stale name" . } }`,
      `DELETE DATA { GRAPH <${publicationGraph}> { <${tagged.subject.value}> <${tagged.predicate.value}> ${literal(tagged)} . } }`,
      `INSERT DATA { GRAPH <${publicationGraph}> { <${tagged.subject.value}> <${tagged.predicate.value}> ${JSON.stringify(tagged.object.value)}@fr . } }`,
      // extra triple on an exported resource, an unconfigured predicate (removed config entry), a typeless orphan, an out-of-scope resource
      `INSERT DATA { GRAPH <${publicationGraph}> {
        <${r.org[0]}> <${v.label}> "not exported for organisations" .
        <${r.person[0]}> <${v.unconfigured}> "no entry exports this" .
        <${base}id/orphan/1> <${v.name}> "orphan" . <${base}id/orphan/1> <${v.knows}> <${r.person[1]}> .
        <${base}id/other/1> a <${v.Other}> ; <${v.name}> "out of scope" .
      } }`,
    ];
    for (const update of drift) await harness.direct.update(update);
    const before = await difference();
    expect(before.missing.length).toBeGreaterThanOrEqual(3);
    expect(before.unexpected.length).toBeGreaterThanOrEqual(8);

    const { task } = await scheduleTask(gatewayClient, harness.config.streams[0]!, 'healing');
    const state = await waitForTaskEnd(harness.direct, jobsGraph, task);
    expect(state.errors).toEqual([]);
    expect(state.status).toBe('success');
    expect(await difference()).toEqual({ missing: [], unexpected: [] });
    expect(state.inserted).toBe(before.missing.length);
    expect(state.deleted).toBe(before.unexpected.length);
    expect(state.byPredicate.get(v.unconfigured)).toEqual([0, 1]);

    // Through the outbox: healing records carry exactly the changes.
    await harness.stopMaintainer();
    const healing = (await harness.outbox('things')).filter((record) => record.origin === 'healing');
    expect(healing.reduce((sum, record) => sum + record.inserts.length, 0)).toBe(before.missing.length);
    expect(healing.reduce((sum, record) => sum + record.deletes.length, 0)).toBe(before.unexpected.length);
    await harness.startMaintainer();

    const again = await scheduleTask(gatewayClient, harness.config.streams[0]!, 'healing');
    const second = await waitForTaskEnd(harness.direct, jobsGraph, again.task);
    expect(second).toMatchObject({ status: 'success', inserted: 0, deleted: 0 });
  });

  it('fails a malformed task with an error and still runs the next one', async () => {
    const stream = harness.config.streams[0]!;
    // An initial-sync task in a healing job: neither can be run.
    const malformed = await scheduleTask(gatewayClient, stream, 'healing', { taskOperation: 'http://redpencil.data.gift/id/jobs/concept/TaskOperation/deltas/initialPublicationGraphSyncing' });
    const next = await scheduleTask(gatewayClient, stream, 'healing');
    const failed = await waitForTaskEnd(harness.direct, jobsGraph, malformed.task);
    expect(failed.status).toBe('failed');
    expect(failed.errors).toHaveLength(1);
    expect(failed.errors[0]).toMatch(/has operation .*initialPublicationGraphSyncing but its job .* has operation .*healing/);
    expect((await waitForTaskEnd(harness.direct, jobsGraph, next.task)).status).toBe('success');
  });

  it('two maintainers on one store: exactly one runs the task', async () => {
    const second = capturingLogger();
    const other = await startMaintainer({ ...harness.config, dataDir: join(harness.tempDir, 'second-maintainer') }, second.logger);
    try {
      const { task } = await scheduleTask(gatewayClient, harness.config.streams[0]!, 'healing');
      // Both are woken: the notifier posts to the first; the second finds it by its scan (1 s).
      other.tasks.get('things')!.wake();
      expect((await waitForTaskEnd(harness.direct, jobsGraph, task)).status).toBe('success');
      await other.tasks.get('things')!.settled();
      const started = [...harness.logs(), ...second.lines()].filter((line) => line.task === task && /task started/.test(String(line.msg)));
      expect(started).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });
});
