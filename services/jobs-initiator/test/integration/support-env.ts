import { createLogger } from '@delta-producer/core';
import { loadInitiatorConfig } from '../../src/config/initiator-config.js';
import { startJobsInitiator } from '../../src/service.js';
import { ops, type TestStream } from './support.js';

/** An initiator configured only by the legacy single-stream env vars. */
export async function startInitiatorFromEnv(sparqlEndpoint: string, stream: TestStream) {
  const operations = ops(stream.name);
  const config = loadInitiatorConfig({
    CONFIG_PATH: '/nonexistent/config.json',
    MU_SPARQL_ENDPOINT: sparqlEndpoint,
    PORT: '0',
    HOST: '127.0.0.1',
    STREAM_NAME: stream.name,
    JOBS_GRAPH: stream.jobsGraph,
    INITIAL_PUBLICATION_GRAPH_SYNC_JOB_OPERATION: operations.initialPublicationGraphSyncJobOperation,
    HEALING_JOB_OPERATION: operations.healingJobOperation,
    DUMP_FILE_CREATION_JOB_OPERATION: operations.dumpFileCreationJobOperation,
    START_INITIAL_SYNC: 'false',
    ENABLE_DUMP_FILE_CREATION: 'false',
    ENABLE_HEALING_JOB_OPERATION: 'false',
    LIFECYCLE_SCAN_INTERVAL_MS: '3600000',
  });
  const initiator = await startJobsInitiator(config, createLogger({ level: 'silent', format: 'json', name: 'test' }));
  await initiator.started;
  return initiator;
}
