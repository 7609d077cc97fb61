/**
 * Raw changesets (http-contracts §2) from the outcome of each operation of an update.
 *
 * - `effective` mode (sparql-parser): one changeset per operation with `insert`, `delete`,
 *   `effectiveInsert`, `effectiveDelete` and an increasing `sequenceId`; published only when `insert`
 *   or `delete` is non-empty.
 * - `elixir` mode (Elixir mu-authorization): requested quads only, one changeset per non-empty delete or
 *   insert part in query order (a DELETE/INSERT gives a delete changeset, then an insert changeset);
 *   no effective lists, no sequenceId, `call-scope` from `mu-call-scope-id` (service-roam image).
 *
 * Quads with a blank node (bound from data inserted on the direct endpoint) cannot be written as delta
 * terms; they are left out of the changesets and counted in `omitted`.
 */
import { quadToJson, type DeltaQuad, type RawChangeset } from '@delta-producer/core';
import type { Quad } from '@rdfjs/types';
import type { EffectiveChanges, RequestedChanges } from './planner.js';

export type DeltaMode = 'effective' | 'elixir';

export interface OperationOutcome {
  requested: RequestedChanges;
  effective: EffectiveChanges;
}

export interface ChangesetMetadata {
  /** `"sudo"` or the `mu-auth-allowed-groups` header. */
  allowedGroups?: string;
  origin?: string;
  /** `mu-auth-scope` (effective mode). */
  scope?: string;
  /** `mu-call-scope-id` (elixir mode, as `call-scope`). */
  callScope?: string;
}

export interface BuiltChangesets {
  changeSets: RawChangeset[];
  /** Quads left out because they hold a blank node. */
  omitted: number;
}

export function buildChangesets(mode: DeltaMode, outcomes: readonly OperationOutcome[], metadata: ChangesetMetadata, nextSequenceId: () => number): BuiltChangesets {
  let omitted = 0;
  const toDelta = (quads: readonly Quad[]): DeltaQuad[] => {
    const result: DeltaQuad[] = [];
    for (const q of quads) {
      if (q.subject.termType === 'BlankNode' || q.object.termType === 'BlankNode' || q.graph.termType !== 'NamedNode') {
        omitted++;
        continue;
      }
      result.push(quadToJson(q) as DeltaQuad);
    }
    return result;
  };
  const common = (): Partial<RawChangeset> => {
    const fields: Partial<RawChangeset> = {};
    if (metadata.allowedGroups !== undefined) fields.allowedGroups = metadata.allowedGroups;
    if (metadata.origin !== undefined) fields.origin = metadata.origin;
    return fields;
  };

  const changeSets: RawChangeset[] = [];
  for (const outcome of outcomes) {
    const inserts = toDelta(outcome.requested.inserts);
    const deletes = toDelta(outcome.requested.deletes);
    if (mode === 'elixir') {
      const extra: Partial<RawChangeset> = common();
      if (metadata.callScope !== undefined) extra['call-scope'] = [metadata.callScope];
      if (deletes.length > 0) changeSets.push({ insert: [], delete: deletes, ...extra });
      if (inserts.length > 0) changeSets.push({ insert: inserts, delete: [], ...extra });
      continue;
    }
    const effectiveInsert = toDelta(outcome.effective.inserts);
    const effectiveDelete = toDelta(outcome.effective.deletes);
    if (inserts.length === 0 && deletes.length === 0) continue;
    const changeSet: RawChangeset = { insert: inserts, delete: deletes, effectiveInsert, effectiveDelete, ...common(), sequenceId: nextSequenceId() };
    if (metadata.scope !== undefined) changeSet.scope = metadata.scope;
    changeSets.push(changeSet);
  }
  return { changeSets, omitted };
}
