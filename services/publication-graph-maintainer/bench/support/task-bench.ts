/**
 * The initial-sync and healing benchmarks: the maintainer's real main (compiled) in a child process (its peak
 * RSS read from /proc/<pid>/status VmHWM, so the store and the data loader are not counted), a task
 * created as the initiator creates it, timed from creation to success, with the raw baselines measured
 * in the same run on the same store:
 * - initial sync vs a plain server-side copy (`INSERT { GRAPH <copy> { ?s ?p ?o } } WHERE { GRAPH <source> { ?s ?p ?o } }`,
 *   cut into subject ranges of the same size when the store refuses one big transaction);
 * - healing (1% drift: 0.5% of the published triples deleted, as many stray triples added) vs a plain
 *   full read of both graphs (keyset pages of subjects, then their triples, as any reader of a store
 *   with a row limit must).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { createSparqlClient, CREATORS, JobRepository, literal, namedNode, PREDICATES, quad, STATUS, TASK_OPERATIONS, type SparqlClient } from '@delta-producer/core';
import { benchSizes, forEachStore, freePort, repositoryRoot, type BenchStore } from '../../../../bench/support/stores.js';
import { mb, printTable, writeResults, type Row } from '../../../../bench/support/report.js';
import { BASE, benchConfig, GRAPHS, organisationQuads, schemeQuads, TRIPLES_PER_RESOURCE, VOCAB } from './bench-stream.js';

export type TaskBenchKind = 'initialSync' | 'healing';

/** Compiled, as the image runs it (tsx's own transpiler would add ≈30 MB to the measured RSS). */
const MAIN = 'services/publication-graph-maintainer/dist/main.js';

