/**
 * The revision chain on a real store: each dump is a revision of the previous head, there is exactly
 * one head after every publish, two heads (left by a crash or by the lblod publisher) are chained at
 * start-up, and clean-up removes superseded dumps — metadata and files — only after the grace period.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filePathOfShareUri, literal, namedNode, quad } from '@delta-producer/core';
import { integrationEndpoint, type IntegrationEndpoint } from '../../../core/test/support/sparql-endpoint.js';
import type { PublisherConfig } from '../../src/config/publisher-config.js';
import { DatasetRepository, type DatasetRecord } from '../../src/metadata/dataset-repository.js';
import { newDumpInsert } from '../../src/metadata/dump-metadata.js';
import { startPublisher, storeHelpers, testConfig, testStream, type TestStream } from './support.js';

let endpoint: IntegrationEndpoint;

beforeAll(async () => {
  endpoint = await integrationEndpoint({ maxRows: 10_000 });
});

afterAll(async () => {
  await endpoint?.close();
});

async function datasetsOf(stream: TestStream): Promise<DatasetRecord[]> {
  return new DatasetRepository(storeHelpers(endpoint.url).client).datasets({ subject: stream.subject, dcatGraph: stream.dcatGraph, filesGraph: stream.filesGraph });
}

/** One head, every other dataset has exactly one successor, and following `previous` from the head visits all. */
function expectLinearChain(datasets: DatasetRecord[]): void {
  const heads = datasets.filter((dataset) => dataset.next.length === 0);
  expect(heads).toHaveLength(1);
  const byUri = new Map(datasets.map((dataset) => [dataset.uri, dataset]));
  const visited = new Set<string>();
  let current: DatasetRecord | undefined = heads[0];
  while (current && !visited.has(current.uri)) {
    visited.add(current.uri);
    current = current.previous.map((uri) => byUri.get(uri)).find((dataset) => dataset !== undefined);
  }
  expect(visited.size).toBe(datasets.length);
}

async function seed(stream: TestStream): Promise<void> {
  await storeHelpers(endpoint.url).client.insertData([quad(namedNode(`http://test.example/${stream.name}/a`), namedNode('http://test.example/p'), literal('a'), namedNode(stream.targetGraph))]);
}

test('every dump is a revision of the previous head; exactly one head after each', async () => {
  const stream = testStream();
  await seed(stream);
  const config = testConfig(endpoint.url, [stream]);
  const service = await startPublisher(config);
  try {
    const published: string[] = [];
    for (let run = 0; run < 4; run += 1) {
      const dump = await service.publisher.run(config.streams[0]!);
      expect(dump.previous).toBe(published.at(-1));
      published.push(dump.dataset);
      expectLinearChain(await datasetsOf(stream));
    }
    const datasets = await datasetsOf(stream);
    expect(datasets.find((dataset) => dataset.next.length === 0)!.uri).toBe(published.at(-1));
    // Without cleanupOldDumps every file stays (lblod's default mode).
    expect(datasets).toHaveLength(4);
  } finally {
    await service.stop();
  }
});

test('two heads left by a crash are chained at start-up, newest last', async () => {
  const stream = testStream();
  const { client } = storeHelpers(endpoint.url);
  // Two datasets of the subject, neither a revision of the other: what the lblod publisher leaves.
  const older = { datasetUuid: 'a0000000-0000-4000-8000-000000000001', issued: new Date('2025-01-01T00:00:00Z') };
  const newer = { datasetUuid: 'a0000000-0000-4000-8000-000000000002', issued: new Date('2025-02-01T00:00:00Z') };
  for (const [index, head] of [newer, older].entries()) {
    await client.update(
      newDumpInsert({
        ...head,
        subject: stream.subject,
        now: head.issued,
        creator: 'http://test.example/creator',
        dcatGraph: stream.dcatGraph,
        filesGraph: stream.filesGraph,
        files: [{ fileName: `f${index}.ttl`, shareUri: `share://x/${stream.name}/f${index}.ttl`, bytes: 1, format: 'text/turtle', extension: 'ttl', compressed: false, distributionUuid: `d${index}-${stream.name}`, logicalUuid: `l${index}-${stream.name}`, physicalUuid: `p${index}-${stream.name}` }],
      }),
    );
  }
  expect((await datasetsOf(stream)).filter((dataset) => dataset.next.length === 0)).toHaveLength(2);
  const service = await startPublisher(testConfig(endpoint.url, [stream]));
  try {
    const datasets = await datasetsOf(stream);
    expectLinearChain(datasets);
    expect(datasets.find((dataset) => dataset.next.length === 0)!.uuid).toBe(newer.datasetUuid);
    const listing = await fetch(`${service.url}/datasets?filter[subject]=${stream.subject}&filter[:has-no:next-version]=yes`);
    expect(((await listing.json()) as { data: { id: string }[] }).data.map((dataset) => dataset.id)).toEqual([newer.datasetUuid]);
  } finally {
    await service.stop();
  }
});

