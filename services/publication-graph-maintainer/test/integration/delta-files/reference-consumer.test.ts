/**
 * End to end: a seeded random workload through the dev-gateway (as in the live workload test), the
 * maintainer writing delta files, and a reference consumer (test/support/delta-consumer.ts: login,
 * cursor = last created, since, download, ordered apply) building a replica. At every checkpoint the
 * replica must equal the publication graph. The run includes a restart of the maintainer and a healing
 * run: the publication graph drifts (direct writes, no outbox) and the repair is committed through the
 * stream's outbox as healing does (healing itself lives on another branch: its commit is driven here
 * directly with the diff Export(source) − publication graph). Small chunk limits make multi-file flushes
 * and split changesets common. Every file written is checked against the schema.
 *
 * Embedded store by default; Virtuoso behind the gateway with `npm run test:virtuoso`.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { namedNode, quad, termToSparql, type Quad } from '@delta-producer/core';
import { deltaFilesUnder, ReferenceConsumer } from '../../support/delta-consumer.js';
import { clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';
import { keyDifference, referenceExport, tripleKeys } from '../../support/reference-export.js';
import { createWorld, Workload, type World } from '../../support/workload.js';

const UPDATES = 120;
const CHECKPOINT_EVERY = 30;
const KEY = 'reference-consumer-secret';

describe('delta files: a reference consumer follows the stream', () => {
  let harness: LiveHarness;
  let world: World;
  let publicationGraph: string;
  const filesGraph = `http://example.org/delta-files-test/files/${randomUUID()}`;
  const accountGraph = `http://example.org/delta-files-test/login/${randomUUID()}`;

  beforeAll(async () => {
    world = createWorld(randomUUID().slice(0, 8));
    harness = await startLiveHarness({
      deltaMode: 'effective',
      streams: [
        {
          name: 'things',
          exportConfig: world.exportConfig,
          entry: {
            excludedSourceGraphs: [world.graphs.excluded],
            serveDeltaFiles: true,
            publisherUri: `http://example.org/delta-files-test/publisher/${randomUUID()}`,
            filesGraph,
            account_graph: accountGraph,
            key: KEY,
            deltaInterval: 20,
          },
        },
      ],
      env: { MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE: '7', MAX_DELTAS_PER_FILE: '3', MAX_DELTA_FILES_PER_REQUEST: '5' },
    });
    publicationGraph = harness.config.streams[0]!.publicationGraph;
    await harness.startMaintainer({ batchLimits: { maxRecords: 5, maxQuads: 200 } });
  });

  afterAll(async () => {
    if (!harness) return;
    await clearGraphs(harness, [...world.sourceSide, publicationGraph, filesGraph, accountGraph]);
    await harness.stop();
  });

  function consumerFor(url: string, consumer?: ReferenceConsumer): ReferenceConsumer {
    const next = new ReferenceConsumer({ baseUrl: url, filesPath: '/things/files', loginPath: '/things/login', key: KEY, ...(consumer ? { since: consumer.cursor } : {}) });
    if (consumer) {
      for (const [key, value] of consumer.replica) next.replica.set(key, value);
      next.applied.push(...consumer.applied);
      next.cookie = consumer.cookie;
      next.logins = consumer.logins;
      next.listings.push(...consumer.listings);
    }
    return next;
  }

  async function expectReplicaEqualsPublication(consumer: ReferenceConsumer, label: string): Promise<void> {
    await harness.quiesce();
    await harness.maintainer!.filesFlushed();
    await consumer.catchUp();
    const published = tripleKeys(await harness.dump([publicationGraph]));
    expect({ label, ...keyDifference(consumer.keys(), published) }).toEqual({ label, missing: [], unexpected: [] });
  }

  /** Drift (direct writes to the publication graph, no outbox), then the healing diff through the outbox. */
  async function healingRun(): Promise<{ deletes: number; inserts: number }> {
    const before = await harness.dump([publicationGraph]);
    const dropped = before.filter((_, index) => index % 17 === 0).slice(0, 4);
    const spurious = quad(namedNode(`${world.base}spurious`), namedNode(world.v.name), namedNode(`${world.base}nothing`), namedNode(publicationGraph));
    await harness.direct.update(`DELETE DATA { GRAPH <${publicationGraph}> { ${dropped.map((q) => `${termToSparql(q.subject)} ${termToSparql(q.predicate)} ${termToSparql(q.object)} .`).join('\n')} } }`);
    await harness.direct.update(`INSERT DATA { GRAPH <${publicationGraph}> { ${termToSparql(spurious.subject)} ${termToSparql(spurious.predicate)} ${termToSparql(spurious.object)} . } }`);

    const dump = await harness.dump([...world.sourceSide, publicationGraph]);
    const published = dump.filter((q) => q.graph.value === publicationGraph);
    const expected = referenceExport(world.exportConfig, dump, { publicationGraphs: [publicationGraph], excludedSourceGraphs: [world.graphs.excluded], filters: world.filters });
    const publishedKeys = tripleKeys(published);
    const inPublication = (q: Quad) => quad(q.subject, q.predicate, q.object, namedNode(publicationGraph));
    const inserts = [...expected.entries()].filter(([key]) => !publishedKeys.has(key)).map(([, q]) => inPublication(q));
    const expectedKeys = new Set(expected.keys());
    const deletes = published.filter((q) => !expectedKeys.has([...tripleKeys([q])][0]!)).map(inPublication);
    const intakeSeq = Math.max(1, harness.maintainer!.intake.log.lastSeq);
    await harness.maintainer!.outboxes.get('things')!.commit([intakeSeq, intakeSeq], { deletes, inserts });
    return { deletes: deletes.length, inserts: inserts.length };
  }

  it(`${UPDATES} random updates, a restart and a healing run: the replica equals the publication graph at every checkpoint`, async () => {
    const workload = new Workload(world, 20260606);
    const subjectTriples = async (subject: string) => {
      const values = world.sourceSide.map((graph) => `<${graph}>`).join(' ');
      const rows = await harness.direct.selectAll(`SELECT ?g ?p ?o WHERE { VALUES ?g { ${values} } GRAPH ?g { <${subject}> ?p ?o } }`);
      return rows.filter((row) => row.o?.termType !== 'BlankNode').map((row) => ({ graph: row.g!.value, triple: `<${subject}> ${termToSparql(row.p!)} ${termToSparql(row.o!)}` }));
    };
    let consumer = consumerFor(harness.maintainer!.url);
    await consumer.login();
    await harness.update(workload.baseline().update);
    for (let index = 1; index <= UPDATES; index++) {
      await harness.update((await workload.next(subjectTriples)).update);
      if (index % CHECKPOINT_EVERY === 0) await expectReplicaEqualsPublication(consumer, `after ${index} updates`);
      if (index === CHECKPOINT_EVERY * 2) {
        const healed = await healingRun();
        expect(healed.deletes).toBeGreaterThan(0);
        expect(healed.inserts).toBeGreaterThan(0);
        await expectReplicaEqualsPublication(consumer, 'after the healing run');
      }
      if (index === CHECKPOINT_EVERY + 5) {
        await harness.quiesce();
        await harness.stopMaintainer();
        const running = await harness.startMaintainer({ batchLimits: { maxRecords: 5, maxQuads: 200 } });
        // Same cookie: the session lives in the account graph, not in the process.
        consumer = consumerFor(running.url, consumer);
      }
    }
    await expectReplicaEqualsPublication(consumer, 'at the end');

    // The consumer saw every file once, in strictly increasing created order, and logged in once.
    const created = consumer.applied.map((file) => Date.parse(file.attributes.created));
    for (let i = 1; i < created.length; i++) expect(created[i]!).toBeGreaterThan(created[i - 1]!);
    expect(new Set(consumer.applied.map((file) => file.id)).size).toBe(consumer.applied.length);
    expect(consumer.logins).toBe(1);
    // Pages were cut by MAX_DELTA_FILES_PER_REQUEST.
    expect(Math.max(...consumer.listings.map((listing) => listing.length))).toBe(5);
    // Every file written conforms to the schema; no temporary file is left.
    const files = await deltaFilesUnder(join(harness.env.SHARE_DIR!, 'deltas'));
    expect(files.length).toBe(consumer.applied.length);
    expect(files.filter((file) => file.problems.length > 0)).toEqual([]);
    expect(harness.logs().filter((line) => (line.level as number) >= 50)).toEqual([]);
  }, 300_000);
});
