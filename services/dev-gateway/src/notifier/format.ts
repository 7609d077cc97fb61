/**
 * What delta-notifier sends (http-contracts §3.4, §3.6): folding, request bodies and headers. Pure functions.
 */
import type { DeltaQuad, RawChangeset, V001Changeset } from '@delta-producer/core';
import type { DeltaEventHeaders } from './types.js';
import type { ResourceFormat } from './rules.js';

/** The changeset shape bodies are built from (raw keys; effective lists are not sent). */
export type SendableChangeset = Pick<RawChangeset, 'insert' | 'delete'>;

/**
 * `foldEffectiveChanges`: walks the changesets in order over `effectiveDelete` then `effectiveInsert`;
 * an operation cancels an earlier opposite operation on the identical quad (JSON text compare, as
 * delta-notifier does). Result: at most two changesets, deletes first. Changesets without effective
 * lists (Elixir mu-authorization) contribute nothing, so the result can be empty.
 */
export function foldEffectiveChanges(changeSets: readonly Pick<RawChangeset, 'effectiveInsert' | 'effectiveDelete'>[]): SendableChangeset[] {
  const deletes = new Map<string, DeltaQuad>();
  const inserts = new Map<string, DeltaQuad>();
  for (const changeSet of changeSets) {
    for (const q of changeSet.effectiveDelete ?? []) {
      const key = JSON.stringify(q);
      if (inserts.has(key)) inserts.delete(key);
      else deletes.set(key, q);
    }
    for (const q of changeSet.effectiveInsert ?? []) {
      const key = JSON.stringify(q);
      if (deletes.has(key)) deletes.delete(key);
      else inserts.set(key, q);
    }
  }
  const result: SendableChangeset[] = [];
  if (deletes.size > 0) result.push({ delete: [...deletes.values()], insert: [] });
  if (inserts.size > 0) result.push({ delete: [], insert: [...inserts.values()] });
  return result;
}

/** v0.0.1: one `{inserts, deletes}` per changeset, in order. */
export function toV001(changeSets: readonly SendableChangeset[]): V001Changeset[] {
  return changeSets.map((changeSet) => ({ inserts: changeSet.insert, deletes: changeSet.delete }));
}

export interface GenesisTriple {
  s: string;
  p: string;
  o: string;
}

export interface GenesisBody {
  delta: { inserts: GenesisTriple[]; deletes: GenesisTriple[] };
}

/** v0.0.0-genesis: all inserts and all deletes flattened to plain-string triples (no types, no graph). */
export function toGenesis(changeSets: readonly SendableChangeset[]): GenesisBody {
  const triple = (q: DeltaQuad): GenesisTriple => ({ s: q.subject.value, p: q.predicate.value, o: q.object.value });
  return {
    delta: {
      inserts: changeSets.flatMap((changeSet) => changeSet.insert).map(triple),
      deletes: changeSets.flatMap((changeSet) => changeSet.delete).map(triple),
    },
  };
}

/** The request body for a rule's format; undefined for a falsy format (POST without body). */
export function formatBody(format: ResourceFormat | undefined, changeSets: readonly SendableChangeset[]): string | undefined {
  switch (format) {
    case 'v0.0.1':
      return JSON.stringify(toV001(changeSets));
    case 'v0.0.0-genesis':
      return JSON.stringify(toGenesis(changeSets));
    case undefined:
      return undefined;
  }
}

/** Outcome of parsing an incoming `mu-call-id-trail`. */
export interface CallIdTrail {
  /** JSON array text: incoming trail + incoming call id. */
  value: string;
  /** Set when the incoming trail was not a JSON array of strings (it is then treated as empty). */
  problem?: string;
}

/** `mu-call-id-trail` for the delivery: incoming trail + incoming `mu-call-id` (when there is one). */
export function nextCallIdTrail(headers: Pick<DeltaEventHeaders, 'mu-call-id' | 'mu-call-id-trail'>): CallIdTrail {
  let trail: string[] = [];
  let problem: string | undefined;
  const incoming = headers['mu-call-id-trail'];
  if (incoming) {
    try {
      const parsed: unknown = JSON.parse(incoming);
      if (Array.isArray(parsed) && parsed.every((id) => typeof id === 'string')) trail = parsed as string[];
      else problem = 'not a JSON array of strings';
    } catch {
      problem = 'not valid JSON';
    }
  }
  const callId = headers['mu-call-id'];
  const value = JSON.stringify(callId ? [...trail, callId] : trail);
  return problem ? { value, problem } : { value };
}

export interface DeliveryHeaderInput {
  callId: string;
  callIdTrail: string;
  sessionId?: string | undefined;
  allowedGroups?: string | undefined;
  /** Trails of the events bundled after the first (the first one's is `callIdTrail`). */
  bundledCallIdTrails?: readonly string[] | undefined;
}

/** Headers of one attempt; each attempt gets a fresh `mu-call-id`. Undefined values are left out. */
export function deliveryHeaders(input: DeliveryHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'mu-call-id': input.callId,
    'mu-call-id-trail': input.callIdTrail,
  };
  if (input.sessionId !== undefined) headers['mu-session-id'] = input.sessionId;
  if (input.allowedGroups !== undefined) headers['mu-auth-allowed-groups'] = input.allowedGroups;
  if (input.bundledCallIdTrails && input.bundledCallIdTrails.length > 0) headers['mu-bundled-call-id-trails'] = input.bundledCallIdTrails.join(',');
  return headers;
}
