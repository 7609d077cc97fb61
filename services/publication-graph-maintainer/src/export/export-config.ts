/**
 * A stream's `export.json` (configuration-compat.md §3), read unchanged and validated strictly: every
 * problem is reported at once, each at a path such as `export[2].properties[0]` (ConfigError).
 * Legacy quirks and ignored keys become warnings (ConfigWarnings), logged once the logger exists.
 *
 * The file may be JSON or a JavaScript module exporting the object (`module.exports = {…}` or
 * `export default {…}`), as the original `require`d it.
 */
import { createRequire } from 'node:module';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import {
  booleanish,
  ConfigError,
  ConfigWarnings,
  formatConfigPath,
  integerish,
  invalidIriReason,
  iri,
  parseConfig,
  readJsonFile,
  RDF,
  type ConfigProblem,
} from '@delta-producer/core';
import { graphRegexProblem } from './graph-regex.js';

/** A configured property or path segment: `iri`, or `^iri` (inverse). */
export interface PropertyRef {
  readonly iri: string;
  readonly inverse: boolean;
}

export interface HealingOptions {
  /** Resources per page of this property's own healing query (see export-query.ts). */
  readonly queryChunkSize: number;
}

/** One validated `export` entry. */
export interface ExportEntry {
  /** Position in the file's `export` array. */
  readonly index: number;
  readonly type: string;
  /** In file order, without duplicates. */
  readonly properties: readonly PropertyRef[];
  readonly pathToConceptScheme: readonly PropertyRef[];
  /** The file's `conceptScheme`; set exactly when `pathToConceptScheme` is not empty. */
  readonly conceptScheme?: string;
  /** Graph IRIs, or regular expressions with `hasRegexGraphsFilter`. */
  readonly graphsFilter: readonly string[];
  readonly hasRegexGraphsFilter: boolean;
  readonly strictTypeExport: boolean;
  /** SPARQL group-pattern text using `?subject`; trusted configuration. */
  readonly additionalFilter?: string;
  /** Keyed by the property as written (`iri` or `^iri`). */
  readonly healingOptions: Readonly<Record<string, HealingOptions>>;
}

export interface ExportConfig {
  readonly conceptScheme?: string;
  readonly entries: readonly ExportEntry[];
}

/** `iri` or `^iri`, as written in the file. */
export function propertyKey(property: PropertyRef): string {
  return property.inverse ? `^${property.iri}` : property.iri;
}

/** Variables the query builder uses next to the additionalFilter (export-query.ts); a filter must not use them. */
export const RESERVED_VARIABLE = /^dp(TypeGraph|FilterGraph|HopGraph\d+|Hop\d+)$/;

// SPARQL VARNAME characters (PN_CHARS_U, digits, U+00B7, combining marks, U+203F–U+2040).
const SUBJECT_VARIABLE = /[?$]subject(?![\p{L}\p{N}\p{M}_\u00B7\u203F\u2040])/u;
const S_FOR_EXPORT_VARIABLE = /[?$]sForExport(?![\p{L}\p{N}\p{M}_\u00B7\u203F\u2040])/u;
const VARIABLE = /[?$]([\p{L}\p{N}_][\p{L}\p{N}\p{M}_\u00B7\u203F\u2040]*)/gu;
// IRIs and string literals, removed before looking at the syntax of a filter.
const IRIS_AND_STRINGS = /<[^<>\s]*>|"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*/g;

function addIssue(ctx: z.core.$RefinementCtx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
}

const propertyRef = z.string({ error: (issue) => (issue.input === undefined ? undefined : 'expected an IRI or ^IRI string') }).transform((value, ctx): PropertyRef => {
  const inverse = value.startsWith('^');
  const text = inverse ? value.slice(1) : value;
  const reason = invalidIriReason(text);
  if (reason !== undefined) return addIssue(ctx, inverse ? `inverse property: ${reason}` : reason);
  return { iri: text, inverse };
});

const stringList = z.array(z.string({ error: 'expected a string' }), { error: (issue) => (issue.input === undefined ? undefined : 'expected an array of strings') });

