// The dump process of the dump benchmark, as production runs it: compiled JavaScript (`npm run build`
// output, dist/), no tsx. One dump of the stream in CONFIG_PATH without HTTP or task pickup, then one
// JSON line with its figures, the peak heap seen between batches and this process's peak RSS
// (`process.resourceUsage().maxRSS`), so the store's and the loader's memory are not counted.
// BENCH_IDLE=1: the same process with everything loaded, without dumping (the baseline).
import { createLogger, createSparqlClient } from '@delta-producer/core';
import { loadPublisherConfig } from '../dist/config/publisher-config.js';
import { DatasetRepository } from '../dist/metadata/dataset-repository.js';
import { DumpPublisher } from '../dist/publisher.js';

const config = loadPublisherConfig();
if (process.env.BENCH_IDLE === '1') {
  console.log(JSON.stringify({ triples: 0, subjects: 0, bytes: 0, seconds: 0, maxRssKb: process.resourceUsage().maxRSS, peakHeapBytes: process.memoryUsage().heapUsed }));
  process.exit(0);
}
const client = createSparqlClient({ endpoint: config.sparqlEndpoint, maxRows: config.maxRows, timeoutMs: 600_000 });
const publisher = new DumpPublisher({ datasets: new DatasetRepository(client), readerClient: () => client, settings: config, logger: createLogger({ level: 'warn', format: 'json', name: 'bench' }) });
let peakHeapBytes = 0;
const started = performance.now();
const dump = await publisher.run(config.streams[0], { onProgress: () => (peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed)) });
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ triples: dump.triples, subjects: dump.subjects, bytes: dump.bytes, seconds, maxRssKb: process.resourceUsage().maxRSS, peakHeapBytes }));
