/**
 * Dump benchmark (not a test): `npm run bench -- dump`. For each store (BENCH_STORES) and size
 * (BENCH_SIZES, default 100k and 1M triples, 10 per subject, mixed literals): load the graph, read it
 * raw (OFFSET pages of 9 999 rows without ORDER BY, streamed and dropped: the fastest complete read
 * both stores allow), then dump it in a child process running the compiled service as production does
 * (bench/dump-child.mjs; the bench runs `tsc -b` for it first) and report triples/s, MB/s and the dump
 * process's peak RSS, next to the same process's RSS when it loads everything and dumps nothing. Targets (reported, never asserted): dump ≥ 0.7× the raw
 * read rate; peak RSS ≤ 150 MB at 1M triples.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSparqlClient, literal, namedNode, quad, sparql, XSD, type Quad } from '@delta-producer/core';
import { benchSizes, forEachStore, repositoryRoot, type BenchStore } from '../../../bench/support/stores.js';
import { mb, printTable, writeResults, type Row } from '../../../bench/support/report.js';

const TRIPLES_PER_SUBJECT = 10;
const sizes = benchSizes([100_000, 1_000_000]);
const rows: Row[] = [];

function subjectQuads(graph: string, index: number): Quad[] {
  const g = namedNode(graph);
  const s = namedNode(`http://bench.example/resource/${index}`);
  const p = (name: string) => namedNode(`http://bench.example/vocab/${name}`);
  return [
    quad(s, namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'), namedNode('http://bench.example/vocab/Organisation'), g),
    quad(s, p('name'), literal(`Organisation ${index}`, 'nl'), g),
    quad(s, p('altName'), literal(`Organization ${index}`, 'en'), g),
    quad(s, p('description'), literal(`A "quoted" description of ${index}\nwith a second line and ünïcödé`), g),
    quad(s, p('rank'), literal(String(index), namedNode(XSD.integer)), g),
    quad(s, p('created'), literal(new Date(1_700_000_000_000 + index * 1000).toISOString(), namedNode(XSD.dateTime)), g),
    quad(s, p('active'), literal(index % 2 === 0 ? 'true' : 'false', namedNode(XSD.boolean)), g),
    quad(s, p('parent'), namedNode(`http://bench.example/resource/${Math.floor(index / 10)}`), g),
    quad(s, p('code'), literal(`C-${index.toString(36)}`), g),
    quad(s, p('homepage'), namedNode(`https://bench.example/org/${index}`), g),
  ];
}

async function load(endpoint: string, graph: string, triples: number): Promise<number> {
  const client = createSparqlClient({ endpoint, timeoutMs: 600_000 });
  const started = performance.now();
  const subjects = triples / TRIPLES_PER_SUBJECT;
  const perUpdate = 100; // subjects per INSERT DATA (1000 triples)
  const work: number[] = [];
  for (let start = 0; start < subjects; start += perUpdate) work.push(start);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < work.length) {
        const start = work[next++]!;
        const quads: Quad[] = [];
        for (let index = start; index < Math.min(start + perUpdate, subjects); index += 1) quads.push(...subjectQuads(graph, index));
        await client.insertData(quads, { batchSize: 1000 });
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

async function rawRead(endpoint: string, graph: string): Promise<{ rows: number; seconds: number }> {
  const client = createSparqlClient({ endpoint, timeoutMs: 600_000 });
  const started = performance.now();
  let rows = 0;
  for (let offset = 0; ; offset += 9999) {
    let page = 0;
    for await (const row of client.selectStream(sparql`SELECT ?s ?p ?o WHERE { GRAPH ${namedNode(graph)} { ?s ?p ?o } } LIMIT 9999 OFFSET ${offset}`)) {
      if (row.s) page += 1;
    }
    rows += page;
    if (page < 9999) break;
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
}

interface DumpFigures {
  triples: number;
  bytes: number;
  seconds: number;
  maxRssKb: number;
  peakHeapBytes: number;
}

function runDump(endpoint: string, graph: string, idle = false): Promise<DumpFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'dump-bench-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ 'http://bench.example/ops/deltaDumpFileCreation/bench': { dcatDataSetSubject: `${graph}/subject`, targetGraph: graph, fileBaseName: 'bench', targetDcatGraph: `${graph}/dcat`, targetFilesGraph: `${graph}/files` } }));
  const child = spawn(process.execPath, [join(repositoryRoot, 'services/dump-file-publisher/bench/dump-child.mjs')], {
    cwd: repositoryRoot,
    env: { ...process.env, BENCH_IDLE: idle ? '1' : '0', CONFIG_PATH: configPath, SHARE_DIR: join(dir, 'share'), MU_SPARQL_ENDPOINT: endpoint, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`dump child exited with ${code}: ${out}`));
      else resolve(JSON.parse(line) as DumpFigures);
    });
  });
}

async function benchStore(store: BenchStore): Promise<void> {
  for (const size of sizes) {
    const graph = `http://bench.example/graphs/dump-${size}-${Date.now()}`;
    console.log(`${store.kind}: loading ${size.toLocaleString('en-US')} triples …`);
    const loadSeconds = await load(store.endpoint, graph, size);
    console.log(`${store.kind}: loaded in ${loadSeconds.toFixed(1)} s; raw read …`);
    const raw = await rawRead(store.endpoint, graph);
    console.log(`${store.kind}: raw read ${raw.rows} rows in ${raw.seconds.toFixed(1)} s; dump …`);
    const dump = await runDump(store.endpoint, graph);
    const idle = await runDump(store.endpoint, graph, true);
    const rawRate = raw.rows / raw.seconds;
    const dumpRate = dump.triples / dump.seconds;
    rows.push({
      store: store.kind,
      triples: size,
      'load s': loadSeconds,
      'raw read rows': raw.rows,
      'raw read triples/s': Math.round(rawRate),
      'dump triples': dump.triples,
      'dump s': dump.seconds,
      'dump triples/s': Math.round(dumpRate),
      'dump/raw': Math.round((dumpRate / rawRate) * 100) / 100,
      'dump MB/s': Math.round((dump.bytes / (1024 * 1024) / dump.seconds) * 10) / 10,
      'file MB': mb(dump.bytes),
      'dump peak RSS MB': Math.round(dump.maxRssKb / 1024),
      'idle process RSS MB': Math.round(idle.maxRssKb / 1024),
      'dump peak heap MB': mb(dump.peakHeapBytes),
    });
    printTable('dump benchmark (targets: dump/raw ≥ 0.7, peak RSS ≤ 150 MB at 1M)', rows);
    // The embedded store is thrown away with its process; Virtuoso keeps its data between sizes.
    if (store.kind === 'virtuoso') await createSparqlClient({ endpoint: store.endpoint, timeoutMs: 600_000 }).update(sparql`CLEAR SILENT GRAPH ${namedNode(graph)}`);
  }
}

// The dump process runs the compiled service (dist/), as production does.
if (spawnSync('npx', ['tsc', '-b', 'services/dump-file-publisher'], { cwd: repositoryRoot, stdio: 'inherit' }).status !== 0) throw new Error('tsc -b services/dump-file-publisher failed');
await forEachStore(benchStore);
printTable('dump benchmark (targets: dump/raw ≥ 0.7, peak RSS ≤ 150 MB at 1M)', rows);
console.log(`\nresults: ${writeResults('dump', rows)}`);
