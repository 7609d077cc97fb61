/**
 * The consumers' read side: `GET <filesPath>?since=<ISO datetime>` per stream (http-contracts §6.1) and
 * `GET /files/:id/download` (core's mu-file-service route), each behind the stream's login when it has
 * a key. Paths with repeated slashes are collapsed (`//files/…` from a base URL ending in `/`); the
 * query string is left as it is.
 *
 * The listing is answered from the stream's file index: files with created > since, ascending, at most
 * MAX_DELTA_FILES_PER_REQUEST, `{"data":[{"type":"files","id","attributes":{"name","created"}}]}`.
 * Like the lblod listing, which ran as the caller, what the caller may not read is not listed: one ASK
 * as the caller (mu-session-id and mu-auth-allowed-groups forwarded) checks that the files graph is
 * visible to it.
 */
import { badRequest, createFileDownloadRoutes, FILE_DOWNLOAD_PATH, JSON_API_CONTENT_TYPE, serviceUnavailable, type FileRepository, type Logger } from '@delta-producer/core';
import { Router, type RequestHandler } from 'express';
import type { DeltaFileIndex } from '../delta-files/file-index.js';
import type { FileMetadataRepository } from '../delta-files/file-metadata-repository.js';
import { listingDocument, parseSince, SinceParameterError } from '../delta-files/listing.js';
import { requireConsumerSession, type StreamLogin } from './consumer-session-guard.js';

export interface ServedStream {
  filesPath: string;
  index: DeltaFileIndex;
  repository: FileMetadataRepository;
  maxFilesPerRequest: number;
  login: StreamLogin;
}

export interface FilesRoutesOptions {
  streams: readonly ServedStream[];
  download: { files: FileRepository; shareDir: string };
  logger: Logger;
}

/** Collapses repeated slashes in the path only (never in the query string, which holds `http://`). */
export const collapseSlashes: RequestHandler = (request, _response, next) => {
  const queryAt = request.url.indexOf('?');
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  if (path.includes('//')) request.url = path.replace(/\/{2,}/g, '/') + (queryAt === -1 ? '' : request.url.slice(queryAt));
  next();
};

export function createFilesRoutes(options: FilesRoutesOptions): Router {
  const { logger } = options;
  const router = Router();
  for (const stream of options.streams) {
    router.get(stream.filesPath, async (request, response) => {
      await requireConsumerSession(stream.login, request, logger);
      let since: number;
      try {
        since = parseSince(request.query.since);
      } catch (error) {
        if (error instanceof SinceParameterError) throw badRequest(error.message, { cause: error });
        throw error;
      }
      if (!stream.index.loaded) throw serviceUnavailable(`the files of stream ${stream.login.stream} are being loaded; retry shortly`);
      let files = stream.index.page(since, stream.maxFilesPerRequest);
      if (files.length > 0) {
        const sessionId = request.get('mu-session-id');
        const allowedGroups = request.get('mu-auth-allowed-groups');
        const visible = await stream.repository.visibleTo({ ...(sessionId ? { sessionId } : {}), ...(allowedGroups ? { allowedGroups } : {}) }, files[0]!);
        if (!visible) files = [];
      }
      response.type(JSON_API_CONTENT_TYPE).send(JSON.stringify(listingDocument(files)));
    });
  }

  // A file of a stream with a key needs that stream's session; other files are served as mu-file-service would.
  router.get(FILE_DOWNLOAD_PATH, async (request, _response, next) => {
    const id = String(request.params.id ?? '');
    const owner = options.streams.find((stream) => stream.index.has(id));
    if (owner) await requireConsumerSession(owner.login, request, logger);
    next();
  });
  router.use(createFileDownloadRoutes({ files: options.download.files, shareDir: options.download.shareDir, logger }));
  return router;
}
