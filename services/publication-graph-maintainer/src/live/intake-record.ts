/**
 * The payload of one intake-log record: the validated changesets of one `POST /delta` body, in the
 * delta-notifier v0.0.1 form (`inserts`/`deletes` of SPARQL-JSON quads), with sparql-parser's effective
 * lists kept when the sender reported them. Blank-node terms (which core's quadToJson refuses) are kept
 * as `{"type":"bnode"}` terms: the live path never exports them, but the IRI on the other side of such
 * a triple may still be affected.
 */
import { quadFromJson, termToJson, type Changeset, type Quad, type Term } from '@delta-producer/core';

export const INTAKE_RECORD_VERSION = 1;

export interface IntakeJsonTerm {
  type: string;
  value: string;
  datatype?: string;
  'xml:lang'?: string;
}

export interface IntakeJsonQuad {
  subject: IntakeJsonTerm;
  predicate: IntakeJsonTerm;
  object: IntakeJsonTerm;
  graph: IntakeJsonTerm;
}

export interface IntakeJsonChangeset {
  inserts: IntakeJsonQuad[];
  deletes: IntakeJsonQuad[];
  effectiveInserts?: IntakeJsonQuad[];
  effectiveDeletes?: IntakeJsonQuad[];
}

export interface IntakeRecord {
  v: typeof INTAKE_RECORD_VERSION;
  /** `mu-call-id` of the delivery, for logs. */
  callId?: string;
  changesets: IntakeJsonChangeset[];
}

export class IntakeRecordError extends Error {
  override readonly name = 'IntakeRecordError';
}

function termJson(term: Term): IntakeJsonTerm {
  if (term.termType === 'BlankNode') return { type: 'bnode', value: term.value };
  return termToJson(term) as IntakeJsonTerm;
}

function quadJson(q: Quad): IntakeJsonQuad {
  return { subject: termJson(q.subject), predicate: termJson(q.predicate), object: termJson(q.object), graph: termJson(q.graph) };
}

/** Quads of a changeset list, all of them (requested and effective). */
export function changesetQuadCount(changesets: readonly Changeset[]): number {
  return changesets.reduce(
    (sum, changeset) => sum + changeset.inserts.length + changeset.deletes.length + (changeset.effectiveInserts?.length ?? 0) + (changeset.effectiveDeletes?.length ?? 0),
    0,
  );
}

export function encodeIntakeRecord(changesets: readonly Changeset[], callId?: string): IntakeRecord {
  const record: IntakeRecord = {
    v: INTAKE_RECORD_VERSION,
    changesets: changesets.map((changeset) => {
      const json: IntakeJsonChangeset = { inserts: changeset.inserts.map(quadJson), deletes: changeset.deletes.map(quadJson) };
      if (changeset.effectiveInserts !== undefined) json.effectiveInserts = changeset.effectiveInserts.map(quadJson);
      if (changeset.effectiveDeletes !== undefined) json.effectiveDeletes = changeset.effectiveDeletes.map(quadJson);
      return json;
    }),
  };
  if (callId !== undefined && callId !== '') record.callId = callId;
  return record;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readQuads(value: unknown, path: string): Quad[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new IntakeRecordError(`${path} is not an array`);
  return value.map((item, index) => quadFromJson(item, `${path}[${index}]`));
}

/** The changesets of an intake record (IntakeRecordError when the payload is not one). */
export function decodeIntakeRecord(payload: unknown): { changesets: Changeset[]; callId?: string } {
  if (!isObject(payload) || payload.v !== INTAKE_RECORD_VERSION || !Array.isArray(payload.changesets)) {
    throw new IntakeRecordError(`not an intake record of version ${INTAKE_RECORD_VERSION}`);
  }
  const changesets = payload.changesets.map((item: unknown, index): Changeset => {
    if (!isObject(item)) throw new IntakeRecordError(`changesets[${index}] is not an object`);
    const changeset: Changeset = { inserts: readQuads(item.inserts, `changesets[${index}].inserts`), deletes: readQuads(item.deletes, `changesets[${index}].deletes`) };
    if (item.effectiveInserts !== undefined) changeset.effectiveInserts = readQuads(item.effectiveInserts, `changesets[${index}].effectiveInserts`);
    if (item.effectiveDeletes !== undefined) changeset.effectiveDeletes = readQuads(item.effectiveDeletes, `changesets[${index}].effectiveDeletes`);
    return changeset;
  });
  return typeof payload.callId === 'string' ? { changesets, callId: payload.callId } : { changesets };
}

/**
 * The quads whose resources the live path looks at: the requested inserts and deletes of every
 * changeset, plus the effective lists (normally a subset). Effective lists are never trusted as
 * complete, and Elixir deltas (no effective lists, not effective) are hints: the store is read anyway.
 */
export function changedQuads(changesets: readonly Changeset[]): Quad[] {
  const quads: Quad[] = [];
  for (const changeset of changesets) {
    quads.push(...changeset.inserts, ...changeset.deletes);
    if (changeset.effectiveInserts) quads.push(...changeset.effectiveInserts);
    if (changeset.effectiveDeletes) quads.push(...changeset.effectiveDeletes);
  }
  return quads;
}
