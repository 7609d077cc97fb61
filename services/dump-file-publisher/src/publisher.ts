/**
 * One dump of one stream, start to finish: snapshot time → Turtle file (and gzip copy) in place →
 * metadata published in one update that moves the head → previous head marked superseded → clean-up.
 *
 * Consistency (docs/dumps.md): `dct:issued` is read BEFORE the first subject page. Every triple in the
 * file was read at or after that time, and every change made after it reaches consumers as a delta
 * file created after it, which the consumer applies on top of the dump (inserts and deletes of single
 * triples are idempotent and applied in order), so consumer state = dump ⊕ later deltas is the current
 * state. The lblod publisher stamped issued after the read, losing changes made during it (pitfall 96).
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import { filePathOfShareUri, shareUriOfFilePath, type Logger, type SparqlClient } from '@delta-producer/core';
import type { DumpStream } from './config/stream-config.js';
import { dumpGraph, type DumpProgress, type DumpResult } from './dump/dump-graph.js';
import { GraphReader } from './dump/graph-reader.js';
import { PARTIAL_SUFFIX, writeGzipCopy } from './dump/turtle-file.js';
import type { DatasetRepository } from './metadata/dataset-repository.js';
import { dumpFileName, datasetIri, type DumpFile } from './metadata/dump-metadata.js';
import { expiredDatasets, headRepairLinks } from './metadata/revision-chain.js';

export interface PublisherSettings {
  shareDir: string;
  relativeFilePath: string;
  creator: string;
  subjectPageSize: number;
  subjectBatchSize: number;
  cleanupGracePeriodMs: number;
  /** Without cleanupOldDumps: superseded dumps are kept this long (0 = for ever). */
  supersededRetentionMs: number;
  /** `.partial` files older than this belong to a dead process. */
  staleTaskAfterMs: number;
}

export interface PublishedDump extends DumpResult {
  dataset: string;
  issued: Date;
  files: DumpFile[];
  previous?: string;
}