function build(): void {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b'], { cwd: repositoryRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('tsc -b failed');
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function loadSource(client: SparqlClient, resources: number, run: string): Promise<void> {
  await client.insertData(schemeQuads());
  const perBatch = 100; // resources per load request (1 000 triples)
  for (let start = 0; start < resources; start += perBatch) {
    const quads = [];
    for (let index = start; index < Math.min(resources, start + perBatch); index++) quads.push(...organisationQuads(index, run));
    await client.insertData(quads, { batchSize: 1000 });
  }
}

/** Subjects of a graph in keyset pages, then their triples: a full read under a row limit. Returns triples read. */
async function rawRead(client: SparqlClient, graph: string): Promise<number> {
  let after = '';
  let triples = 0;
  for (;;) {
    const subjects = await client.selectAll(`SELECT DISTINCT ?s WHERE { GRAPH <${graph}> { ?s ?p ?o } FILTER(STR(?s) > ${JSON.stringify(after)}) } ORDER BY STR(?s) LIMIT 5000`);
    if (subjects.length === 0) return triples;
    for (let start = 0; start < subjects.length; start += 500) {
      const values = subjects.slice(start, start + 500).map((row) => `<${row.s!.value}>`).join(' ');
      triples += (await client.selectAll(`SELECT ?s ?p ?o WHERE { VALUES ?s { ${values} } GRAPH <${graph}> { ?s ?p ?o } }`)).length;
    }
    after = subjects.at(-1)!.s!.value;
  }
}

/** A plain server-side copy of the source graph, in one update or, if the store refuses that, in subject ranges. */
async function rawCopy(client: SparqlClient, target: string): Promise<string> {
  try {
    await client.update(`INSERT { GRAPH <${target}> { ?s ?p ?o } } WHERE { GRAPH <${GRAPHS.source}> { ?s ?p ?o } }`, { retry: false });
    return 'one INSERT … WHERE';
  } catch {
    await client.update(`DELETE WHERE { GRAPH <${target}> { ?s ?p ?o } }`);
    let after = '';
    for (;;) {
      const subjects = await client.selectAll(`SELECT DISTINCT ?s WHERE { GRAPH <${GRAPHS.source}> { ?s ?p ?o } FILTER(STR(?s) > ${JSON.stringify(after)}) } ORDER BY STR(?s) LIMIT 5000`);
      if (subjects.length === 0) return 'INSERT … WHERE per 500 subjects';
      for (let start = 0; start < subjects.length; start += 500) {
        const values = subjects.slice(start, start + 500).map((row) => `<${row.s!.value}>`).join(' ');
        await client.update(`INSERT { GRAPH <${target}> { ?s ?p ?o } } WHERE { VALUES ?s { ${values} } GRAPH <${GRAPHS.source}> { ?s ?p ?o } }`);
      }
      after = subjects.at(-1)!.s!.value;
    }
  }
}

async function peakRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Starts main.ts, schedules one task, waits for its end; returns wall time (creation → success) and peak RSS. */
async function runTask(store: BenchStore, env: Record<string, string>, kind: TaskBenchKind): Promise<{ ms: number; peakRss: number; status: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], { cwd: repositoryRoot, env: { ...process.env, NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '', ...env, PORT: String(port) }, stdio: ['ignore', process.env.BENCH_SERVICE_OUTPUT ? 'inherit' : 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
      } catch {
        // starting
      }
      if (attempt > 600) throw new Error('maintainer did not start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const client = createSparqlClient({ endpoint: store.endpoint });
    const jobs = new JobRepository(client);
    const started = performance.now();
    const created = await jobs.createJobWithTask({ graph: GRAPHS.jobs, creator: CREATORS.jobsInitiator, jobOperation: `${BASE}ops/${kind === 'initialSync' ? 'initial-sync' : 'healing'}`, taskOperation: TASK_OPERATIONS[kind], jobUuid: randomUUID(), taskUuid: randomUUID() });
    // What the delta-notifier posts for that write: the scheduled status.
    const delta = [{ inserts: [{ subject: { type: 'uri', value: created!.task }, predicate: { type: 'uri', value: PREDICATES.status }, object: { type: 'uri', value: STATUS.scheduled }, graph: { type: 'uri', value: GRAPHS.jobs } }], deletes: [] }];
    await fetch(`http://127.0.0.1:${port}/delta`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(delta) });
    for (;;) {
      const rows = await client.select(`SELECT ?status WHERE { GRAPH <${GRAPHS.jobs}> { <${created!.task}> <http://www.w3.org/ns/adms#status> ?status } }`);
      const status = rows[0]?.status?.value.split('/').at(-1) ?? 'unknown';
      if (status === 'success' || status === 'failed') return { ms: performance.now() - started, peakRss: await peakRssBytes(child.pid!), status };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function runTaskBench(kind: TaskBenchKind): Promise<void> {
  build();
  const rows: Row[] = [];
  const results: Record<string, unknown>[] = [];
  await forEachStore(async (store) => {
    for (const triples of benchSizes([100_000, 1_000_000])) {
      const resources = Math.ceil(triples / TRIPLES_PER_RESOURCE);
      const run = randomUUID().slice(0, 8);
      const publicationGraph = `${BASE}graphs/publication/${run}`;
      const copyGraph = `${BASE}graphs/raw-copy/${run}`;
      const client = createSparqlClient({ endpoint: store.endpoint, timeoutMs: 3_600_000 });
      const { env, dir } = await benchConfig(store.endpoint, { publicationGraph });
      env.LOG_LEVEL = process.env.BENCH_SERVICE_OUTPUT ? 'info' : 'warn';
      try {
        const load = await timed(() => loadSource(client, resources, run));
        const row: Row = { store: store.kind, triples: resources * TRIPLES_PER_RESOURCE, 'load s': Math.round(load.ms / 100) / 10 };
        if (kind === 'initialSync') {
          const raw = await timed(() => rawCopy(client, copyGraph));
          const sync = await runTask(store, env, 'initialSync');
          Object.assign(row, { 'raw copy s': Math.round(raw.ms / 100) / 10, 'initial sync s': Math.round(sync.ms / 100) / 10, 'sync / raw': Math.round((sync.ms / raw.ms) * 100) / 100, 'peak RSS MB': mb(sync.peakRss), status: sync.status });
          results.push({ store: store.description, triples, rawCopy: { ms: raw.ms, how: raw.value }, initialSync: sync });
        } else {
          const sync = await runTask(store, env, 'initialSync');
          if (sync.status !== 'success') throw new Error('initial sync (set-up of the healing bench) failed');
          // 1% drift: 0.5% of the triples deleted, as many stray ones added.
          const drift = Math.floor((resources * TRIPLES_PER_RESOURCE) / 200);
          const deleted = [];
          for (let index = 0; deleted.length < drift; index += Math.max(1, Math.floor(resources / drift))) {
            const q = organisationQuads(index % resources, run)[1]!;
            deleted.push(quad(q.subject, q.predicate, q.object, namedNode(publicationGraph)));
            if (index > resources * 2) break;
          }
          await client.deleteData(deleted, { batchSize: 500 });
          const strays = Array.from({ length: drift }, (_, i) => quad(namedNode(`${BASE}id/${run}/stray/${i}`), namedNode(VOCAB.name), literal(`stray ${i}`), namedNode(publicationGraph)));
          await client.insertData(strays, { batchSize: 500 });
          const raw = await timed(async () => (await rawRead(client, GRAPHS.source)) + (await rawRead(client, publicationGraph)));
          const healing = await runTask(store, env, 'healing');
          Object.assign(row, { drift: deleted.length + strays.length, 'raw read s': Math.round(raw.ms / 100) / 10, 'healing s': Math.round(healing.ms / 100) / 10, 'healing / raw': Math.round((healing.ms / raw.ms) * 100) / 100, 'peak RSS MB': mb(healing.peakRss), status: healing.status });
          results.push({ store: store.description, triples, drift: deleted.length + strays.length, rawRead: { ms: raw.ms, triples: raw.value }, healing });
        }
        rows.push(row);
        printTable(`${kind === 'initialSync' ? 'initial sync' : 'healing'} so far`, rows);
      } finally {
        for (const graph of [publicationGraph, copyGraph, GRAPHS.source, GRAPHS.concepts, GRAPHS.jobs]) await client.update(`DELETE WHERE { GRAPH <${graph}> { ?s ?p ?o } }`).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      }
    }
  });
  const title = kind === 'initialSync' ? 'initial sync (targets: ≤ 1.5× the raw copy; peak RSS ≤ 150 MB at 1M)' : 'healing with 1% drift (targets: ≤ 2× the raw read of both graphs; peak RSS ≤ 150 MB at 1M)';
  printTable(title, rows);
  console.log(`\nwritten to ${writeResults(kind === 'initialSync' ? 'initial-sync' : 'healing', results)}`);
}
