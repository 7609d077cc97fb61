/**
 * Names, folders, IRIs and ids of one delta file (data-model §9), pure.
 *
 * File name `delta-<created ISO>-<stream>-<index>.json` (the lblod form `delta-<ISO>-<index>.json` plus the
 * stream name: two streams may share `relativeFilePath`, and their files must never overwrite each
 * other). Folder `<relativeFilePath>/<YYYY-MM-DD of created, UTC>`; physical IRI the clean
 * `share://<folder>/<name>`; logical IRI `http://data.lblod.info/files/<uuid>`.
 */
import { shareUriFor } from '@delta-producer/core';
import { isoMillis } from './created-times.js';

export const LOGICAL_FILE_BASE = 'http://data.lblod.info/files/';
export const DELTA_FILE_FORMAT = 'application/json';
export const DELTA_FILE_EXTENSION = 'json';

export interface DeltaFileIdentity {
  /** mu:uuid of the logical file: the listing id and the download id. */
  uuid: string;
  /** mu:uuid of the physical file. */
  physicalUuid: string;
  name: string;
  /** Path relative to the share directory. */
  relativePath: string;
  /** dct:created (= dct:modified), ms since the epoch. */
  created: number;
}

export function deltaFileName(created: number, stream: string, index: number): string {
  return `delta-${isoMillis(created)}-${stream}-${index}.json`;
}

export function deltaFileRelativePath(relativeFilePath: string, created: number, name: string): string {
  return `${relativeFilePath}/${isoMillis(created).slice(0, 10)}/${name}`;
}

export function logicalFileIri(uuid: string): string {
  return `${LOGICAL_FILE_BASE}${uuid}`;
}

export function physicalFileIri(relativePath: string): string {
  return shareUriFor(relativePath);
}