export class DumpFailedError extends Error {
  override readonly name = 'DumpFailedError';
  constructor(
    readonly stream: string,
    readonly stage: 'dump' | 'publish',
    cause: unknown,
  ) {
    super(`dump of stream ${stream} failed while ${stage === 'dump' ? 'writing the file' : 'publishing its metadata'}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export class DumpPublisher {
  constructor(
    private readonly deps: {
      datasets: DatasetRepository;
      /** SPARQL client per publication-graph endpoint. */
      readerClient: (stream: DumpStream) => SparqlClient;
      settings: PublisherSettings;
      logger: Logger;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  folderOf(stream: DumpStream): string {
    return join(this.deps.settings.shareDir, this.deps.settings.relativeFilePath, stream.fileBaseName);
  }

  graphsOf(stream: DumpStream) {
    return { subject: stream.dcatDataSetSubject, dcatGraph: stream.dcatGraph, filesGraph: stream.filesGraph };
  }

  /** Dumps and publishes; throws DumpFailedError (nothing published, no file left) on failure. */
  async run(stream: DumpStream, options: { task?: { uri: string; graph: string }; signal?: AbortSignal; onProgress?: (progress: DumpProgress) => Promise<void> | void } = {}): Promise<PublishedDump> {
    const { settings, logger } = this.deps;
    const issued = this.now();
    const folder = this.folderOf(stream);
    await mkdir(folder, { recursive: true });
    const fileName = dumpFileName(stream.fileBaseName, issued, uuidv4());
    const path = join(folder, fileName);
    const written: string[] = [];
    let result: DumpResult;
    const files: DumpFile[] = [];
    try {
      const reader = new GraphReader(this.deps.readerClient(stream), { subjectPageSize: settings.subjectPageSize, subjectBatchSize: settings.subjectBatchSize, signal: options.signal });
      result = await dumpGraph({ reader, graph: stream.targetGraph, path, onProgress: options.onProgress });
      written.push(path);
      files.push(this.describe(path, fileName, result.bytes, false));
      if (stream.gzip) {
        const gzipPath = `${path}.gz`;
        const bytes = await writeGzipCopy(path, gzipPath);
        written.push(gzipPath);
        files.push(this.describe(gzipPath, `${fileName}.gz`, bytes, true));
      }
    } catch (error) {
      await Promise.all(written.map((file) => rm(file, { force: true })));
      throw new DumpFailedError(stream.name, 'dump', error);
    }
    const datasetUuid = uuidv4();
    let previous: string | undefined;
    try {
      previous = await this.ensureOneHead(stream);
      await this.deps.datasets.publish({
        datasetUuid,
        subject: stream.dcatDataSetSubject,
        issued,
        now: this.now(),
        files,
        creator: settings.creator,
        previous,
        dcatGraph: stream.dcatGraph,
        filesGraph: stream.filesGraph,
        task: options.task ? { ...options.task, containerUuid: uuidv4() } : undefined,
      });
    } catch (error) {
      // Not published: the files are nobody's. (Had the update reached the store before failing, the
      // orphan sweep would find the files referenced and leave them.)
      await Promise.all(written.map((file) => rm(file, { force: true })));
      throw new DumpFailedError(stream.name, 'publish', error);
    }
    const dataset = datasetIri(datasetUuid);
    if (previous) {
      await this.deps.datasets.markSuperseded(previous, stream.dcatGraph, this.now()).catch((error: unknown) => logger.warn({ err: error, stream: stream.name, dataset: previous }, 'could not mark the previous dump superseded'));
    }
    const skipped = Object.values(result.skippedBlankNodes).reduce((sum, count) => sum + count, 0);
    if (skipped > 0) logger.warn({ stream: stream.name, skippedByPredicate: result.skippedBlankNodes }, `${skipped} triples with a blank node were left out of the dump`);
    return { ...result, dataset, issued, files, previous };
  }

  /** Repairs two or more heads into one chain; returns the head (undefined for the first dump). */
  async ensureOneHead(stream: DumpStream): Promise<string | undefined> {
    const heads = await this.deps.datasets.heads(this.graphsOf(stream));
    if (heads.length > 1) {
      const links = headRepairLinks(heads);
      this.deps.logger.warn({ stream: stream.name, heads: heads.map((head) => head.uri), links }, 'several dump heads found; chaining them so the newest is the only head');
      await this.deps.datasets.link(links, stream.dcatGraph);
      return links.at(-1)!.next;
    }
    return heads[0]?.uri;
  }

  /**
   * Removes superseded dumps, metadata first, then their files: with `cleanupOldDumps` once their
   * successor is older than the grace period, else once it is older than the retention (the lblod
   * publisher kept them for ever, pitfall 95). Always: removes `.partial` files of dead processes and
   * files no metadata names that are older than the grace period (a crash between file and metadata).
   */
  async cleanUp(stream: DumpStream): Promise<{ removedDatasets: string[]; removedFiles: string[] }> {
    const { datasets, settings } = this.deps;
    const now = this.now();
    const removedDatasets: string[] = [];
    const removedFiles: string[] = [];
    const keepMs = stream.cleanupOldDumps ? settings.cleanupGracePeriodMs : settings.supersededRetentionMs || undefined;
    if (keepMs !== undefined) {
      for (const dataset of expiredDatasets(await datasets.datasets(this.graphsOf(stream)), now, Math.max(keepMs, settings.cleanupGracePeriodMs))) {
        const physical = await datasets.remove(dataset, { dcatGraph: stream.dcatGraph, filesGraph: stream.filesGraph });
        removedDatasets.push(dataset.uri);
        for (const uri of physical) {
          const path = filePathOfShareUri(settings.shareDir, uri);
          await rm(path, { force: true });
          removedFiles.push(path);
        }
      }
    }
    const folder = this.folderOf(stream);
    const entries = await readdir(folder).catch(() => [] as string[]);
    if (entries.length === 0) return { removedDatasets, removedFiles };
    const referenced = await datasets.physicalFiles(this.graphsOf(stream));
    for (const entry of entries) {
      const path = join(folder, entry);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      const age = now.getTime() - info.mtimeMs;
      const partial = entry.startsWith('.') && entry.endsWith(PARTIAL_SUFFIX);
      const orphan = !partial && !referenced.has(shareUriOfFilePath(settings.shareDir, path)) && age >= settings.cleanupGracePeriodMs;
      if ((partial && age >= settings.staleTaskAfterMs) || orphan) {
        await rm(path, { force: true });
        removedFiles.push(path);
      }
    }
    return { removedDatasets, removedFiles };
  }

  private describe(path: string, fileName: string, bytes: number, compressed: boolean): DumpFile {
    return {
      fileName,
      shareUri: shareUriOfFilePath(this.deps.settings.shareDir, path),
      bytes,
      format: compressed ? 'application/gzip' : 'text/turtle',
      extension: compressed ? 'gz' : 'ttl',
      compressed,
      distributionUuid: uuidv4(),
      logicalUuid: uuidv4(),
      physicalUuid: uuidv4(),
    };
  }
}
