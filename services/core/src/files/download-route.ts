/**
 * `GET /files/:id/download` with mu-file-service's semantics (http-contracts §9), so a stack works
 * without that service: the download id is the logical file's `mu:uuid`; the physical file
 * (`nie:dataSource` → logical) names a file under the share directory; `?name=` makes the answer an
 * attachment with that file name. Content-Type is the file's `dct:format` (else from the extension);
 * Content-Length, ETag, Range and HEAD come with express's sendFile.
 *
 * Unlike mu-file-service, an unknown id gets `404` with a JSON:API body (an empty 404 was read as an
 * empty dump by delta-consumer, pitfall 103). Metadata without its file on disk is `500` (code
 * `file-missing`), never an empty success.
 */
import { stat } from 'node:fs/promises';
import { Router, type Request, type Response } from 'express';
import type { Logger } from '../runtime/logger.js';
import { HttpError, notFound } from '../runtime/http-errors.js';
import type { FileRepository } from './file-repository.js';
import { filePathOfShareUri, ShareUriError } from './share-uri.js';

export const FILE_DOWNLOAD_PATH = '/files/:id/download';

export interface FileDownloadRouteOptions {
  files: FileRepository;
  /** The share directory (`/share` in the containers). */
  shareDir: string;
  logger: Logger;
  /** Route path (default `/files/:id/download`). */
  path?: string;
}

/** Download ids are mu:uuid values; anything else can name no file. */
const DOWNLOAD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** A name for Content-Disposition: no path, no quotes or control characters. */
function attachmentName(name: string): string {
  const base = name.split(/[\\/]/).at(-1) ?? '';
  const clean = [...base].filter((char) => char !== '"' && char.charCodeAt(0) > 0x1f && char.charCodeAt(0) !== 0x7f).join('').trim();
  return clean === '' ? 'download' : clean;
}

export function createFileDownloadRoutes(options: FileDownloadRouteOptions): Router {
  const router = Router();
  router.get(options.path ?? FILE_DOWNLOAD_PATH, async (request: Request, response: Response) => {
    const id = String(request.params.id ?? '');
    if (!DOWNLOAD_ID.test(id)) throw notFound(`no file with id ${JSON.stringify(id.slice(0, 200))}`);
    const file = await options.files.findDownloadable(id);
    if (!file) throw notFound(`no file with id ${id}`);
    let path: string;
    try {
      path = filePathOfShareUri(options.shareDir, file.physical);
    } catch (error) {
      if (!(error instanceof ShareUriError)) throw error;
      options.logger.error({ id, physical: file.physical, err: error }, 'file metadata names no file under the share directory');
      throw new HttpError({ status: 500, code: 'file-missing', detail: `the file of ${id} is not available` });
    }
    const present = await stat(path).then((info) => info.isFile(), () => false);
    if (!present) {
      options.logger.error({ id, physical: file.physical, path }, 'file metadata present but the file is missing');
      throw new HttpError({ status: 500, code: 'file-missing', detail: `the file of ${id} is not available` });
    }
    const name = typeof request.query.name === 'string' ? request.query.name : undefined;
    if (name !== undefined) response.attachment(attachmentName(name));
    const headers: Record<string, string> = {};
    if (file.format && /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(file.format)) headers['Content-Type'] = file.format;
    await new Promise<void>((resolve, reject) => {
      response.sendFile(path, { headers, dotfiles: 'allow', lastModified: true }, (error) => (error && !response.headersSent ? reject(error) : resolve()));
    });
  });
  return router;
}
