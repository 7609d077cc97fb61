/**
 * One stream's delta files, composed: metadata repository, file index (the listing), writer and
 * retention. The writer starts in the background and retries until the store answers, so the service
 * starts with the store down; the listing answers 503 until the index is loaded.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger, SparqlClient } from '@delta-producer/core';
import type { MaintainerConfig, MaintainerStreamConfig } from '../config/index.js';
import type { Outbox } from '../live/apply.js';
import type { DurableLog, LogCompaction } from '../storage/index.js';
import { DeltaFileWriter, type FlushStep } from './delta-file-writer.js';
import { DeltaFileIndex } from './file-index.js';
import { FileMetadataRepository } from './file-metadata-repository.js';
import { DeltaFileRetention } from './retention.js';

export const DELTA_FILES_DIRECTORY = 'delta-files';

export interface DeltaFilesTestHooks {
  now?: () => number;
  onStep?: (stream: string, step: FlushStep) => void | Promise<void>;
  retry?: { initialMs: number; maxMs: number };
}

export interface StreamDeltaFiles {
  writer: DeltaFileWriter;
  index: DeltaFileIndex;
  repository: FileMetadataRepository;
  retention: DeltaFileRetention | undefined;
  /** Resolves once the writer started (index loaded, interrupted flush taken up). */
  started: Promise<void>;
  stop(): Promise<void>;
}

export function startStreamDeltaFiles(
  config: MaintainerConfig,
  stream: MaintainerStreamConfig,
  parts: { client: SparqlClient; outbox: Outbox; log: DurableLog; compaction: LogCompaction; logger: Logger; hooks?: DeltaFilesTestHooks },
): StreamDeltaFiles {
  const { deltaFiles } = stream;
  const { logger, hooks } = parts;
  const repository = new FileMetadataRepository({ client: parts.client, filesGraph: deltaFiles.filesGraph, publisherUri: deltaFiles.publisherUri!, scope: stream.scopes.deltaFileMetadata });
  const index = new DeltaFileIndex();
  const writer = new DeltaFileWriter({
    stream: stream.name,
    outbox: parts.outbox,
    log: parts.log,
    repository,
    index,
    compaction: parts.compaction,
    stateDir: join(config.dataDir, DELTA_FILES_DIRECTORY, stream.name),
    shareDir: config.shareDir,
    relativeFilePath: deltaFiles.relativeFilePath,
    limits: { maxTriplesPerOperation: deltaFiles.maxTriplesPerOperation, maxDeltasPerFile: deltaFiles.maxDeltasPerFile },
    pretty: deltaFiles.prettyPrint,
    debounceMs: deltaFiles.debounceMs,
    logger,
    ...(hooks?.now ? { now: hooks.now } : {}),
    ...(hooks?.onStep ? { onStep: (step: FlushStep) => hooks.onStep!(stream.name, step) } : {}),
    ...(hooks?.retry ? { retry: hooks.retry } : {}),
  });
  const retention =
    deltaFiles.retentionDays === undefined
      ? undefined
      : new DeltaFileRetention({ stream: stream.name, retentionDays: deltaFiles.retentionDays, index, repository, shareDir: config.shareDir, logger, ...(hooks?.now ? { now: hooks.now } : {}) });
  const abort = new AbortController();
  const started = (async () => {
    for (let attempt = 1; !abort.signal.aborted; attempt++) {
      try {
        await writer.start();
        retention?.start();
        return;
      } catch (error) {
        const waitMs = Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 6));
        logger.error({ err: error, stream: stream.name, attempt, retryInMs: waitMs }, 'delta files: start failed (the listing answers 503 meanwhile); retrying');
        await delay(waitMs, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    }
  })();
  return {
    writer,
    index,
    repository,
    retention,
    started,
    async stop() {
      abort.abort();
      await started;
      await retention?.stop();
      await writer.stop();
    },
  };
}
