import { z } from 'zod';

/*
 * Schemas for single config values, written the way the mu-semtech ecosystem writes them in
 * docker-compose files and JSON configs: booleans and numbers often arrive as strings.
 * Each schema rejects with a message that shows the offending value.
 */

type RefinementContext = z.core.$RefinementCtx;

/** Describes a value for a message: strings quoted, other types named. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'an empty string' : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Message for a value of the wrong type; `undefined` leaves a missing value to the "required" message. */
function wrongType(expected: string) {
  return (issue: { input?: unknown }): string | undefined =>
    issue.input === undefined ? undefined : `expected ${expected}, got ${describeValue(issue.input)}`;
}

function reject(ctx: RefinementContext, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
}

/** `true`, `false`, or those words as strings (any case, surrounding whitespace ignored). */
export const booleanish = z
  .union([z.boolean(), z.string()], { error: wrongType('true or false') })
  .transform((value, ctx): boolean => {
    if (typeof value === 'boolean') return value;
    const word = value.trim().toLowerCase();
    if (word === 'true') return true;
    if (word === 'false') return false;
    return reject(ctx, `expected true or false, got ${describeValue(value)}`);
  });

// Plain decimal notation only: no units ("1000ms"), hex, or words like "Infinity".
const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toFiniteNumber(value: number | string, ctx: RefinementContext): number | undefined {
  if (typeof value === 'number') return value; // z.number() already rejected NaN and ±Infinity
  const text = value.trim();
  if (DECIMAL_NUMBER.test(text)) {
    const parsed = Number(text);
    if (Number.isFinite(parsed)) return parsed;
  }
  reject(ctx, `expected a number, got ${describeValue(value)}`);
  return undefined;
}

const numberOrString = z.union([z.number(), z.string()], { error: wrongType('a number') });

/** A finite number, or a string holding one in decimal notation. 0 is a value like any other. */
export const numberish = numberOrString.transform((value, ctx): number => toFiniteNumber(value, ctx) ?? z.NEVER);

export interface IntegerBounds {
  min?: number;
  max?: number;
}

/** Like {@link numberish}, but the number must be an integer within the inclusive bounds. */
export function integerish(bounds: IntegerBounds = {}) {
  return numberOrString.transform((value, ctx): number => {
    const parsed = toFiniteNumber(value, ctx);
    if (parsed === undefined) return z.NEVER;
    if (!Number.isInteger(parsed)) return reject(ctx, `expected an integer, got ${describeValue(value)}`);
    if (bounds.min !== undefined && parsed < bounds.min) return reject(ctx, `must be at least ${bounds.min}, got ${parsed}`);
    if (bounds.max !== undefined && parsed > bounds.max) return reject(ctx, `must be at most ${bounds.max}, got ${parsed}`);
    return parsed;
  });
}

const BYTE_UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
const BYTE_SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i;

/**
 * A size in bytes: a number, or a string such as `"100kb"` or `"10mb"` (units are powers of 1024,
 * as in the `bytes` package that body-parser uses). Produces the number of bytes.
 */
export const byteSize = numberOrString.transform((value, ctx): number => {
  const bytes = parseByteSize(value);
  if (bytes === undefined) return reject(ctx, `expected a size in bytes such as 1024, "100kb" or "10mb", got ${describeValue(value)}`);
  return bytes;
});

function parseByteSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const match = BYTE_SIZE.exec(value.trim());
  if (match === null) return undefined;
  const unit = BYTE_UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1;
  return Math.floor(Number(match[1]) * unit);
}

/** A string with at least one non-whitespace character. */
export const nonEmptyString = z
  .string({ error: wrongType('a string') })
  .refine((value) => value.trim() !== '', { message: 'must not be empty' });

const PATH_SEGMENT_CHARACTER = /[A-Za-z0-9._-]/;

/** A name that can stand as one URL path segment unescaped: letters, digits, `-`, `_`, `.`; not `.` or `..`. */
export const urlPathSegment = z.string({ error: wrongType('a string') }).superRefine((value, ctx) => {
  const bad = [...value].find((character) => !PATH_SEGMENT_CHARACTER.test(character));
  if (value === '') reject(ctx, 'must not be empty');
  else if (value === '.' || value === '..') reject(ctx, `must not be ${JSON.stringify(value)}: it would be read as a relative path`);
  else if (bad !== undefined) reject(ctx, `contains ${describeCharacter(bad)}; only letters, digits, '-', '_' and '.' are allowed`);
});

/** An absolute http: or https: URL, kept as written. */
export const httpUrl = z.string({ error: wrongType('an http(s) URL') }).superRefine((value, ctx) => {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    reject(ctx, `expected an absolute http(s) URL, got ${describeValue(value)}`);
  }
});

// SPARQL 1.1 IRIREF: '<' ([^<>"{}|^`\]-[#x00-#x20])* '>'
const FORBIDDEN_IN_IRIREF = new Set(['<', '>', '"', '{', '}', '|', '^', '`', '\\']);
const IRI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

const CONTROL_CHARACTER_NAMES: Readonly<Record<string, string>> = {
  ' ': 'a space',
  '\t': 'a tab',
  '\n': 'a line feed',
  '\r': 'a carriage return',
  '\0': 'a NUL character',
};

/** Names a character for a message: `'>'`, or `a line feed (U+000A)` for invisible ones. */
export function describeCharacter(character: string): string {
  const codePoint = character.codePointAt(0) ?? 0;
  if (codePoint > 0x20) return `'${character}'`;
  const unicode = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  return `${CONTROL_CHARACTER_NAMES[character] ?? 'a control character'} (${unicode})`;
}

/**
 * Why `value` cannot be written as a SPARQL IRIREF with a scheme, or `undefined` when it can.
 * Lists each offending character once, with the index of its first occurrence.
 */
export function invalidIriReason(value: string): string | undefined {
  if (value === '') return 'expected an absolute IRI, got an empty string';
  const firstIndexOfBad = new Map<string, number>();
  let index = 0;
  for (const character of value) {
    const isForbidden = FORBIDDEN_IN_IRIREF.has(character) || (character.codePointAt(0) ?? 0) <= 0x20;
    if (isForbidden && !firstIndexOfBad.has(character)) firstIndexOfBad.set(character, index);
    index += character.length;
  }
  if (firstIndexOfBad.size > 0) {
    const listed = [...firstIndexOfBad].map(([character, at]) => `${describeCharacter(character)} at index ${at}`);
    return `IRI ${JSON.stringify(value)} contains characters not allowed in a SPARQL IRI: ${listed.join(', ')}`;
  }
  if (!IRI_SCHEME.test(value)) return `expected an absolute IRI (starting with a scheme such as "http:"), got ${JSON.stringify(value)}`;
  return undefined;
}

/** An absolute IRI that can be written between `<` and `>` in a SPARQL query unescaped. */
export const iri = z.string({ error: wrongType('an IRI string') }).superRefine((value, ctx) => {
  const reason = invalidIriReason(value);
  if (reason !== undefined) reject(ctx, reason);
});
