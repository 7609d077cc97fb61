/**
 * Delta message shapes (http-contracts §2, §3.6).
 * - Raw changeset: what mu-authorization (sparql-parser) sends delta-notifier, and what the dev-gateway emits.
 * - v0.0.1 changeset: what delta-notifier POSTs to services (`resourceFormat: "v0.0.1"`).
 * - Changeset: the parsed, validated form services work with (RDF/JS quads).
 */
import type { Quad } from '@rdfjs/types';
import type { DeltaTerm, JsonQuad } from '../rdf/terms.js';

export type DeltaQuad = JsonQuad<DeltaTerm> & { graph: DeltaTerm };

/** One changeset of a raw mu-authorization message (`{"changeSets":[…]}`), sparql-parser keys. */
export interface RawChangeset {
  insert: DeltaQuad[];
  delete: DeltaQuad[];
  /** sparql-parser only: quads that really changed. Absent when emulating the Elixir mu-authorization. */
  effectiveInsert?: DeltaQuad[];
  effectiveDelete?: DeltaQuad[];
  allowedGroups?: string;
  origin?: string;
  sequenceId?: number;
  scope?: string;
  'call-scope'?: string[];
}

export interface RawDeltaMessage {
  changeSets: RawChangeset[];
}

/** One element of a delta-notifier v0.0.1 body. */
export interface V001Changeset {
  inserts: DeltaQuad[];
  deletes: DeltaQuad[];
}

/** A validated changeset. Effective lists are present only when the sender reported them. */
export interface Changeset {
  inserts: Quad[];
  deletes: Quad[];
  effectiveInserts?: Quad[];
  effectiveDeletes?: Quad[];
}
