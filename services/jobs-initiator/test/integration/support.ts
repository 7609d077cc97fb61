/** Starts jobs-initiator instances in-process against a real SPARQL endpoint, with a temp config file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import { createLogger, createSparqlClient, JobRepository, namedNode, sparql, type SparqlClient } from '@delta-producer/core';
import { loadInitiatorConfig } from '../../src/config/initiator-config.js';
import { startJobsInitiator, type RunningJobsInitiator } from '../../src/service.js';

export const ops = (name: string) => ({
  dumpFileCreationJobOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/deltaDumpFileCreation/${name}`,
  initialPublicationGraphSyncJobOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/initialPublicationGraphSyncing/${name}`,
  healingJobOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/healingOperation/${name}`,
});

export interface TestStream {
  name: string;
  jobsGraph: string;
  entry: Record<string, unknown>;
}

/** A stream with a unique name and jobs graph, so tests never see each other's jobs. */
export function testStream(overrides: Record<string, unknown> = {}): TestStream {
  const name = `s-${uuidv4().slice(0, 8)}`;
  const jobsGraph = `http://test.example/jobs/${uuidv4()}`;
  return { name, jobsGraph, entry: { name, jobsGraph, ...ops(name), startInitialSync: false, disableDumpFileCreation: true, disableHealingJobOperation: true, ...overrides } };
}

export async function startInitiator(sparqlEndpoint: string, streams: TestStream[], env: Record<string, string> = {}): Promise<RunningJobsInitiator> {
  const dir = mkdtempSync(join(tmpdir(), 'initiator-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(streams.map((stream) => stream.entry)));
  const config = loadInitiatorConfig({ CONFIG_PATH: configPath, CONFIG_OVERRIDE_PATH: join(dir, 'none.json'), MU_SPARQL_ENDPOINT: sparqlEndpoint, PORT: '0', HOST: '127.0.0.1', PING_DB_INTERVAL: '0.2', LIFECYCLE_SCAN_INTERVAL_MS: '3600000', ...env });
  const logger = createLogger({ level: 'silent', format: 'json', name: 'jobs-initiator-test' });
  const initiator = await startJobsInitiator(config, logger);
  await initiator.started;
  return initiator;
}

export function storeHelpers(sparqlEndpoint: string): { client: SparqlClient; repository: JobRepository; clear(graph: string): Promise<void> } {
  const client = createSparqlClient({ endpoint: sparqlEndpoint });
  return {
    client,
    repository: new JobRepository(client),
    clear: (graph) => client.update(sparql`DELETE WHERE { GRAPH ${namedNode(graph)} { ?s ?p ?o } }`),
  };
}
