/**
 * The dump process of the dump benchmark: one dump of the stream in CONFIG_PATH, run without HTTP
 * or task pickup, then one JSON line with its figures and this process's peak RSS
 * (`process.resourceUsage().maxRSS`), so the store's and the loader's memory are not counted.
 */
import { createLogger, createSparqlClient } from '@delta-producer/core';
import { loadPublisherConfig } from '../src/config/publisher-config.js';
import { DatasetRepository } from '../src/metadata/dataset-repository.js';
import { DumpPublisher } from '../src/publisher.js';

const config = loadPublisherConfig();
if (process.env.BENCH_IDLE === '1') {
  // The baseline: the same process with everything loaded, without dumping.
  console.log(JSON.stringify({ triples: 0, subjects: 0, bytes: 0, seconds: 0, maxRssKb: process.resourceUsage().maxRSS }));
  process.exit(0);
}
const client = createSparqlClient({ endpoint: config.sparqlEndpoint, maxRows: config.maxRows, timeoutMs: 600_000 });
const publisher = new DumpPublisher({ datasets: new DatasetRepository(client), readerClient: () => client, settings: config, logger: createLogger({ level: 'warn', format: 'json', name: 'bench' }) });
const started = performance.now();
const dump = await publisher.run(config.streams[0]!);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ triples: dump.triples, subjects: dump.subjects, bytes: dump.bytes, seconds, maxRssKb: process.resourceUsage().maxRSS }));