/** Why an additionalFilter cannot be spliced into the export queries, or undefined. */
export function additionalFilterProblem(text: string): string | undefined {
  const syntax = text.replace(IRIS_AND_STRINGS, ' ');
  if (!SUBJECT_VARIABLE.test(syntax)) return 'must use ?subject for the exported resource (it is bound to each resource in turn)';
  let depth = 0;
  for (const character of syntax) {
    if (character === '{') depth += 1;
    if (character === '}') depth -= 1;
    if (depth < 0) return 'has a "}" without a matching "{": it would close the query\'s own group';
  }
  if (depth !== 0) return 'has a "{" without a matching "}"';
  const reserved = [...syntax.matchAll(VARIABLE)].map((match) => match[1]!).find((name) => RESERVED_VARIABLE.test(name));
  if (reserved !== undefined) return `uses ?${reserved}, a variable name reserved for the export queries; rename it`;
  return undefined;
}

const entrySchema = z.object({
  type: iri,
  properties: z.array(propertyRef, { error: (issue) => (issue.input === undefined ? undefined : 'expected an array of IRI or ^IRI strings') }).min(1, 'must list at least one property'),
  pathToConceptScheme: z.array(propertyRef, { error: 'expected an array of IRI or ^IRI strings' }).default([]),
  graphsFilter: stringList.default([]),
  hasRegexGraphsFilter: booleanish.default(false),
  strictTypeExport: booleanish.default(false),
  additionalFilter: z.string({ error: 'expected a string of SPARQL group-pattern text' }).optional(),
  healingOptions: z
    .record(
      z.string(),
      z.object({ queryChunkSize: integerish({ min: 1 }) }, { error: 'expected an object such as {"queryChunkSize": 10000}' }),
      { error: 'expected an object keyed by property IRI' },
    )
    .default({}),
});

const fileSchema = z.object(
  {
    conceptScheme: iri.optional(),
    export: z.array(z.unknown(), { error: (issue) => (issue.input === undefined ? undefined : 'expected an array of export entries') }).min(1, 'must contain at least one export entry'),
  },
  { error: 'expected an object with "export" (and "conceptScheme")' },
);

const ENTRY_KEYS = new Set(Object.keys(entrySchema.shape));
const FILE_KEYS = new Set(Object.keys(fileSchema.shape));
const BOOLEAN_KEYS = ['hasRegexGraphsFilter', 'strictTypeExport'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The raw value read as the maintainer's booleans are: true only for `true` / `"true"`. */
function legacyBoolean(value: unknown): boolean {
  return value === true || value === 'true';
}

function keyWarnings(raw: Record<string, unknown>, known: Set<string>, at: (key: string) => string, warnings: ConfigWarnings): void {
  for (const key of Object.keys(raw)) {
    if (known.has(key)) continue;
    const message = key === 'prefixes' ? 'is ignored: export configs write every IRI in full (prefixes are not supported)' : 'is not a known key and is ignored';
    warnings.add({ path: at(key), message });
  }
}

/** Checks that need several keys of a raw entry (zod object refinements would stop at the first bad key). */
function entryProblems(raw: Record<string, unknown>, at: (...segments: PropertyKey[]) => string, warnings: ConfigWarnings): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const regexMode = raw.hasRegexGraphsFilter === true || (typeof raw.hasRegexGraphsFilter === 'string' && raw.hasRegexGraphsFilter.trim().toLowerCase() === 'true');
  if (Array.isArray(raw.graphsFilter)) {
    raw.graphsFilter.forEach((value, index) => {
      if (typeof value !== 'string') return;
      if (regexMode) {
        const problem = graphRegexProblem(value);
        if (problem) problems.push({ path: at('graphsFilter', index), message: `regular expression ${JSON.stringify(value)} ${problem.startsWith('is ') ? problem : `cannot be used: ${problem}`}` });
        return;
      }
      const reason = invalidIriReason(value);
      if (reason !== undefined) problems.push({ path: at('graphsFilter', index), message: `${reason} (set "hasRegexGraphsFilter": true to use regular expressions)` });
      else if (/\.\*|\.\+/.test(value)) warnings.add({ path: at('graphsFilter', index), message: `looks like a regular expression but "hasRegexGraphsFilter" is not true: it is compared as a graph IRI, literally` });
    });
  }
  if (typeof raw.additionalFilter === 'string') {
    if (raw.additionalFilter.trim() !== '') {
      const problem = additionalFilterProblem(raw.additionalFilter);
      if (problem) problems.push({ path: at('additionalFilter'), message: problem });
      if (S_FOR_EXPORT_VARIABLE.test(raw.additionalFilter)) {
        warnings.add({ path: at('additionalFilter'), message: 'mentions ?sForExport (as old README examples do): that variable is not bound to the resource; only ?subject is' });
      }
    } else {
      warnings.add({ path: at('additionalFilter'), message: 'is empty and is ignored (as the lblod maintainer did)' });
    }
  }
  for (const key of BOOLEAN_KEYS) {
    const value = raw[key];
    if (typeof value !== 'string') continue;
    const word = value.trim().toLowerCase();
    if ((word === 'true' || word === 'false') && legacyBoolean(value) !== (word === 'true')) {
      warnings.add({ path: at(key), message: `is the string ${JSON.stringify(value)}: the lblod maintainer read only true/"true" as true (so this was false there); read as ${word}` });
    }
  }
  return problems;
}

