/**
 * delta-notifier `rules.js`: loading and validation (http-contracts §3.3).
 *
 * The file is the one delta-notifier reads: an ES module whose default export is an array of
 * `{ match, callback, options, retryTimeout? }` entries. Unlike delta-notifier, which accepts anything
 * and fails later (an unknown `resourceFormat` throws in its send path, `callback.uri` posts to
 * `undefined`), every rule is checked here at load time and all problems are reported at once, each
 * with the rule index.
 *
 * Leniency: keys delta-notifier ignores (`options.retryTimeout`, `options.sendMatchesOnly`, unknown
 * top-level keys) are warnings, not errors; keys that silently break matching or delivery in
 * delta-notifier (unknown `match` keys, term keys other than type/value/datatype/xml:lang, a missing
 * `callback.url`) are errors.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, formatConfigPath } from '@delta-producer/core';

export type ResourceFormat = 'v0.0.1' | 'v0.0.0-genesis';
export const RESOURCE_FORMATS: readonly ResourceFormat[] = ['v0.0.1', 'v0.0.0-genesis'];

export type QuadPosition = 'subject' | 'predicate' | 'object' | 'graph';
export const QUAD_POSITIONS: readonly QuadPosition[] = ['subject', 'predicate', 'object', 'graph'];

/** Constraints on one term; each present key is compared with strict equality. */
export interface TermMatch {
  type?: string;
  value?: string;
  datatype?: string;
  'xml:lang'?: string;
}
const TERM_MATCH_KEYS = ['type', 'value', 'datatype', 'xml:lang'] as const;
const TERM_TYPES = ['uri', 'literal', 'typed-literal', 'bnode'];

/** `{}` matches every quad; absent positions match anything. */
export type MatchSpec = Partial<Record<QuadPosition, TermMatch>>;

export interface RuleOptions {
  /** Absent when the rule's format is falsy: a POST without body (a pure trigger). */
  resourceFormat?: ResourceFormat;
  /** ms; 0 = send at once, > 0 = bundling window. */
  gracePeriod: number;
  ignoreFromSelf: boolean;
  foldEffectiveChanges: boolean;
  /** Extra attempts on status ≥ 500 or no response. */
  retry: number;
  optOutMuScopeIds?: readonly string[];
  optInMuScopeIds?: readonly string[];
}

/** A validated rule. `index` is its position in the rules array (part of the bundle key). */
export interface DeltaRule {
  index: number;
  match: MatchSpec;
  callback: { url: string; method: string };
  options: RuleOptions;
  /** ms between attempts; read from the rule entry itself, as delta-notifier does. */
  retryTimeout: number;
}

export const DEFAULT_RETRY_TIMEOUT_MS = 250;

export interface RuleProblem {
  /** Index of the rule in the array; -1 for problems with the export itself. */
  index: number;
  /** Location inside the rule, e.g. `callback.url`; empty for the whole rule. */
  path: string;
  message: string;
}

/**
 * Thrown when a rules file cannot be used; lists every problem, each with its rule index.
 * A ConfigError, so the gateway's start-up boundary (`exitOnConfigError`) reports it and exits;
 * `problems` locate each one as `<file>[<rule index>].<key>`, `ruleProblems` keep index and key apart.
 */
export class RulesError extends ConfigError {
  readonly ruleProblems: readonly RuleProblem[];
  readonly file: string | undefined;

  constructor(problems: readonly RuleProblem[], file?: string, options?: { cause?: unknown }) {
    super(
      problems.map((problem) => ({ path: configPath(problem, file), message: problem.message })),
      options,
    );
    this.message = formatRulesProblems(problems, file);
    this.ruleProblems = problems;
    this.file = file;
  }
}

function configPath(problem: RuleProblem, file: string | undefined): string {
  const segments: (string | number)[] = problem.path === '' ? [] : problem.path.split('.');
  return formatConfigPath(problem.index < 0 ? segments : [problem.index, ...segments], file ?? 'rules');
}

export function formatRuleProblem(problem: RuleProblem): string {
  const where = problem.index < 0 ? '' : `rule ${problem.index}${problem.path ? ` (${problem.path})` : ''}: `;
  return `${where}${problem.message}`;
}

function formatRulesProblems(problems: readonly RuleProblem[], file?: string): string {
  const source = file ? ` in ${file}` : '';
  const count = `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`;
  return [`invalid delta rules${source} (${count}):`, ...problems.map((problem) => `  ${formatRuleProblem(problem)}`)].join('\n');
}

