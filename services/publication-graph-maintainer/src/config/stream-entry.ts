/**
 * One stream of the maintainer's `services.json` (configuration-compat.md §2.2), read unchanged: every
 * lblod key with its default, the keys that no longer have an effect (accepted, noted at info level),
 * and the suite's new keys. Values are checked strictly (IRIs, route paths, booleans, integers); the
 * checks that span streams (unique graphs, paths, publishers, operations) are in cross-stream.ts.
 */
import { z } from 'zod';
import {
  booleanish,
  ConfigWarnings,
  CONSUMER,
  CREATORS,
  GRAPHS,
  integerish,
  iri,
  nonEmptyString,
  SCOPES,
  zeroReplacedByDefaultQuirk,
} from '@delta-producer/core';
import type { ConfigNote, IgnoredSetting } from './notes.js';
import { legacyBooleanQuirk, routePath, sizeWithLegacyZero, zeroTakesDefaultQuirk, type LegacyBooleanReading } from './values.js';

/** Defaults of the lblod maintainer for its optional keys. */
export const STREAM_DEFAULTS = {
  jobsGraph: GRAPHS.defaultJobs,
  errorCreatorUri: CREATORS.maintainer,
  healingInitialBatchSizeInsert: 1000,
  muCallScopeIdPublicationGraphMaintenance: SCOPES.publicationGraphMaintenance,
  muCallScopeIdInitialSync: SCOPES.initialSync,
  waitForInitialSync: true,
  useVirtuosoForExpensiveSelects: false,
  skipMuAuthInitialSync: false,
  skipMuAuthHealing: false,
  serveDeltaFiles: false,
  deltaInterval: 1000,
  relativeFilePath: 'deltas',
  filesGraph: GRAPHS.public,
  key: '',
  account: CONSUMER.defaultAccount,
  account_graph: GRAPHS.login,
  throttleMs: 0,
} as const;

/**
 * Keys of the lblod maintainer that no longer have an effect here, with the reason logged (info) when
 * a stream sets one. Their values are not validated.
 */
export const IGNORED_STREAM_KEYS: Readonly<Record<string, string>> = {
  updatePublicationGraphSleep: 'is no longer used: writes are not followed by a sleep; set throttleMs to slow them down (default 0 = no throttling)',
  queuePollInterval: 'is no longer used: there is no idle polling of a queue',
  useFileDiff: 'is no longer used: there is no disk-based (sort/comm) healing diff',
  skipMuAuthDeltaFolding: 'is no longer used: there is no separate endpoint choice for delta folding',
  healingMaxTriplesInMemory: 'is no longer used: delta files are bounded by MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE and MAX_DELTAS_PER_FILE',
  logOutgoingDelta: 'is no longer used: there is no separate switch for logging outgoing deltas',
  errorGraph: 'is no longer used (the lblod service did not use it either): errors are written to jobsGraph',
  deltaPath: 'is no longer used: every stream receives deltas on POST /delta; point the delta-notifier rule there',
};

/**
 * `relativeFilePath`: a folder under SHARE_DIR. Leading slashes are dropped (the lblod service wrote
 * to `/share//deltas/…`, which is the same folder); `""` takes the default as it did there.
 */
