/**
 * One stream of the initiator: the lblod `config.json` entry (configuration-compat.md §1.2), read
 * unchanged, plus this suite's new keys, each with a default. Validation is strict (IRIs, crons,
 * unique names, distinct operations) and reports every problem at once; unknown keys are warnings,
 * as the original ignored them.
 */
import { z } from 'zod';
import { booleanish, ConfigWarnings, iri, stringFalseQuirk, urlPathSegment, CREATORS } from '@delta-producer/core';
import { isValidTimeZone, normaliseCronPattern } from './cron-pattern.js';

export const FAILED_INITIAL_SYNC_POLICIES = ['retry', 'wait-for-operator'] as const;
export type FailedInitialSyncPolicy = (typeof FAILED_INITIAL_SYNC_POLICIES)[number];

export const JOB_KINDS = ['initialSync', 'healing', 'dump'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** A validated stream, in the shape the service works with. */
export interface StreamConfig {
  name: string;
  jobsGraph: string;
  /** Job operations per kind ([AGREE] with maintainer, dump publisher and job-controller). */
  jobOperations: Record<JobKind, string>;
  startInitialSync: boolean;
  /** Six-field cron patterns; undefined when that cron is disabled. */
  cron: { healing?: string; dump?: string; timeZone: string };
  healingWaitsForInitialSync: boolean;
  errorCreatorUri: string;
  /** Active jobs not modified for this long are failed; undefined = never. */
  jobTimeoutMinutes?: number;
  failedInitialSyncPolicy: FailedInitialSyncPolicy;
  manageJobLifecycle: boolean;
  /** Required as `Authorization: Bearer <token>` (or `?token=`) on POST/DELETE when set. */
  triggerToken?: string;
}

/** Service-wide defaults for the new keys (from env vars). */
export interface StreamDefaults {
  timeZone: string;
  jobTimeoutMinutes?: number;
  failedInitialSyncPolicy: FailedInitialSyncPolicy;
  manageJobLifecycle: boolean;
  triggerToken?: string;
}

const DEFAULT_CRON = '0 0 0 * * *';

const cronPattern = z.string().transform((value, ctx) => {
  const result = normaliseCronPattern(value);
  if ('problems' in result) {
    for (const problem of result.problems) ctx.addIssue({ code: 'custom', message: `invalid cron pattern: ${problem}` });
    return z.NEVER;
  }
  return result.pattern;
});

const timeZone = z.string().refine(isValidTimeZone, { message: 'unknown time zone (use an IANA name such as "UTC" or "Europe/Brussels")' });

const positiveMinutes = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const number = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    ctx.addIssue({ code: 'custom', message: `must be a positive number of minutes, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return number;
});

/** The keys of one config.json entry. */
export const streamEntrySchema = z.object({
  name: urlPathSegment,
  jobsGraph: iri,
  dumpFileCreationJobOperation: iri,
  initialPublicationGraphSyncJobOperation: iri,
  healingJobOperation: iri,
  startInitialSync: booleanish,
  cronPatternDumpJob: cronPattern.optional(),
  cronPatternHealingJob: cronPattern.optional(),
  disableDumpFileCreation: booleanish.optional(),
  disableHealingJobOperation: booleanish.optional(),
  healShouldNotWaitForInitialSync: booleanish.optional(),
  errorCreatorUri: iri.optional(),
  cronTimeZone: timeZone.optional(),
  jobTimeoutMinutes: positiveMinutes.optional(),
  failedInitialSyncPolicy: z.enum(FAILED_INITIAL_SYNC_POLICIES).optional(),
  manageJobLifecycle: booleanish.optional(),
  triggerToken: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type StreamEntry = z.input<typeof streamEntrySchema>;
const KNOWN_KEYS = new Set(Object.keys(streamEntrySchema.shape));
const BOOLEAN_KEYS = ['startInitialSync', 'disableDumpFileCreation', 'disableHealingJobOperation', 'healShouldNotWaitForInitialSync', 'manageJobLifecycle'];

/** The whole config.json: an array of entries with unique names and operations. */
export const streamsFileSchema = z
  .array(streamEntrySchema)
  .min(1, 'needs at least one stream')
  .superRefine((entries, ctx) => {
    const names = new Map<string, number>();
    const operations = new Map<string, string>();
    entries.forEach((entry, index) => {
      const previous = names.get(entry.name);
      if (previous !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate stream name ${JSON.stringify(entry.name)} (also at [${previous}])` });
      names.set(entry.name, index);
      for (const key of ['dumpFileCreationJobOperation', 'initialPublicationGraphSyncJobOperation', 'healingJobOperation'] as const) {
        const value = entry[key];
        const owner = operations.get(value);
        if (owner) ctx.addIssue({ code: 'custom', path: [index, key], message: `job operation ${value} is already used by ${owner}: every operation must be distinct` });
        else operations.set(value, `[${index}].${key}`);
      }
    });
  });

/** Warnings for keys the lblod initiator read differently, and for keys it does not know. */
export function streamEntryWarnings(raw: unknown, index: number, warnings: ConfigWarnings): void {
  if (typeof raw !== 'object' || raw === null) return;
  for (const [key, value] of Object.entries(raw)) {
    const path = `[${index}].${key}`;
    if (!KNOWN_KEYS.has(key)) warnings.add({ path, message: 'is not a known key and is ignored' });
    if (BOOLEAN_KEYS.includes(key)) warnings.add(stringFalseQuirk(path, value));
  }
}

export function toStreamConfig(entry: z.output<typeof streamEntrySchema>, defaults: StreamDefaults): StreamConfig {
  return {
    name: entry.name,
    jobsGraph: entry.jobsGraph,
    jobOperations: {
      initialSync: entry.initialPublicationGraphSyncJobOperation,
      healing: entry.healingJobOperation,
      dump: entry.dumpFileCreationJobOperation,
    },
    startInitialSync: entry.startInitialSync,
    cron: {
      healing: entry.disableHealingJobOperation ? undefined : (entry.cronPatternHealingJob ?? DEFAULT_CRON),
      dump: entry.disableDumpFileCreation ? undefined : (entry.cronPatternDumpJob ?? DEFAULT_CRON),
      timeZone: entry.cronTimeZone ?? defaults.timeZone,
    },
    healingWaitsForInitialSync: !(entry.healShouldNotWaitForInitialSync ?? false),
    errorCreatorUri: entry.errorCreatorUri ?? `${CREATORS.jobsInitiator}/${entry.name}`,
    jobTimeoutMinutes: entry.jobTimeoutMinutes ?? defaults.jobTimeoutMinutes,
    failedInitialSyncPolicy: entry.failedInitialSyncPolicy ?? defaults.failedInitialSyncPolicy,
    manageJobLifecycle: entry.manageJobLifecycle ?? defaults.manageJobLifecycle,
    triggerToken: entry.triggerToken ?? defaults.triggerToken,
  };
}