describe('cleanupOldDumps', () => {
  let stream: TestStream;
  let config: PublisherConfig;
  let clock: number;

  beforeAll(async () => {
    stream = testStream({ cleanupOldDumps: true });
    await seed(stream);
    config = testConfig(endpoint.url, [stream], { CLEANUP_GRACE_PERIOD_MS: '3600000' });
  });

  test('superseded dumps and their files stay through the grace period, then go', async () => {
    clock = Date.now();
    const service = await startPublisher(config);
    const { DumpPublisher } = await import('../../src/publisher.js');
    const streamConfig = config.streams[0]!;
    try {
      const first = await service.publisher.run(streamConfig);
      const second = await service.publisher.run(streamConfig);
      const firstFile = filePathOfShareUri(config.shareDir, first.files[0]!.shareUri);
      // Within the grace period: nothing removed, the superseded file still downloads.
      expect(await service.publisher.cleanUp(streamConfig)).toEqual({ removedDatasets: [], removedFiles: [] });
      expect(existsSync(firstFile)).toBe(true);
      const download = await fetch(`${service.url}/files/${first.files[0]!.logicalUuid}/download`);
      expect(download.status).toBe(200);

      // An hour later (a publisher whose clock is ahead), the first dump is removed, the head stays.
      const later = new DumpPublisher({
        datasets: new DatasetRepository(storeHelpers(endpoint.url).client),
        readerClient: () => storeHelpers(endpoint.url).client,
        settings: config,
        logger: (await import('./support.js')).silentLogger(),
        now: () => new Date(clock + 3_600_000 + 60_000),
      });
      // A file no metadata names (a crash between file and metadata) goes too; a partial file of a dead process also.
      const orphan = join(service.publisher.folderOf(streamConfig), `${stream.entry.fileBaseName}-orphan.ttl`);
      await writeFile(orphan, '');
      const removed = await later.cleanUp(streamConfig);
      expect(removed.removedDatasets).toEqual([first.dataset]);
      expect(removed.removedFiles).toEqual(expect.arrayContaining([firstFile, orphan]));
      expect(existsSync(firstFile)).toBe(false);
      expect(existsSync(filePathOfShareUri(config.shareDir, second.files[0]!.shareUri))).toBe(true);
      const datasets = await datasetsOf(stream);
      expect(datasets.map((dataset) => dataset.uri)).toEqual([second.dataset]);
      expectLinearChain(datasets);
      const gone = await fetch(`${service.url}/files/${first.files[0]!.logicalUuid}/download`);
      expect(gone.status).toBe(404);
    } finally {
      await service.stop();
    }
  });
});

test('without cleanupOldDumps superseded dumps are kept for the retention (30 days by default), then removed', async () => {
  const stream = testStream();
  await seed(stream);
  const config = testConfig(endpoint.url, [stream]);
  const service = await startPublisher(config);
  const { DumpPublisher } = await import('../../src/publisher.js');
  const { silentLogger } = await import('./support.js');
  const at = (offsetMs: number) =>
    new DumpPublisher({ datasets: new DatasetRepository(storeHelpers(endpoint.url).client), readerClient: () => storeHelpers(endpoint.url).client, settings: config, logger: silentLogger(), now: () => new Date(Date.now() + offsetMs) });
  try {
    const first = await service.publisher.run(config.streams[0]!);
    const second = await service.publisher.run(config.streams[0]!);
    expect((await at(29 * 86_400_000).cleanUp(config.streams[0]!)).removedDatasets).toEqual([]);
    expect((await at(31 * 86_400_000).cleanUp(config.streams[0]!)).removedDatasets).toEqual([first.dataset]);
    expect((await datasetsOf(stream)).map((dataset) => dataset.uri)).toEqual([second.dataset]);
  } finally {
    await service.stop();
  }
});