const relativeFolder = z.string().transform((value, ctx) => {
  const trimmed = value.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return STREAM_DEFAULTS.relativeFilePath;
  const bad = trimmed.split('/').find((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad !== undefined || trimmed.includes('\\') || trimmed.includes('\0')) {
    ctx.addIssue({ code: 'custom', message: `must be a folder under SHARE_DIR without "..", "." or empty segments, got ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
  return trimmed;
});

/** The keys of one services.json stream. */
export const streamEntrySchema = z
  .object({
    exportConfigPath: nonEmptyString,
    publisherUri: iri.optional(),
    publicationGraph: iri,
    initialPublicationGraphSyncJobOperation: iri,
    healingJobOperation: iri,
    filesPath: routePath,
    loginPath: routePath,
    jobsGraph: iri.default(STREAM_DEFAULTS.jobsGraph),
    errorCreatorUri: iri.default(STREAM_DEFAULTS.errorCreatorUri),
    reportingFilesGraph: iri.optional(),
    healingInitialBatchSizeInsert: sizeWithLegacyZero(STREAM_DEFAULTS.healingInitialBatchSizeInsert).default(STREAM_DEFAULTS.healingInitialBatchSizeInsert),
    muCallScopeIdPublicationGraphMaintenance: iri.default(STREAM_DEFAULTS.muCallScopeIdPublicationGraphMaintenance),
    muCallScopeIdInitialSync: iri.default(STREAM_DEFAULTS.muCallScopeIdInitialSync),
    waitForInitialSync: booleanish.default(STREAM_DEFAULTS.waitForInitialSync),
    useVirtuosoForExpensiveSelects: booleanish.default(STREAM_DEFAULTS.useVirtuosoForExpensiveSelects),
    skipMuAuthInitialSync: booleanish.default(STREAM_DEFAULTS.skipMuAuthInitialSync),
    skipMuAuthHealing: booleanish.default(STREAM_DEFAULTS.skipMuAuthHealing),
    serveDeltaFiles: booleanish.default(STREAM_DEFAULTS.serveDeltaFiles),
    // 0 is meaningful: flush at once instead of debouncing.
    deltaInterval: integerish({ min: 0 }).default(STREAM_DEFAULTS.deltaInterval),
    relativeFilePath: relativeFolder.default(STREAM_DEFAULTS.relativeFilePath),
    filesGraph: iri.default(STREAM_DEFAULTS.filesGraph),
    key: z.string({ error: (issue) => (issue.input === undefined ? undefined : 'expected a string') }).default(STREAM_DEFAULTS.key),
    account: iri.default(STREAM_DEFAULTS.account),
    account_graph: iri.default(STREAM_DEFAULTS.account_graph),
    // New in this suite.
    excludedSourceGraphs: z.array(iri, { error: (issue) => (issue.input === undefined ? undefined : 'expected an array of graph IRIs') }).default([]),
    throttleMs: integerish({ min: 0 }).default(STREAM_DEFAULTS.throttleMs),
    deltaFileRetentionDays: integerish({ min: 1 }).optional(),
  })
  .superRefine(
    (entry, ctx) => {
      // The lblod service did not check it and wrote `dct:publisher <undefined>` into every file.
      if (entry.serveDeltaFiles && entry.publisherUri === undefined) {
        ctx.addIssue({ code: 'custom', path: ['publisherUri'], message: 'required when serveDeltaFiles is true: it is the dct:publisher of the delta files and the filter of the files listing' });
      }
    },
    // Also when other keys are wrong (all problems at once); only these two must be valid.
    { when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === 'serveDeltaFiles' || issue.path?.[0] === 'publisherUri') },
  );

export type StreamEntry = z.output<typeof streamEntrySchema>;

/** Every key the suite reads (lblod keys and new keys). */
export const KNOWN_STREAM_KEYS: ReadonlySet<string> = new Set(Object.keys(streamEntrySchema.shape));

/** Keys that are new in this suite (not in the lblod maintainer). */
export const NEW_STREAM_KEYS: readonly string[] = ['excludedSourceGraphs', 'throttleMs', 'deltaFileRetentionDays'];

const BOOLEAN_READINGS: Readonly<Record<string, LegacyBooleanReading>> = {
  serveDeltaFiles: 'trueOrStringTrue',
  skipMuAuthInitialSync: 'trueOrStringTrue',
  skipMuAuthHealing: 'trueOrStringTrue',
  useVirtuosoForExpensiveSelects: 'trueOrStringTrue',
  waitForInitialSync: 'unlessFalse',
};

/**
 * Warnings for values the lblod maintainer read differently and for unknown keys; info notes for the
 * keys that no longer have an effect and for harmless normalisations. `path` addresses the stream
 * (`<file>["<name>"]`).
 */
export function inspectStreamEntry(raw: unknown, stream: string, path: string, warnings: ConfigWarnings, notes: ConfigNote[], ignored: IgnoredSetting[]): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const keyPath = `${path}.${key}`;
    const ignoredReason = IGNORED_STREAM_KEYS[key];
    if (ignoredReason !== undefined) {
      const setting: IgnoredSetting = { path: keyPath, message: ignoredReason, stream, key, value };
      ignored.push(setting);
      notes.push(setting);
      continue;
    }
    if (!KNOWN_STREAM_KEYS.has(key)) {
      warnings.add({ path: keyPath, message: 'is not a known key and is ignored' });
      continue;
    }
    const reading = BOOLEAN_READINGS[key];
    if (reading !== undefined) warnings.add(legacyBooleanQuirk(keyPath, value, reading));
  }
  const entry = raw as Record<string, unknown>;
  warnings.add(zeroReplacedByDefaultQuirk(`${path}.deltaInterval`, entry.deltaInterval, STREAM_DEFAULTS.deltaInterval));
  warnings.add(zeroTakesDefaultQuirk(`${path}.healingInitialBatchSizeInsert`, entry.healingInitialBatchSizeInsert, STREAM_DEFAULTS.healingInitialBatchSizeInsert));
  const relativeFilePath = entry.relativeFilePath;
  if (typeof relativeFilePath === 'string') {
    if (relativeFilePath.trim() === '' || /^\/+$/.test(relativeFilePath.trim())) {
      warnings.add({ path: `${path}.relativeFilePath`, message: `is ${JSON.stringify(relativeFilePath)}: using the default "${STREAM_DEFAULTS.relativeFilePath}", as the lblod service did` });
    } else if (relativeFilePath.startsWith('/')) {
      notes.push({ path: `${path}.relativeFilePath`, message: `starts with "/": read as a folder under SHARE_DIR (the lblod service's /share/${relativeFilePath} is the same folder)` });
    }
  }
}

/** Warnings that need the parsed entry. */
export function inspectParsedStreamEntry(entry: StreamEntry, path: string, warnings: ConfigWarnings): void {
  if (entry.serveDeltaFiles && entry.key === '') {
    warnings.add({ path: `${path}.key`, message: 'is not set while serveDeltaFiles is true: consumers cannot log in, so they cannot read the delta files (set it, e.g. in a deployment override)' });
  }
}
