/**
 * The live path end to end, in both delta modes of the dev-gateway (sparql-parser's effective
 * changesets; the Elixir mu-authorization's requested-only, one-list-per-changeset ones): a seeded
 * random workload of 300 updates written through the gateway's `/sparql`, its delta-notifier
 * emulation posting bundled bodies to the maintainer's `/delta`. At checkpoints (every 20 updates,
 * the last of which changes a path hop only), once the notifier flushed and the maintainer is idle, the publication graph must equal
 * Export(source) computed INDEPENDENTLY over a dump of the store (test/support/reference-export.ts).
 * At the end the outbox, replayed from an empty graph, must give the publication graph (every applied
 * change is in the outbox, once, in order).
 *
 * Embedded store by default; Virtuoso 7.2.5 behind the gateway with `npm run test:virtuoso`.
 */
import { randomUUID } from 'node:crypto';
import { canonicalTripleKey, termToSparql, type Quad } from '@delta-producer/core';
import { clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';
import { keyDifference, referenceExport, tripleKeys } from '../../support/reference-export.js';
import { createWorld, Workload, type World } from '../../support/workload.js';

const UPDATES = 300;
const CHECKPOINT_EVERY = 20;

describe.each([
  ['effective', 'mu-auth', 20260101],
  ['elixir', 'direct', 20260202],
] as const)('live workload, %s deltas (publication writes through %s)', (deltaMode, publicationWrites, seed) => {
  let harness: LiveHarness;
  let world: World;
  let publicationGraph: string;

  beforeAll(async () => {
    world = createWorld(randomUUID().slice(0, 8));
    harness = await startLiveHarness({
      deltaMode,
      publicationWrites,
      streams: [{ name: 'things', exportConfig: world.exportConfig, entry: { excludedSourceGraphs: [world.graphs.excluded] } }],
    });
    publicationGraph = harness.config.streams[0]!.publicationGraph;
    await harness.startMaintainer({ batchLimits: { maxRecords: 5, maxQuads: 200 } });
  });

  afterAll(async () => {
    if (!harness) return;
    await clearGraphs(harness, [...world.sourceSide, publicationGraph]);
    await harness.stop();
  });

  async function expectPublicationEqualsExport(label: string): Promise<{ published: Quad[] }> {
    const dump = await harness.dump([...world.sourceSide, publicationGraph]);
    const published = dump.filter((q) => q.graph.value === publicationGraph);
    const expected = referenceExport(world.exportConfig, dump, {
      publicationGraphs: harness.config.streams.map((stream) => stream.publicationGraph),
      excludedSourceGraphs: [world.graphs.excluded],
      filters: world.filters,
    });
    const difference = keyDifference(tripleKeys(published), new Set(expected.keys()));
    expect({ label, ...difference }).toEqual({ label, missing: [], unexpected: [] });
    // One stored form per value.
    expect(published.length).toBe(tripleKeys(published).size);
    return { published };
  }

  it(`${UPDATES} random updates: the publication graph equals Export(source) at every checkpoint; the outbox replays to it`, async () => {
    const workload = new Workload(world, seed);
    const subjectTriples = async (subject: string) => {
      const values = world.sourceSide.map((graph) => `<${graph}>`).join(' ');
      const rows = await harness.direct.selectAll(`SELECT ?g ?p ?o WHERE { VALUES ?g { ${values} } GRAPH ?g { <${subject}> ?p ?o } }`);
      return rows.filter((row) => row.o?.termType !== 'BlankNode').map((row) => ({ graph: row.g!.value, triple: `<${subject}> ${termToSparql(row.p!)} ${termToSparql(row.o!)}` }));
    };
    const kinds = new Map<string, number>();
    const exported: number[] = [];
    await harness.update(workload.baseline().update);
    for (let index = 1; index <= UPDATES; index++) {
      // The update before a checkpoint changes a path hop only, so the checkpoint sees its effect alone.
      const step = index % CHECKPOINT_EVERY === 0 ? workload.pathStep(index / CHECKPOINT_EVERY) : await workload.next(subjectTriples);
      kinds.set(step.kind, (kinds.get(step.kind) ?? 0) + 1);
      await harness.update(step.update);
      if (index % CHECKPOINT_EVERY === 0) {
        await harness.quiesce();
        const { published } = await expectPublicationEqualsExport(`after ${index} updates`);
        exported.push(published.length);
      }
    }
    // The workload did what it claims (every kind of step, a non-trivial export).
    expect([...kinds.keys()].sort()).toEqual(['delete data', 'delete missing', 'delete resource', 'delete/insert where', 'insert data', 'move graph', 'multi-operation', 'cut path', 'restore path', 'reclassify', 'classify'].sort());
    expect(Math.min(...exported)).toBeGreaterThan(30);
    expect(harness.notifier.problems).toEqual([]);

    const finalGraph = tripleKeys((await harness.dump([publicationGraph])).map((q) => q));
    await harness.stopMaintainer();
    const records = await harness.outbox('things');
    const replayed = new Set<string>();
    for (const record of records) {
      for (const q of record.deletes) replayed.delete(canonicalTripleKey(q));
      for (const q of record.inserts) replayed.add(canonicalTripleKey(q));
      expect(record.intakeSeqs[0]).toBeLessThanOrEqual(record.intakeSeqs[1]);
    }
    const diffReplay = keyDifference(replayed, finalGraph);
    if (diffReplay.unexpected.length > 0) {
      const key = diffReplay.unexpected[0]!;
      console.log(records.length, key, JSON.stringify(records.map((r) => ({ seq: r.seq, s: r.intakeSeqs, d: r.deletes.filter((q) => canonicalTripleKey(q) === key).length, i: r.inserts.filter((q) => canonicalTripleKey(q) === key).length })).filter((r) => r.d + r.i > 0)));
    }
    expect(diffReplay).toEqual({ missing: [], unexpected: [] });
    // Intake ranges of successive records never overlap (no batch published twice); a split diff's records share one.
    for (let i = 1; i < records.length; i++) {
      const [previous, current] = [records[i - 1]!.intakeSeqs, records[i]!.intakeSeqs];
      if (current[0] !== previous[0] || current[1] !== previous[1]) expect(current[0]).toBeGreaterThan(previous[1]);
    }
    expect(harness.logs().filter((line) => (line.level as number) >= 50)).toEqual([]);
  }, 300_000);
});