function healingOptionWarnings(raw: Record<string, unknown>, entry: { properties: readonly PropertyRef[] }, at: (...segments: PropertyKey[]) => string, warnings: ConfigWarnings, problems: ConfigProblem[]): void {
  if (!isRecord(raw.healingOptions)) return;
  const configured = new Set([RDF.type, ...entry.properties.map(propertyKey)]);
  for (const [key, options] of Object.entries(raw.healingOptions)) {
    const text = key.startsWith('^') ? key.slice(1) : key;
    const reason = invalidIriReason(text);
    if (reason !== undefined) {
      problems.push({ path: at('healingOptions', key), message: `key must be a property IRI (or ^IRI): ${reason}` });
      continue;
    }
    if (!configured.has(key)) warnings.add({ path: at('healingOptions', key), message: 'names a property that the entry does not export; it has no effect' });
    if (isRecord(options)) {
      for (const optionKey of Object.keys(options)) {
        if (optionKey !== 'queryChunkSize') warnings.add({ path: at('healingOptions', key, optionKey), message: 'is not a known healing option and is ignored' });
      }
    }
  }
}

function dedupeProperties(properties: readonly PropertyRef[], at: (index: number) => string, warnings: ConfigWarnings): PropertyRef[] {
  const seen = new Set<string>();
  const result: PropertyRef[] = [];
  properties.forEach((property, index) => {
    const key = propertyKey(property);
    if (seen.has(key)) warnings.add({ path: at(index), message: `repeats ${key}; listed once` });
    else result.push(property);
    seen.add(key);
  });
  return result;
}

function problemsOf(run: () => unknown): { problems: ConfigProblem[]; value?: unknown } {
  try {
    return { problems: [], value: run() };
  } catch (error) {
    if (error instanceof ConfigError) return { problems: [...error.problems] };
    throw error;
  }
}

export interface ParseExportConfigOptions {
  warnings?: ConfigWarnings;
  /** Put in front of every problem and warning path, e.g. the stream name. */
  pathPrefix?: string;
}

/**
 * Validates an export configuration object.
 * @throws ConfigError listing every problem.
 */
