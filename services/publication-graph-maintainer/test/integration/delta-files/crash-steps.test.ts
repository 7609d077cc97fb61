/**
 * A crash between any two steps of a flush (outbox record → files on disk → metadata → `files` cursor
 * acked) is repaired at the next start: the failure is injected at each step boundary (the writer then
 * waits an hour before retrying, i.e. it is as good as dead), the maintainer is stopped and started
 * again from what is on disk, and afterwards every change is published exactly once — the consumer's
 * replica equals the publication graph, every file on disk has metadata and is listed once, and the
 * files planned before the crash keep their names.
 */
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlushStep } from '../../../src/delta-files/delta-file-writer.js';
import { deltaFilesUnder, ReferenceConsumer } from '../../support/delta-consumer.js';
import { clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';
import { keyDifference, tripleKeys } from '../../support/reference-export.js';

const run = randomUUID().slice(0, 8);
const base = `http://example.org/delta-crash-test/${run}/`;
const sourceGraph = `${base}graphs/source`;
const filesGraph = `${base}graphs/files`;
const exportConfig = { export: [{ type: `${base}Org`, properties: [`${base}name`, `${base}label`] }] };
const STEPS: FlushStep[] = ['planned', 'file-written', 'files-written', 'metadata-inserted', 'acked'];
const HOUR = 3_600_000;

let harness: LiveHarness;
let publicationGraph: string;
/** The consumer's state across the crashes: its replica and cursor. */
const replica = new Map<string, never>();
let cursor: string | undefined;
let filesBefore = 0;
let crashAt: FlushStep | undefined;
let crashed: () => void = () => undefined;

beforeAll(async () => {
  harness = await startLiveHarness({
    deltaMode: 'effective',
    streams: [{ name: 'orgs', exportConfig, entry: { serveDeltaFiles: true, publisherUri: `${base}publisher`, filesGraph, deltaInterval: 0 } }],
    env: { MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE: '3', MAX_DELTAS_PER_FILE: '2' },
  });
  publicationGraph = harness.config.streams[0]!.publicationGraph;
});

afterAll(async () => {
  if (!harness) return;
  await clearGraphs(harness, [sourceGraph, publicationGraph, filesGraph]);
  await harness.stop();
});

const start = () =>
  harness.startMaintainer({
    deltaFiles: {
      retry: { initialMs: HOUR, maxMs: HOUR },
      onStep: (_stream, step) => {
        if (step !== crashAt) return;
        crashAt = undefined;
        crashed();
        throw new Error(`injected crash after ${step}`);
      },
    },
  });

/** Names of the delta files on disk; each must conform to the delta-file schema. */
async function filesOnDisk(): Promise<string[]> {
  const found = await deltaFilesUnder(join(harness.env.SHARE_DIR!, 'deltas'));
  expect(found.filter((file) => file.problems.length > 0)).toEqual([]);
  return found.map((file) => file.path.split('/').at(-1)!).sort();
}

it.each(STEPS)('a crash after step "%s" is completed at the next start, nothing published twice or skipped', async (step) => {
  await start();
  const crash = new Promise<void>((resolve) => (crashed = resolve));
  crashAt = step;
  const n = STEPS.indexOf(step);
  // 5 orgs × 3 triples, one org deleted: several changesets, split ones, several files per flush.
  await harness.update(`INSERT DATA { GRAPH <${sourceGraph}> { ${[0, 1, 2, 3, 4].map((i) => `<${base}org/${n}-${i}> a <${base}Org> ; <${base}name> "org ${n}-${i}" ; <${base}label> "L${i}"@nl .`).join(' ')} } }`);
  await harness.update(`DELETE WHERE { GRAPH <${sourceGraph}> { <${base}org/${n}-0> ?p ?o } }`);
  await harness.quiesce();
  await crash;
  const beforeRestart = await filesOnDisk();
  // The crash came where it was meant to: no new file yet after planning, at least one after a write.
  if (step === 'planned') expect(beforeRestart).toHaveLength(filesBefore);
  else expect(beforeRestart.length).toBeGreaterThan(filesBefore);
  await harness.stopMaintainer();

  const restarted = await harness.startMaintainer();
  await restarted.filesFlushed();
  const afterRestart = await filesOnDisk();
  filesBefore = afterRestart.length;
  // Files written before the crash are rewritten under the same names, never doubled under new ones.
  expect(afterRestart).toEqual(expect.arrayContaining(beforeRestart));
  expect(new Set(afterRestart).size).toBe(afterRestart.length);

  const consumer = new ReferenceConsumer({ baseUrl: restarted.url, filesPath: '/orgs/files', ...(cursor ? { since: cursor } : {}) });
  for (const [key, value] of replica) consumer.replica.set(key, value);
  await consumer.catchUp();
  for (const [key, value] of consumer.replica) replica.set(key, value as never);
  for (const key of replica.keys()) if (!consumer.replica.has(key)) replica.delete(key);
  cursor = consumer.cursor;
  const published = tripleKeys(await harness.dump([publicationGraph]));
  expect(keyDifference(consumer.keys(), published)).toEqual({ missing: [], unexpected: [] });

  // Every file on disk is listed exactly once (metadata for each, none without a file).
  const listed = new ReferenceConsumer({ baseUrl: restarted.url, filesPath: '/orgs/files' });
  await listed.catchUp();
  expect(listed.applied.map((file) => file.attributes.name).sort()).toEqual(afterRestart);
  // The interrupted flush was taken up at the restart (one per crash so far).
  expect(harness.logs().filter((line) => line.msg === 'delta files: completing the flush interrupted by the last stop')).toHaveLength(n + 1);
  // No temporary file left in any day folder.
  for (const day of await readdir(join(harness.env.SHARE_DIR!, 'deltas'))) expect((await readdir(join(harness.env.SHARE_DIR!, 'deltas', day))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  await harness.stopMaintainer();
}, 120_000);
