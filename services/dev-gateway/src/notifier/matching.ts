/**
 * Which changesets of an event a rule receives (http-contracts §3.3, §3.5). Pure functions.
 *
 * Order per rule and event, as in delta-notifier: scope filter (whole event) → origin filter
 * (per changeset) → match on the union of `insert` and `delete` of the surviving changesets (never the
 * effective lists). When any quad matches, all surviving changesets are sent.
 */
import type { DeltaQuad, RawChangeset } from '@delta-producer/core';
import type { DeltaEventHeaders } from './types.js';
import { QUAD_POSITIONS, type MatchSpec, type RuleOptions } from './rules.js';

/**
 * The scope of an event's changesets: header `mu-call-scope-id` (Elixir service-roam image), else
 * `mu-auth-scope` (sparql-parser). Undefined when neither was sent.
 */
export function resolveScope(headers: DeltaEventHeaders): string | undefined {
  return headers['mu-call-scope-id'] || headers['mu-auth-scope'] || undefined;
}

/**
 * cecemel fork semantics: with `optInMuScopeIds` the event passes only when its scope is listed; else
 * with `optOutMuScopeIds` it is dropped when listed. No scope → no filtering.
 */
export function passesScopeFilter(options: Pick<RuleOptions, 'optInMuScopeIds' | 'optOutMuScopeIds'>, scope: string | undefined): boolean {
  if (scope === undefined) return true;
  if (options.optInMuScopeIds) return options.optInMuScopeIds.includes(scope);
  if (options.optOutMuScopeIds) return !options.optOutMuScopeIds.includes(scope);
  return true;
}

/** `::ffff:127.0.0.1` (an IPv4-mapped IPv6 socket address) → `127.0.0.1`. */
export function normalizeOrigin(origin: string | undefined): string | undefined {
  return origin?.startsWith('::ffff:') ? origin.slice('::ffff:'.length) : origin;
}

/**
 * `ignoreFromSelf`: drops the changesets whose `origin` is the callback host's IPv4 address.
 * `selfAddress` undefined (DNS failed) keeps everything (fail open).
 */
export function filterFromSelf<T extends Pick<RawChangeset, 'origin'>>(changeSets: readonly T[], selfAddress: string | undefined): T[] {
  if (selfAddress === undefined) return [...changeSets];
  return changeSets.filter((changeSet) => normalizeOrigin(changeSet.origin) !== selfAddress);
}

/** Strict equality on every key the spec names; absent positions and keys match anything. */
export function quadMatchesSpec(quad: DeltaQuad, spec: MatchSpec): boolean {
  for (const position of QUAD_POSITIONS) {
    const termSpec = spec[position];
    if (termSpec === undefined) continue;
    const term = quad[position] as Record<string, unknown> | undefined;
    if (term === undefined) return false;
    for (const [key, expected] of Object.entries(termSpec)) {
      if (term[key] !== expected) return false;
    }
  }
  return true;
}

/** True when a quad of `insert` or `delete` of any changeset matches (effective lists are not looked at). */
export function changeSetsMatch(changeSets: readonly Pick<RawChangeset, 'insert' | 'delete'>[], spec: MatchSpec): boolean {
  return changeSets.some((changeSet) => changeSet.insert.some((q) => quadMatchesSpec(q, spec)) || changeSet.delete.some((q) => quadMatchesSpec(q, spec)));
}

/** Missing `insert`/`delete` lists become `[]`, as delta-notifier does on receipt. */
export function normalizeChangeSets(changeSets: readonly RawChangeset[]): RawChangeset[] {
  return changeSets.map((changeSet) => ({ ...changeSet, insert: changeSet.insert ?? [], delete: changeSet.delete ?? [] }));
}