export function parseExportConfig(raw: unknown, options: ParseExportConfigOptions = {}): ExportConfig {
  const warnings = options.warnings ?? new ConfigWarnings();
  const prefix = options.pathPrefix;
  const at = (...segments: PropertyKey[]) => formatConfigPath(segments, prefix);
  const file = problemsOf(() => parseConfig(fileSchema, raw, { pathPrefix: prefix }));
  const problems = [...file.problems];
  const entries: ExportEntry[] = [];
  const rawEntries = isRecord(raw) && Array.isArray(raw.export) ? raw.export : [];
  if (isRecord(raw)) keyWarnings(raw, FILE_KEYS, (key) => at(key), warnings);

  const conceptSchemeProblem = problems.some((problem) => problem.path === at('conceptScheme'));
  const conceptScheme = isRecord(raw) && typeof raw.conceptScheme === 'string' && !conceptSchemeProblem ? raw.conceptScheme : undefined;
  const needsScheme: number[] = [];

  rawEntries.forEach((rawEntry, index) => {
    const entryAt = (...segments: PropertyKey[]) => at('export', index, ...segments);
    if (!isRecord(rawEntry)) {
      problems.push({ path: entryAt(), message: 'expected an object with "type" and "properties"' });
      return;
    }
    keyWarnings(rawEntry, ENTRY_KEYS, (key) => entryAt(key), warnings);
    const parsed = problemsOf(() => parseConfig(entrySchema, rawEntry, { pathPrefix: entryAt() }));
    problems.push(...parsed.problems);
    problems.push(...entryProblems(rawEntry, entryAt, warnings));
    if (Array.isArray(rawEntry.pathToConceptScheme) && rawEntry.pathToConceptScheme.length > 0) needsScheme.push(index);
    if (parsed.value === undefined) return;
    const value = parsed.value as z.output<typeof entrySchema>;
    const properties = dedupeProperties(value.properties, (propertyIndex) => entryAt('properties', propertyIndex), warnings);
    healingOptionWarnings(rawEntry, { properties }, entryAt, warnings, problems);
    const additionalFilter = value.additionalFilter?.trim() ? value.additionalFilter : undefined;
    entries.push({
      index,
      type: value.type,
      properties,
      pathToConceptScheme: value.pathToConceptScheme,
      ...(value.pathToConceptScheme.length > 0 && conceptScheme !== undefined ? { conceptScheme } : {}),
      graphsFilter: value.graphsFilter,
      hasRegexGraphsFilter: value.hasRegexGraphsFilter,
      strictTypeExport: value.strictTypeExport,
      ...(additionalFilter !== undefined ? { additionalFilter } : {}),
      healingOptions: Object.fromEntries(Object.entries(value.healingOptions).map(([key, options]) => [key, { queryChunkSize: options.queryChunkSize }])),
    });
  });

  if (needsScheme.length > 0 && conceptScheme === undefined && !conceptSchemeProblem) {
    const users = needsScheme.map((index) => at('export', index, 'pathToConceptScheme')).join(', ');
    problems.push({ path: at('conceptScheme'), message: `required: ${users} ${needsScheme.length === 1 ? 'is' : 'are'} not empty` });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...(conceptScheme !== undefined ? { conceptScheme } : {}), entries };
}

const JS_EXTENSIONS = new Set(['.js', '.cjs', '.mjs']);

function exportedObject(moduleValue: unknown): unknown {
  if (isRecord(moduleValue) && 'default' in moduleValue && !('export' in moduleValue)) return moduleValue.default;
  return moduleValue;
}

function isEsmSyntaxError(error: unknown): boolean {
  // By name: an error from another realm (a test runner's vm context) is not `instanceof Error`.
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  return name === 'SyntaxError' && typeof message === 'string' && /import statement|export|import\.meta|await is only valid/i.test(message);
}

/** Loads a JavaScript config module the way `require` would, falling back to ES module loading. */
async function loadModule(filePath: string): Promise<unknown> {
  const absolute = resolve(filePath);
  const extension = extname(absolute);
  if (extension === '.mjs') return exportedObject(await import(pathToFileURL(absolute).href));
  try {
    return exportedObject(createRequire(import.meta.url)(absolute));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_REQUIRE_ESM') return exportedObject(await import(pathToFileURL(absolute).href));
    if (!isEsmSyntaxError(error)) throw error;
  }
  // ES module syntax in a `.js` file outside a "type": "module" package: load a `.mjs` copy.
  const directory = mkdtempSync(join(tmpdir(), 'export-config-'));
  try {
    const copy = join(directory, `${basename(absolute, extension)}.mjs`);
    copyFileSync(absolute, copy);
    return exportedObject(await import(pathToFileURL(copy).href));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Reads and validates an export config file: JSON, or a `.js`/`.cjs`/`.mjs` module exporting the object.
 * @throws ConfigError naming the file (missing, unreadable, invalid JSON, module error) or every problem.
 */
export async function loadExportConfig(filePath: string, options: ParseExportConfigOptions = {}): Promise<ExportConfig> {
  let raw: unknown;
  if (JS_EXTENSIONS.has(extname(filePath))) {
    try {
      raw = await loadModule(filePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND' ? 'file not found' : `cannot load the module: ${(error as Error).message}`;
      throw new ConfigError([{ path: filePath, message }], { cause: error });
    }
  } else {
    raw = readJsonFile(filePath);
  }
  return parseExportConfig(raw, options);
}