export interface ValidatedRules {
  rules: DeltaRule[];
  /** Things delta-notifier would silently ignore; worth logging. */
  warnings: RuleProblem[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFalsy = (value: unknown): boolean => !value;
const describe = (value: unknown): string => (value === undefined ? 'undefined' : typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value));
const HTTP_METHOD = /^[A-Za-z]+$/;

/**
 * Validates the default export of a rules file.
 * @throws RulesError listing every error found (warnings are returned, not thrown).
 */
export function validateRules(input: unknown, file?: string): ValidatedRules {
  if (!Array.isArray(input)) {
    throw new RulesError([{ index: -1, path: '', message: `the default export must be an array of rules, got ${describe(input)}` }], file);
  }
  const errors: RuleProblem[] = [];
  const warnings: RuleProblem[] = [];
  const rules = input.map((entry: unknown, index) => validateRule(entry, index, errors, warnings));
  if (errors.length > 0) throw new RulesError(errors, file);
  return { rules: rules.filter((rule): rule is DeltaRule => rule !== undefined), warnings };
}

function validateRule(entry: unknown, index: number, errors: RuleProblem[], warnings: RuleProblem[]): DeltaRule | undefined {
  const error = (path: string, message: string) => errors.push({ index, path, message });
  const warn = (path: string, message: string) => warnings.push({ index, path, message });
  if (!isObject(entry)) {
    error('', `a rule must be an object with match, callback and options, got ${describe(entry)}`);
    return undefined;
  }
  const errorsBefore = errors.length;
  for (const key of Object.keys(entry)) {
    if (!['match', 'callback', 'options', 'retryTimeout'].includes(key)) warn(key, 'unknown key, ignored (delta-notifier ignores it too)');
  }

  const match = validateMatch(entry.match, error);
  const callback = validateCallback(entry.callback, error, warn);
  const options = validateOptions(entry.options, error, warn);

  let retryTimeout = DEFAULT_RETRY_TIMEOUT_MS;
  if (!isFalsy(entry.retryTimeout)) {
    if (typeof entry.retryTimeout !== 'number' || !Number.isFinite(entry.retryTimeout) || entry.retryTimeout < 0) {
      error('retryTimeout', `must be a number of milliseconds ≥ 0, got ${describe(entry.retryTimeout)}`);
    } else retryTimeout = entry.retryTimeout;
  }

  if (callback && options?.resourceFormat && ['GET', 'HEAD'].includes(callback.method.toUpperCase())) {
    error('callback.method', `${callback.method} cannot carry a body; use POST with resourceFormat ${JSON.stringify(options.resourceFormat)}, or a falsy resourceFormat`);
  }
  if (errors.length > errorsBefore || !match || !callback || !options) return undefined;
  return { index, match, callback, options, retryTimeout };
}

type Report = (path: string, message: string) => void;

function validateMatch(match: unknown, error: Report): MatchSpec | undefined {
  if (match === undefined) {
    error('match', 'required (use {} to match every quad)');
    return undefined;
  }
  if (!isObject(match)) {
    error('match', `must be an object, got ${describe(match)}`);
    return undefined;
  }
  const spec: MatchSpec = {};
  let ok = true;
  for (const [position, termSpec] of Object.entries(match)) {
    if (!(QUAD_POSITIONS as readonly string[]).includes(position)) {
      error(`match.${position}`, `unknown key; expected ${QUAD_POSITIONS.join(', ')} (delta-notifier would never match this rule)`);
      ok = false;
      continue;
    }
    if (!isObject(termSpec)) {
      error(`match.${position}`, `must be an object with type, value and/or datatype, got ${describe(termSpec)}`);
      ok = false;
      continue;
    }
    const term: TermMatch = {};
    for (const [key, value] of Object.entries(termSpec)) {
      const path = `match.${position}.${key}`;
      if (!(TERM_MATCH_KEYS as readonly string[]).includes(key)) {
        error(path, `unknown key; expected ${TERM_MATCH_KEYS.join(', ')} (delta-notifier would never match this rule)`);
        ok = false;
      } else if (typeof value !== 'string') {
        error(path, `must be a string, got ${describe(value)}`);
        ok = false;
      } else if (key === 'type' && !TERM_TYPES.includes(value)) {
        error(path, `must be one of ${TERM_TYPES.join(', ')}, got ${JSON.stringify(value)}`);
        ok = false;
      } else {
        term[key as keyof TermMatch] = value;
      }
    }
    spec[position as QuadPosition] = term;
  }
  return ok ? spec : undefined;
}

function validateCallback(callback: unknown, error: Report, warn: Report): DeltaRule['callback'] | undefined {
  if (!isObject(callback)) {
    error('callback', `required: an object with url and method, got ${describe(callback)}`);
    return undefined;
  }
  let ok = true;
  const { url, method } = callback;
  if (url === undefined) {
    error('callback.url', 'uri' in callback ? 'required; found callback.uri, but delta-notifier reads callback.url' : 'required');
    ok = false;
  } else if (typeof url !== 'string' || !isHttpUrl(url)) {
    error('callback.url', `must be an absolute http(s) URL, got ${describe(url)}`);
    ok = false;
  }
  if (method === undefined) {
    error('callback.method', 'required (delta-notifier POSTs to services: method "POST")');
    ok = false;
  } else if (typeof method !== 'string' || !HTTP_METHOD.test(method)) {
    error('callback.method', `must be an HTTP method such as "POST", got ${describe(method)}`);
    ok = false;
  }
  for (const key of Object.keys(callback)) {
    if (key !== 'url' && key !== 'method' && !(key === 'uri' && url === undefined)) warn(`callback.${key}`, 'unknown key, ignored');
  }
  return ok ? { url: url as string, method: method as string } : undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

const OPTION_KEYS = ['resourceFormat', 'gracePeriod', 'ignoreFromSelf', 'foldEffectiveChanges', 'retry', 'optOutMuScopeIds', 'optInMuScopeIds'];

function validateOptions(options: unknown, error: Report, warn: Report): RuleOptions | undefined {
  if (options === undefined || options === null) options = {};
  if (!isObject(options)) {
    error('options', `must be an object, got ${describe(options)}`);
    return undefined;
  }
  let failed = false;
  const fail: Report = (path, message) => {
    failed = true;
    error(path, message);
  };
  const result: RuleOptions = { gracePeriod: 0, ignoreFromSelf: false, foldEffectiveChanges: false, retry: 0 };

  const format = options.resourceFormat;
  if (!isFalsy(format)) {
    if (typeof format === 'string' && (RESOURCE_FORMATS as readonly string[]).includes(format)) result.resourceFormat = format as ResourceFormat;
    else fail('options.resourceFormat', `must be "v0.0.1", "v0.0.0-genesis" or falsy (no body), got ${describe(format)}`);
  }

  const gracePeriod = options.gracePeriod;
  if (!isFalsy(gracePeriod)) {
    if (typeof gracePeriod === 'number' && Number.isFinite(gracePeriod) && gracePeriod > 0) result.gracePeriod = gracePeriod;
    else fail('options.gracePeriod', `must be a number of milliseconds ≥ 0, got ${describe(gracePeriod)}`);
  }

  for (const key of ['ignoreFromSelf', 'foldEffectiveChanges'] as const) {
    const value = options[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'boolean') result[key] = value;
    else fail(`options.${key}`, `must be true or false, got ${describe(value)}`);
  }

  const retry = options.retry;
  if (!isFalsy(retry)) {
    if (typeof retry === 'number' && Number.isInteger(retry) && retry > 0) result.retry = retry;
    else fail('options.retry', `must be a whole number of retries ≥ 0, got ${describe(retry)}`);
  }

  for (const key of ['optOutMuScopeIds', 'optInMuScopeIds'] as const) {
    const value = options[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) result[key] = [...(value as string[])];
    else fail(`options.${key}`, `must be an array of scope IRIs (strings), got ${describe(value)}`);
  }

  for (const key of Object.keys(options)) {
    if (OPTION_KEYS.includes(key)) continue;
    if (key === 'retryTimeout') warn('options.retryTimeout', 'ignored: delta-notifier reads retryTimeout from the rule entry itself, not from options');
    else warn(`options.${key}`, 'unknown option, ignored');
  }
  return failed ? undefined : result;
}

/** Logs load-time warnings; structurally satisfied by a pino logger. */
export interface RulesLogger {
  warn(obj: object, msg?: string): void;
}

let importGeneration = 0;

/**
 * Imports a rules file (ES module, default export = array of rules) and validates it. Every call
 * re-imports the file (the URL carries a fresh query string), so edited rules are picked up.
 * @throws RulesError for a file that cannot be imported, has no array default export, or holds invalid rules.
 */
export async function loadRules(path: string, options: { logger?: RulesLogger } = {}): Promise<DeltaRule[]> {
  const file = resolve(path);
  const url = pathToFileURL(file);
  url.search = `?generation=${Date.now()}-${++importGeneration}`;
  let module: { default?: unknown };
  try {
    // The specifier is the file URL without its `file://` scheme: Node resolves it against this
    // module's URL to the same file URL (query kept, so each call is a fresh module instance), and
    // Jest's ESM loader, which drops the query of a `file://` specifier, keeps it in this form.
    module = (await import(url.pathname + url.search)) as { default?: unknown };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new RulesError([{ index: -1, path: '', message: `cannot import the rules file: ${reason}` }], file, { cause });
  }
  if (!('default' in module)) {
    throw new RulesError([{ index: -1, path: '', message: 'the rules file has no default export (expected `export default [ … ]`)' }], file);
  }
  const { rules, warnings } = validateRules(module.default, file);
  for (const warning of warnings) options.logger?.warn({ rulesFile: file, rule: warning.index, path: warning.path }, `delta rules: ${formatRuleProblem(warning)}`);
  return rules;
}
