/**
 * The initiator's whole configuration: env vars (configuration-compat.md §1.5, §1.7) and the streams
 * from `config.json` + the override file, or — without a config file — one stream from the legacy
 * single-stream env vars. Every problem is collected and reported at once (ConfigError).
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import {
  booleanish,
  ConfigError,
  ConfigWarnings,
  GRAPHS,
  httpUrl,
  iri,
  numberish,
  parseConfig,
  readEnv,
  readJsonFile,
  serviceEnvSchema,
  TASK_OPERATIONS,
  CREATORS,
  type ConfigProblem,
  type ServiceEnv,
} from '@delta-producer/core';
import { isValidTimeZone } from './cron-pattern.js';
import {
  FAILED_INITIAL_SYNC_POLICIES,
  streamEntryWarnings,
  streamsFileSchema,
  toStreamConfig,
  type StreamConfig,
  type StreamDefaults,
  type JobKind,
} from './stream-config.js';

export interface InitiatorConfig {
  service: ServiceEnv;
  sparqlEndpoint: string;
  /** Task operations per job kind ([AGREE]: the maintainer and dump publisher pick tasks up by them). */
  taskOperations: Record<JobKind, string>;
  /** Longest wait between start-up database pings, in seconds. */
  pingIntervalSeconds: number;
  lifecycleScanIntervalMs: number;
  streams: StreamConfig[];
  /** Single-stream env mode: routes are also served without the `/<name>` prefix. */
  unprefixedRoutes: boolean;
  source: string;
}

/** Only the exact string `false` (any case) disables, as the legacy START_INITIAL_SYNC did. */
const legacyFlag = z.string().transform((value) => value.trim().toLowerCase() !== 'false');

const envSchema = serviceEnvSchema.extend({
  MU_SPARQL_ENDPOINT: httpUrl.default('http://database:8890/sparql'),
  CONFIG_PATH: z.string().default('/config/config.json'),
  CONFIG_OVERRIDE_PATH: z.string().optional(),
  CONFIG_OVERRIDE_FILE_JSON: z.string().optional(),
  INITIAL_PUBLICATION_GRAPH_SYNC_TASK_OPERATION: iri.default(TASK_OPERATIONS.initialSync),
  HEALING_TASK_OPERATION: iri.default(TASK_OPERATIONS.healing),
  DUMP_FILE_CREATION_TASK_OPERATION: iri.default(TASK_OPERATIONS.dump),
  JOB_TIMEOUT_MINUTES: numberish.refine((value) => value > 0, 'must be a positive number of minutes').optional(),
  PING_DB_INTERVAL: numberish.refine((value) => value > 0, 'must be a positive number of seconds').default(2),
  CRON_TIME_ZONE: z.string().refine(isValidTimeZone, 'unknown time zone').optional(),
  TZ: z.string().optional(),
  FAILED_INITIAL_SYNC_POLICY: z.enum(FAILED_INITIAL_SYNC_POLICIES).default('retry'),
  MANAGE_JOB_LIFECYCLE: booleanish.default(true),
  TRIGGER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LIFECYCLE_SCAN_INTERVAL_MS: numberish.refine((value) => value >= 1000, 'must be at least 1000').default(30_000),
  // Legacy single-stream mode (0.1.1 – 0.4.x), used only when there is no config file.
  STREAM_NAME: z.string().default('default'),
  INITIAL_PUBLICATION_GRAPH_SYNC_JOB_OPERATION: z.string().optional(),
  INITIAL_CACHE_SYNC_JOB_OPERATION: z.string().optional(),
  INITIAL_CACHE_SYNC_JOB_OPERATION_URI: z.string().optional(),
  DUMP_FILE_CREATION_JOB_OPERATION: z.string().optional(),
  HEALING_JOB_OPERATION: z.string().optional(),
  JOBS_GRAPH: z.string().default(GRAPHS.defaultJobs),
  CRON_PATTERN_HEALING_JOB: z.string().optional(),
  CRON_PATTERN_DUMP_JOB: z.string().optional(),
  START_INITIAL_SYNC: legacyFlag.default(true),
  HEAL_MUST_WAIT_FOR_INITIAL_SYNC: legacyFlag.default(true),
  ENABLE_DUMP_FILE_CREATION: legacyFlag.default(true),
  ENABLE_HEALING_JOB_OPERATION: legacyFlag.default(true),
  ERROR_CREATOR_URI: z.string().optional(),
});

type InitiatorEnv = z.output<typeof envSchema>;

/** config.json keys → the legacy env var that fills them in single-stream mode. */
const LEGACY_ENV_KEYS: Record<string, string> = {
  name: 'STREAM_NAME',
  jobsGraph: 'JOBS_GRAPH',
  initialPublicationGraphSyncJobOperation: 'INITIAL_PUBLICATION_GRAPH_SYNC_JOB_OPERATION',
  dumpFileCreationJobOperation: 'DUMP_FILE_CREATION_JOB_OPERATION',
  healingJobOperation: 'HEALING_JOB_OPERATION',
  cronPatternHealingJob: 'CRON_PATTERN_HEALING_JOB',
  cronPatternDumpJob: 'CRON_PATTERN_DUMP_JOB',
  errorCreatorUri: 'ERROR_CREATOR_URI',
};

