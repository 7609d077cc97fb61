/**
 * Value schemas and legacy-quirk checks of the maintainer's configuration (configuration-compat.md §0,
 * §2). The generic schemas (booleanish, integerish, iri, …) come from core; these add what only the
 * maintainer needs: HTTP route paths, folders, and the maintainer's own readings of booleans and
 * integers, so a warning can say exactly where the lblod service read a value differently.
 */
import { z } from 'zod';
import { describeValue, integerish, type ConfigWarning } from '@delta-producer/core';

/** Routes the service registers itself; a stream's filesPath or loginPath must not take them. */
export const RESERVED_ROUTES: readonly string[] = ['/delta', '/health', '/ready', '/metrics'];

const ROUTE_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * An HTTP route path such as `/organizations/files`: starts with `/`, segments of letters, digits and
 * `-._~` (nothing Express would read as a parameter or wildcard), no `.`/`..` segments, no `//`.
 * A trailing `/` is dropped: the route answers both forms (http-contracts §6).
 */
export const routePath = z.string({ error: (issue) => (issue.input === undefined ? undefined : `expected a path such as "/stream/files", got ${describeValue(issue.input)}`) }).transform((value, ctx) => {
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message, input: value });
    return z.NEVER;
  };
  if (!value.startsWith('/')) return fail(`must start with "/", got ${JSON.stringify(value)}`);
  const path = value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
  if (path === '/') return fail('must not be the root path "/"');
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '') return fail(`must not contain an empty segment ("//"), got ${JSON.stringify(value)}`);
    if (segment === '.' || segment === '..') return fail(`must not contain a "${segment}" segment, got ${JSON.stringify(value)}`);
    if (!ROUTE_SEGMENT.test(segment)) return fail(`segment ${JSON.stringify(segment)} may only hold letters, digits, '-', '.', '_' and '~', got ${JSON.stringify(value)}`);
  }
  if (RESERVED_ROUTES.includes(path)) return fail(`${path} is a route of the service itself`);
  return path;
});

/** An absolute filesystem folder without `..` segments (DATA_DIR, SHARE_DIR). */
export const absoluteFolder = z.string().transform((value, ctx) => {
  if (!value.startsWith('/')) {
    ctx.addIssue({ code: 'custom', message: `must be an absolute path, got ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  if (value.split('/').includes('..')) {
    ctx.addIssue({ code: 'custom', message: `must not contain "..", got ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  return value.length > 1 ? value.replace(/\/+$/, '') : value;
});

/**
 * A non-negative integer for a key where 0 is not a usable value (a batch or page size): 0 reads as
 * `legacyDefault`, as the lblod service's `parseInt(…) || default` did; {@link zeroTakesDefaultQuirk}
 * warns about it.
 */
export function sizeWithLegacyZero(legacyDefault: number) {
  return integerish({ min: 0 }).transform((value) => (value === 0 ? legacyDefault : value));
}

/** The key's value was 0, which is not a usable size: the default is used, as the lblod service did. */
export function zeroTakesDefaultQuirk(path: string, rawValue: unknown, legacyDefault: number): ConfigWarning | undefined {
  const isZero = rawValue === 0 || (typeof rawValue === 'string' && rawValue.trim() !== '' && Number(rawValue) === 0);
  if (!isZero) return undefined;
  return { path, message: `is 0, which is not a usable size: using the default ${legacyDefault}, as the lblod service did` };
}

/** How the lblod maintainer read a boolean key or flag (configuration-compat.md §0). */
export type LegacyBooleanReading =
  /** `=== true || === 'true'`: services.json booleans. */
  | 'trueOrStringTrue'
  /** `!== false && !== 'false'`: `waitForInitialSync`. */
  | 'unlessFalse'
  /** `=== 'true'`: env flags (`LOG_*`, `PRETTY_PRINT_DIFF_JSON`). */
  | 'exactStringTrue';

function legacyBoolean(rawValue: unknown, reading: LegacyBooleanReading): boolean {
  switch (reading) {
    case 'trueOrStringTrue':
      return rawValue === true || rawValue === 'true';
    case 'unlessFalse':
      return rawValue !== false && rawValue !== 'false';
    case 'exactStringTrue':
      return rawValue === 'true';
  }
}

/** Our reading of an accepted boolean value (booleanish), or undefined when it is not one. */
function suiteBoolean(rawValue: unknown): boolean | undefined {
  if (typeof rawValue === 'boolean') return rawValue;
  if (typeof rawValue !== 'string') return undefined;
  const word = rawValue.trim().toLowerCase();
  return word === 'true' ? true : word === 'false' ? false : undefined;
}

/**
 * A warning when the lblod maintainer would have read `rawValue` differently from this suite (e.g.
 * `"True"`: false there, true here). Values this suite rejects get a problem instead, not a warning.
 */
export function legacyBooleanQuirk(path: string, rawValue: unknown, reading: LegacyBooleanReading): ConfigWarning | undefined {
  if (rawValue === undefined) return undefined;
  const ours = suiteBoolean(rawValue);
  if (ours === undefined) return undefined;
  const theirs = legacyBoolean(rawValue, reading);
  if (ours === theirs) return undefined;
  return { path, message: `is ${describeValue(rawValue)}: the lblod service would have read it as ${theirs}; read as ${ours}` };
}
