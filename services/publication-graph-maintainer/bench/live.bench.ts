/**
 * `npm run bench -- live`: the live path's throughput and latency, measured (not asserted).
 *
 * Per store (BENCH_STORES: the embedded store in a child process, Virtuoso 7.2.5):
 * - bulk: an app writes 1 000 organisations (10 000 triples, all exported) and the delta-notifier posts
 *   one body with those inserts; measured from the POST to the change being applied (the maintainer's
 *   `idle()`), 3 rounds; effective triples/s = published triples / that time;
 * - Virtuoso's (the store's) raw INSERT DATA rate for the same triples, written in the same batch size
 *   the live path uses (500 triples per request), in the same run;
 * - trickle: 200 single-resource changes (a name replaced), each posted as its own delta; latency from
 *   the POST to applied, p50 / p99.
 * The maintainer runs in this process with its real configuration, endpoints pointing straight at the store.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { ConfigWarnings, createSparqlClient, literal, namedNode, quad, quadToJson, type Quad } from '@delta-producer/core';
import { forEachStore } from '../../../bench/support/stores.js';
import { percentile, printTable, writeResults, type Row } from '../../../bench/support/report.js';
import { loadMaintainerConfig } from '../src/config/index.js';
import { startMaintainer } from '../src/service.js';
import { benchConfig, GRAPHS, organisation, organisationQuads, schemeQuads, VOCAB, BASE } from './support/bench-stream.js';

const BULK_RESOURCES = 1000;
const BULK_ROUNDS = 3;
const TRICKLE_CHANGES = 200;

const rows: Row[] = [];
const results: Record<string, unknown>[] = [];

function deltaBody(inserts: readonly Quad[], deletes: readonly Quad[]): string {
  return JSON.stringify([{ inserts: inserts.map((q) => quadToJson(q)), deletes: deletes.map((q) => quadToJson(q)) }]);
}

await forEachStore(async (store) => {
  const run = randomUUID().slice(0, 8);
  const publicationGraph = `${BASE}graphs/publication/${run}`;
  const rawGraph = `${BASE}graphs/raw/${run}`;
  const { env } = await benchConfig(store.endpoint, { publicationGraph });
  const config = await loadMaintainerConfig(env, new ConfigWarnings());
  const maintainer = await startMaintainer({ ...config, logging: { ...config.logging, deltaRewrite: true } }, pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' }));
  const client = createSparqlClient({ endpoint: store.endpoint });
  const post = async (body: string) => {
    const response = await fetch(`${maintainer.url}/delta`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (response.status !== 202) throw new Error(`POST /delta answered ${response.status}`);
  };
  try {
    await client.insertData(schemeQuads());
    // Bulk.
    const bulkMs: number[] = [];
    const rawMs: number[] = [];
    for (let round = 0; round < BULK_ROUNDS; round++) {
      const quads = Array.from({ length: BULK_RESOURCES }, (_, i) => organisationQuads(round * BULK_RESOURCES + i, run)).flat();
      await client.insertData(quads, { batchSize: 1000 });
      const started = performance.now();
      await post(deltaBody(quads, []));
      await maintainer.idle();
      bulkMs.push(performance.now() - started);
      const raw = quads.map((q) => quad(q.subject, q.predicate, q.object, namedNode(rawGraph)));
      const rawStarted = performance.now();
      await client.insertData(raw, { batchSize: 500 });
      rawMs.push(performance.now() - rawStarted);
    }
    const published = await client.select(`SELECT (COUNT(*) AS ?count) WHERE { GRAPH <${publicationGraph}> { ?s ?p ?o } }`);
    const publishedCount = Number(published[0]!.count!.value);
    const bulkTriples = BULK_RESOURCES * 10;
    const bulkRate = bulkTriples / (percentile(bulkMs, 50) / 1000);
    const rawRate = bulkTriples / (percentile(rawMs, 50) / 1000);

    // Trickle.
    const latencies: number[] = [];
    for (let change = 0; change < TRICKLE_CHANGES; change++) {
      const index = change % BULK_RESOURCES;
      const org = namedNode(organisation(index, run));
      const g = namedNode(GRAPHS.source);
      const before = quad(org, namedNode(VOCAB.name), literal(change < BULK_RESOURCES ? `Gemeente ${index} v0` : `Gemeente ${index} t${change - BULK_RESOURCES}`, 'nl'), g);
      const after = quad(org, namedNode(VOCAB.name), literal(`Gemeente ${index} t${change}`, 'nl'), g);
      await client.deleteData([before]);
      await client.insertData([after]);
      const started = performance.now();
      await post(deltaBody([after], [before]));
      await maintainer.idle();
      latencies.push(performance.now() - started);
    }
    const row: Row = {
      store: store.kind,
      'bulk triples/s (p50 of 3)': Math.round(bulkRate),
      'raw INSERT DATA triples/s': Math.round(rawRate),
      'bulk / raw': Math.round((bulkRate / rawRate) * 100) / 100,
      'trickle p50 ms': Math.round(percentile(latencies, 50) * 10) / 10,
      'trickle p99 ms': Math.round(percentile(latencies, 99) * 10) / 10,
      published: publishedCount,
    };
    rows.push(row);
    results.push({ store: store.description, bulkMs, rawMs, bulkTriples, publishedCount, trickle: { changes: TRICKLE_CHANGES, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) } });
  } finally {
    await maintainer.stop();
    for (const graph of [publicationGraph, rawGraph, GRAPHS.source, GRAPHS.concepts]) await client.update(`DELETE WHERE { GRAPH <${graph}> { ?s ?p ?o } }`).catch(() => undefined);
  }
});

printTable('live path (targets on Virtuoso: bulk ≥ 20 000 triples/s, trickle p50 ≤ 200 ms)', rows);
console.log(`\nwritten to ${writeResults('live', results)}`);