function legacyStreamEntry(env: InitiatorEnv): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: env.STREAM_NAME,
    jobsGraph: env.JOBS_GRAPH,
    initialPublicationGraphSyncJobOperation: env.INITIAL_PUBLICATION_GRAPH_SYNC_JOB_OPERATION ?? env.INITIAL_CACHE_SYNC_JOB_OPERATION ?? env.INITIAL_CACHE_SYNC_JOB_OPERATION_URI,
    dumpFileCreationJobOperation: env.DUMP_FILE_CREATION_JOB_OPERATION,
    healingJobOperation: env.HEALING_JOB_OPERATION,
    startInitialSync: env.START_INITIAL_SYNC,
    healShouldNotWaitForInitialSync: !env.HEAL_MUST_WAIT_FOR_INITIAL_SYNC,
    disableDumpFileCreation: !env.ENABLE_DUMP_FILE_CREATION,
    disableHealingJobOperation: !env.ENABLE_HEALING_JOB_OPERATION,
    // 0.4.x's default had no /<name> suffix.
    errorCreatorUri: env.ERROR_CREATOR_URI ?? CREATORS.jobsInitiator,
  };
  if (env.CRON_PATTERN_HEALING_JOB) entry.cronPatternHealingJob = env.CRON_PATTERN_HEALING_JOB;
  if (env.CRON_PATTERN_DUMP_JOB) entry.cronPatternDumpJob = env.CRON_PATTERN_DUMP_JOB;
  return entry;
}

function legacyPath(problem: ConfigProblem): ConfigProblem {
  const match = /^\[0\]\.(\w+)/.exec(problem.path);
  const variable = match ? LEGACY_ENV_KEYS[match[1]!] : undefined;
  return variable ? { ...problem, path: `env.${variable}` } : problem;
}

/** Applies the override file: per stream name, each key replaces the entry's key (shallow). */
function applyOverride(entries: unknown, override: unknown, overridePath: string, problems: ConfigProblem[]): unknown {
  if (override === undefined) return entries;
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    problems.push({ path: overridePath, message: 'must be a JSON object keyed by stream name' });
    return entries;
  }
  if (!Array.isArray(entries)) return entries;
  const names = new Set(entries.map((entry) => (entry as { name?: unknown })?.name));
  for (const [name, keys] of Object.entries(override)) {
    if (!names.has(name)) problems.push({ path: `${overridePath}["${name}"]`, message: 'overrides a stream that config.json does not have' });
    else if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) problems.push({ path: `${overridePath}["${name}"]`, message: 'must be an object of config keys' });
  }
  return entries.map((entry) => {
    const replacement = (override as Record<string, unknown>)[(entry as { name?: string })?.name ?? ''];
    return typeof replacement === 'object' && replacement !== null && !Array.isArray(replacement) ? { ...(entry as object), ...replacement } : entry;
  });
}

export function loadInitiatorConfig(rawEnv: NodeJS.ProcessEnv = process.env, warnings = new ConfigWarnings()): InitiatorConfig {
  const env = readEnv(envSchema, rawEnv);
  const defaults: StreamDefaults = {
    timeZone: env.CRON_TIME_ZONE ?? (env.TZ && isValidTimeZone(env.TZ) ? env.TZ : 'UTC'),
    jobTimeoutMinutes: env.JOB_TIMEOUT_MINUTES,
    failedInitialSyncPolicy: env.FAILED_INITIAL_SYNC_POLICY,
    manageJobLifecycle: env.MANAGE_JOB_LIFECYCLE,
    triggerToken: env.TRIGGER_TOKEN,
  };
  const problems: ConfigProblem[] = [];
  let streams: StreamConfig[] = [];
  let source: string;
  const fileMode = existsSync(env.CONFIG_PATH);
  if (fileMode) {
    source = env.CONFIG_PATH;
    const overridePath = env.CONFIG_OVERRIDE_PATH ?? env.CONFIG_OVERRIDE_FILE_JSON ?? '/config/config.override.json';
    let entries: unknown = [];
    try {
      entries = readJsonFile(env.CONFIG_PATH);
      const override = readJsonFile(overridePath, { optional: true });
      entries = applyOverride(entries, override, overridePath, problems);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
    if (Array.isArray(entries)) entries.forEach((entry, index) => streamEntryWarnings(entry, index, warnings));
    try {
      streams = parseConfig(streamsFileSchema, entries, { pathPrefix: env.CONFIG_PATH }).map((entry) => toStreamConfig(entry, defaults));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  } else {
    source = 'environment (single-stream mode)';
    const entry = legacyStreamEntry(env);
    if (!entry.initialPublicationGraphSyncJobOperation && !entry.healingJobOperation && !entry.dumpFileCreationJobOperation) {
      problems.push({ path: env.CONFIG_PATH, message: 'no config file here, and no single-stream env vars (INITIAL_PUBLICATION_GRAPH_SYNC_JOB_OPERATION, HEALING_JOB_OPERATION, DUMP_FILE_CREATION_JOB_OPERATION) either' });
    } else {
      try {
        streams = parseConfig(streamsFileSchema, [entry]).map((parsed) => toStreamConfig(parsed, defaults));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems.map(legacyPath));
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    service: env,
    sparqlEndpoint: env.MU_SPARQL_ENDPOINT,
    taskOperations: {
      initialSync: env.INITIAL_PUBLICATION_GRAPH_SYNC_TASK_OPERATION,
      healing: env.HEALING_TASK_OPERATION,
      dump: env.DUMP_FILE_CREATION_TASK_OPERATION,
    },
    pingIntervalSeconds: env.PING_DB_INTERVAL,
    lifecycleScanIntervalMs: env.LIFECYCLE_SCAN_INTERVAL_MS,
    streams,
    unprefixedRoutes: !fileMode,
    source,
  };
}
