/**
 * The dump publisher's whole configuration: the lblod env vars (configuration-compat.md §4.2) with
 * their defaults, this suite's new ones, and the streams of `config.json`. Every problem is collected
 * and reported at once (ConfigError → exit 78 in main.ts).
 */
import { z } from 'zod';
import {
  booleanish,
  ConfigError,
  ConfigWarnings,
  CREATORS,
  GRAPHS,
  httpUrl,
  integerish,
  invalidIriReason,
  iri,
  nonEmptyString,
  numberish,
  parseConfig,
  readEnv,
  readJsonFile,
  serviceEnvSchema,
  TASK_OPERATIONS,
  type ConfigProblem,
  type ServiceEnv,
} from '@delta-producer/core';
import { configFileSchema, groupStreams, streamEntryWarnings, type DumpStream } from './stream-config.js';

/** Virtuoso: `VALUES` with one variable takes at most 4094 values. */
const MAX_VALUES = 4094;
const LBLOD_SERVICE_NAME = 'delta-producer-dump-file-publisher';

const envSchema = serviceEnvSchema.extend({
  MU_SPARQL_ENDPOINT: httpUrl.default('http://database:8890/sparql'),
  CONFIG_PATH: z.string().default('/config/config.json'),
  SERVICE_NAME: nonEmptyString.default(LBLOD_SERVICE_NAME),
  EXPORT_TTL_BATCH_SIZE: integerish({ min: 1, max: MAX_VALUES }).default(1000),
  DUMP_FILE_CREATION_TASK_OPERATION: iri.default(TASK_OPERATIONS.dump),
  FILES_GRAPH: iri.default(GRAPHS.public),
  DCAT_DATASET_GRAPH: iri.default(GRAPHS.public),
  RELATIVE_FILE_PATH: z.string().default('delta-producer-dumps'),
  JOBS_GRAPH: iri.default(GRAPHS.defaultJobs),
  MAX_SUBJECT_COUNT: integerish({ min: 1 }).default(1_000_000),
  // New in this suite.
  SHARE_DIR: nonEmptyString.default('/share'),
  SPARQL_MAX_ROWS: integerish({ min: 2 }).default(10_000),
  TASK_SCAN_INTERVAL_MS: integerish({ min: 1000 }).default(60_000),
  STALE_TASK_AFTER_MS: integerish({ min: 1000 }).default(15 * 60_000),
  CLEANUP_GRACE_PERIOD_MS: integerish({ min: 0 }).default(60 * 60_000),
  SUPERSEDED_DUMP_RETENTION_DAYS: numberish.refine((value) => value >= 0, 'must be 0 (keep for ever) or a positive number of days').default(30),
  DUMP_GZIP: booleanish.default(false),
  DUMP_ATTEMPTS: integerish({ min: 1, max: 20 }).default(4),
  DUMP_RETRY_DELAY_MS: integerish({ min: 100 }).default(10_000),
  PING_DB_INTERVAL: integerish({ min: 1 }).default(2),
});

export interface PublisherConfig {
  service: ServiceEnv;
  sparqlEndpoint: string;
  taskOperation: string;
  /** Absolute IRI written as `dct:creator` (the lblod service wrote SERVICE_NAME as a relative IRI). */
  creator: string;
  jobsGraph: string;
  shareDir: string;
  relativeFilePath: string;
  /** Subjects per subject page: MAX_SUBJECT_COUNT capped below the store's row limit. */
  subjectPageSize: number;
  /** Subjects per triple query (`VALUES`). */
  subjectBatchSize: number;
  maxRows: number;
  scanIntervalMs: number;
  staleTaskAfterMs: number;
  /** Attempts of a dump that meets transient store failures, and the first delay between them (doubling). */
  dumpAttempts: number;
  dumpRetryDelayMs: number;
  cleanupGracePeriodMs: number;
  /** Without cleanupOldDumps, superseded dumps are removed this long after their successor (0 = never). */
  supersededRetentionMs: number;
  pingIntervalSeconds: number;
  streams: DumpStream[];
  source: string;
}

export function loadPublisherConfig(rawEnv: NodeJS.ProcessEnv = process.env, warnings = new ConfigWarnings()): PublisherConfig {
  const problems: ConfigProblem[] = [];
  let env: z.output<typeof envSchema> | undefined;
  try {
    env = readEnv(envSchema, rawEnv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const configPath = env?.CONFIG_PATH ?? rawEnv.CONFIG_PATH ?? '/config/config.json';
  let streams: DumpStream[] = [];
  try {
    const raw = readJsonFile(configPath);
    streamEntryWarnings(raw, warnings);
    const entries = parseConfig(configFileSchema, raw, { pathPrefix: configPath });
    const grouped = groupStreams(
      entries,
      { dcatGraph: env?.DCAT_DATASET_GRAPH ?? GRAPHS.public, filesGraph: env?.FILES_GRAPH ?? GRAPHS.public, gzip: env?.DUMP_GZIP ?? false },
      warnings,
      configPath,
    );
    streams = grouped.streams;
    problems.push(...grouped.problems);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !env) throw new ConfigError(problems);

  // The lblod default (1 000 000) exceeds every store's row limit; pages above it would be cut.
  const subjectPageSize = Math.min(env.MAX_SUBJECT_COUNT, env.SPARQL_MAX_ROWS - 1);
  if (subjectPageSize < env.MAX_SUBJECT_COUNT && rawEnv.MAX_SUBJECT_COUNT) {
    warnings.add({ path: 'env.MAX_SUBJECT_COUNT', message: `exceeds the store's row limit (SPARQL_MAX_ROWS ${env.SPARQL_MAX_ROWS}); using ${subjectPageSize}` });
  }
  return {
    service: env,
    sparqlEndpoint: env.MU_SPARQL_ENDPOINT,
    taskOperation: env.DUMP_FILE_CREATION_TASK_OPERATION,
    creator: creatorIri(env.SERVICE_NAME),
    jobsGraph: env.JOBS_GRAPH,
    shareDir: env.SHARE_DIR,
    relativeFilePath: env.RELATIVE_FILE_PATH,
    subjectPageSize,
    subjectBatchSize: Math.min(env.EXPORT_TTL_BATCH_SIZE, subjectPageSize),
    maxRows: env.SPARQL_MAX_ROWS,
    scanIntervalMs: env.TASK_SCAN_INTERVAL_MS,
    staleTaskAfterMs: env.STALE_TASK_AFTER_MS,
    dumpAttempts: env.DUMP_ATTEMPTS,
    dumpRetryDelayMs: env.DUMP_RETRY_DELAY_MS,
    cleanupGracePeriodMs: env.CLEANUP_GRACE_PERIOD_MS,
    supersededRetentionMs: Math.round(env.SUPERSEDED_DUMP_RETENTION_DAYS * 86_400_000),
    pingIntervalSeconds: env.PING_DB_INTERVAL,
    streams,
    source: configPath,
  };
}

/** SERVICE_NAME as an absolute IRI: kept when it is one, else under lblod's services namespace. */
export function creatorIri(serviceName: string): string {
  if (invalidIriReason(serviceName) === undefined) return serviceName;
  const base = CREATORS.dumpPublisher.slice(0, CREATORS.dumpPublisher.length - LBLOD_SERVICE_NAME.length);
  return `${base}${encodeURIComponent(serviceName)}`;
}
