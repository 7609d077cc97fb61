/**
 * The lblod dump publisher's `config.json` (configuration-compat.md §4.1), read unchanged: an object
 * keyed by job operation IRI. A stream usually appears under two keys (its dump job operation and its
 * initial-sync job operation) with the same value; entries with the same `dcatDataSetSubject` are one
 * stream here, so one dump runs per stream whichever job asked for it.
 */
import { z } from 'zod';
import { booleanish, ConfigWarnings, iri, httpUrl, stringFalseQuirk, urlPathSegment } from '@delta-producer/core';

export const streamEntrySchema = z.object({
  dcatDataSetSubject: iri,
  targetGraph: iri,
  fileBaseName: urlPathSegment,
  targetDcatGraph: iri.optional(),
  targetFilesGraph: iri.optional(),
  cleanupOldDumps: booleanish.optional(),
  publicationGraphEndpoint: httpUrl.optional(),
  /** New: also publish a gzip-compressed copy as a second distribution. */
  gzip: booleanish.optional(),
});

export type StreamEntry = z.output<typeof streamEntrySchema>;

const KNOWN_KEYS = new Set(Object.keys(streamEntrySchema.shape));
const BOOLEAN_KEYS = ['cleanupOldDumps', 'gzip'];

export const configFileSchema = z.record(iri, streamEntrySchema).refine((entries) => Object.keys(entries).length > 0, 'needs at least one job operation');

/** What the service works with: one stream per dataset subject, reachable from several job operations. */
export interface DumpStream {
  /** Route name (`/<name>/dumps/latest`): the last path segment of its job operations, else fileBaseName. */
  name: string;
  jobOperations: string[];
  dcatDataSetSubject: string;
  targetGraph: string;
  fileBaseName: string;
  dcatGraph: string;
  filesGraph: string;
  cleanupOldDumps: boolean;
  /** Endpoint the publication graph is read from; undefined = MU_SPARQL_ENDPOINT. */
  publicationGraphEndpoint?: string;
  gzip: boolean;
}

export interface StreamDefaults {
  dcatGraph: string;
  filesGraph: string;
  gzip: boolean;
}

export interface StreamProblem {
  path: string;
  message: string;
}

/** Keys the lblod publisher read differently (string "false"), and keys it does not know. */
export function streamEntryWarnings(raw: unknown, warnings: ConfigWarnings): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
  for (const [operation, entry] of Object.entries(raw)) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const [key, value] of Object.entries(entry)) {
      const path = `["${operation}"].${key}`;
      if (!KNOWN_KEYS.has(key)) warnings.add({ path, message: 'is not a known key and is ignored' });
      if (BOOLEAN_KEYS.includes(key)) warnings.add(stringFalseQuirk(path, value));
    }
  }
}

function lastSegment(operation: string): string | undefined {
  const segment = operation.replace(/[/#]+$/, '').split(/[/#]/).at(-1);
  return segment && /^[A-Za-z0-9._-]+$/.test(segment) && segment !== '.' && segment !== '..' ? segment : undefined;
}

const SAME_STREAM_KEYS = ['targetGraph', 'fileBaseName', 'targetDcatGraph', 'targetFilesGraph', 'cleanupOldDumps', 'publicationGraphEndpoint', 'gzip'] as const;

/**
 * Groups entries by dataset subject. Problems: one subject with differing settings, two streams sharing
 * a file folder or a target graph, duplicate route names. A subject that is a substring of another is
 * a warning: this service matches subjects exactly, but a consumer behind mu-cl-resources would not.
 */
export function groupStreams(entries: Record<string, StreamEntry>, defaults: StreamDefaults, warnings: ConfigWarnings, pathPrefix: string): { streams: DumpStream[]; problems: StreamProblem[] } {
  const problems: StreamProblem[] = [];
  const bySubject = new Map<string, { operations: string[]; entry: StreamEntry }>();
  for (const [operation, entry] of Object.entries(entries)) {
    const group = bySubject.get(entry.dcatDataSetSubject);
    if (!group) {
      bySubject.set(entry.dcatDataSetSubject, { operations: [operation], entry });
      continue;
    }
    for (const key of SAME_STREAM_KEYS) {
      if (entry[key] !== group.entry[key]) {
        problems.push({ path: `${pathPrefix}["${operation}"].${key}`, message: `differs from ${group.operations[0]} although both have dcatDataSetSubject ${entry.dcatDataSetSubject}: one dataset subject is one stream` });
      }
    }
    group.operations.push(operation);
  }
  const streams = [...bySubject.values()].map(({ operations, entry }): DumpStream => {
    const names = [...new Set(operations.map(lastSegment))];
    const name = names.length === 1 && names[0] ? names[0] : entry.fileBaseName;
    return {
      name,
      jobOperations: operations,
      dcatDataSetSubject: entry.dcatDataSetSubject,
      targetGraph: entry.targetGraph,
      fileBaseName: entry.fileBaseName,
      dcatGraph: entry.targetDcatGraph ?? defaults.dcatGraph,
      filesGraph: entry.targetFilesGraph ?? defaults.filesGraph,
      cleanupOldDumps: entry.cleanupOldDumps ?? false,
      publicationGraphEndpoint: entry.publicationGraphEndpoint,
      gzip: entry.gzip ?? defaults.gzip,
    };
  });
  const seen = new Map<string, string>();
  for (const stream of streams) {
    for (const [kind, value] of [['fileBaseName', stream.fileBaseName], ['targetGraph', stream.targetGraph], ['name', stream.name]] as const) {
      const key = `${kind} ${value}`;
      const other = seen.get(key);
      if (other) problems.push({ path: `${pathPrefix}["${stream.jobOperations[0]}"].${kind}`, message: `${value} is also used by the stream of ${other}` });
      else seen.set(key, stream.dcatDataSetSubject);
    }
    for (const other of streams) {
      if (other !== stream && other.dcatDataSetSubject.toLowerCase().includes(stream.dcatDataSetSubject.toLowerCase())) {
        warnings.add({ path: `${pathPrefix}["${stream.jobOperations[0]}"].dcatDataSetSubject`, message: `is a substring of ${other.dcatDataSetSubject}: consumers of a mu-cl-resources listing (substring filter) would see both streams` });
      }
    }
  }
  return { streams, problems };
}
