/**
 * Parsing and validation of incoming delta messages. Accepted shapes:
 * - delta-notifier `v0.0.1`: a JSON array of `{inserts, deletes}`;
 * - sparql-parser raw keys, as an array element or as the raw `{"changeSets":[…]}` message:
 *   `{insert, delete, effectiveInsert?, effectiveDelete?, …}`.
 * A missing list counts as empty (delta-notifier 0.4 fills them in too). Every quad must name its graph.
 * `v0.0.0-genesis` bodies and anything else are rejected with a DeltaFormatError naming the path of
 * the first bad element (e.g. `$[2].inserts[0].object.type`).
 */
import type { Quad } from '@rdfjs/types';
import { quadFromJson, TermError } from '../rdf/terms.js';
import type { Changeset } from './types.js';

export class DeltaFormatError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'DeltaFormatError';
  }
}

const V001_KEYS = ['inserts', 'deletes'] as const;
const RAW_KEYS = ['insert', 'delete', 'effectiveInsert', 'effectiveDelete'] as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseQuadList(value: unknown, path: string): Quad[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new DeltaFormatError(path, `must be an array of triples, got ${describe(value)}`);
  return value.map((item, index) => {
    const itemPath = `${path}[${index}]`;
    if (isObject(item) && item.graph === undefined) throw new DeltaFormatError(`${itemPath}.graph`, 'missing: every triple of a delta must name its graph');
    try {
      return quadFromJson(item);
    } catch (error) {
      if (error instanceof TermError) throw new DeltaFormatError(error.path ? `${itemPath}.${error.path}` : itemPath, stripPath(error));
      throw error;
    }
  });
}

function stripPath(error: TermError): string {
  return error.path && error.message.startsWith(`${error.path}: `) ? error.message.slice(error.path.length + 2) : error.message;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

/** Parses one changeset in either key style. */
export function parseChangeset(value: unknown, path: string): Changeset {
  if (!isObject(value)) throw new DeltaFormatError(path, `changeset must be an object, got ${describe(value)}`);
  const hasV001 = V001_KEYS.some((key) => key in value);
  const hasRaw = RAW_KEYS.some((key) => key in value);
  if (hasV001 && hasRaw) throw new DeltaFormatError(path, 'mixes v0.0.1 keys (inserts/deletes) with raw keys (insert/delete)');
  if (!hasV001 && !hasRaw) {
    throw new DeltaFormatError(path, 'changeset has none of the keys inserts/deletes (v0.0.1) or insert/delete/effectiveInsert/effectiveDelete');
  }
  if (hasV001) {
    return { inserts: parseQuadList(value.inserts, `${path}.inserts`), deletes: parseQuadList(value.deletes, `${path}.deletes`) };
  }
  const changeset: Changeset = {
    inserts: parseQuadList(value.insert, `${path}.insert`),
    deletes: parseQuadList(value.delete, `${path}.delete`),
  };
  if (value.effectiveInsert !== undefined) changeset.effectiveInserts = parseQuadList(value.effectiveInsert, `${path}.effectiveInsert`);
  if (value.effectiveDelete !== undefined) changeset.effectiveDeletes = parseQuadList(value.effectiveDelete, `${path}.effectiveDelete`);
  return changeset;
}

/** Parses a whole delta message body (already JSON-decoded). */
export function parseDeltaMessage(body: unknown): Changeset[] {
  if (Array.isArray(body)) return body.map((item, index) => parseChangeset(item, `$[${index}]`));
  if (isObject(body)) {
    if ('delta' in body) {
      throw new DeltaFormatError('$.delta', 'v0.0.0-genesis bodies are not supported: set resourceFormat "v0.0.1" in the delta-notifier rule');
    }
    if ('changeSets' in body) {
      if (!Array.isArray(body.changeSets)) throw new DeltaFormatError('$.changeSets', `must be an array, got ${describe(body.changeSets)}`);
      return body.changeSets.map((item, index) => parseChangeset(item, `$.changeSets[${index}]`));
    }
  }
  throw new DeltaFormatError('$', `body must be a JSON array of changesets (delta-notifier v0.0.1), got ${describe(body)}`);
}
