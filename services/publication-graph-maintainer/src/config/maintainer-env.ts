/**
 * The maintainer's environment variables (configuration-compat.md §2.4 and the inherited template and
 * mu-auth-sudo variables), on top of core's serviceEnvSchema.
 */
import { z } from 'zod';
import {
  booleanish,
  byteSize,
  ConfigWarnings,
  DEFAULT_RETRY,
  httpUrl,
  integerish,
  iri,
  nonEmptyString,
  serviceEnvSchema,
  TASK_OPERATIONS,
  type RetryOptions,
} from '@delta-producer/core';
import { MAX_RESOURCES_PER_QUERY } from '../export/export-query.js';
import type { ConfigNote, IgnoredSetting } from './notes.js';
import type { Stores } from './endpoints.js';
import { absoluteFolder, legacyBooleanQuirk, sizeWithLegacyZero, zeroTakesDefaultQuirk } from './values.js';

export const ENV_DEFAULTS = {
  CONFIG_SERVICES_JSON_PATH: '/config/services.json',
  MU_SPARQL_ENDPOINT: 'http://database:8890/sparql',
  MU_AUTH_ENDPOINT: 'http://database:8890/sparql',
  VIRTUOSO_ENDPOINT: 'http://virtuoso:8890/sparql',
  MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE: 100,
  MAX_DELTAS_PER_FILE: 10,
  MAX_DELTA_FILES_PER_REQUEST: 1000,
  DATA_DIR: '/data',
  SHARE_DIR: '/share',
  /** POST /delta: the issue requires bodies up to 100 MB. */
  MAX_BODY_SIZE: 100 * 1024 * 1024,
  /** Periodic scan for scheduled and abandoned tasks (deltas and start-up find them sooner). */
  TASK_SCAN_INTERVAL_MS: 60_000,
  /** A busy task whose dct:modified is older than this was abandoned by a crashed process. */
  TASK_STALE_AFTER_MS: 10 * 60_000,
  /** Resources per page of initial sync and healing (VALUES lists: at most MAX_RESOURCES_PER_QUERY). */
  TASK_PAGE_SIZE: 500,
} as const;


export const maintainerEnvSchema = serviceEnvSchema.extend({
  MAX_BODY_SIZE: byteSize.default(ENV_DEFAULTS.MAX_BODY_SIZE),
  CONFIG_SERVICES_JSON_PATH: nonEmptyString.default(ENV_DEFAULTS.CONFIG_SERVICES_JSON_PATH),
  MU_SPARQL_ENDPOINT: httpUrl.default(ENV_DEFAULTS.MU_SPARQL_ENDPOINT),
  MU_AUTH_ENDPOINT: httpUrl.default(ENV_DEFAULTS.MU_AUTH_ENDPOINT),
  VIRTUOSO_ENDPOINT: httpUrl.default(ENV_DEFAULTS.VIRTUOSO_ENDPOINT),
  PUBLICATION_MU_AUTH_ENDPOINT: httpUrl.optional(),
  PUBLICATION_VIRTUOSO_ENDPOINT: httpUrl.optional(),
  PRETTY_PRINT_DIFF_JSON: booleanish.default(false),
  LOG_INCOMING_DELTA: booleanish.default(false),
  LOG_DELTA_REWRITE: booleanish.default(false),
  MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE: sizeWithLegacyZero(ENV_DEFAULTS.MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE).optional(),
  CACHE_CHUNK_STATEMENT: sizeWithLegacyZero(ENV_DEFAULTS.MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE).optional(),
  MAX_DELTAS_PER_FILE: sizeWithLegacyZero(ENV_DEFAULTS.MAX_DELTAS_PER_FILE).optional(),
  CACHE_CHUNK_ARRAY: sizeWithLegacyZero(ENV_DEFAULTS.MAX_DELTAS_PER_FILE).optional(),
  MAX_DELTA_FILES_PER_REQUEST: sizeWithLegacyZero(ENV_DEFAULTS.MAX_DELTA_FILES_PER_REQUEST).default(ENV_DEFAULTS.MAX_DELTA_FILES_PER_REQUEST),
  // @lblod/mu-auth-sudo 0.6.1: the attempts are honoured, the rest is superseded by the client.
  // (The superseded ones are listed in IGNORED_ENV_VARS and not validated.)
  SUDO_QUERY_RETRY_MAX_ATTEMPTS: integerish({ min: 0 }).optional(),
  DATA_DIR: absoluteFolder.default(ENV_DEFAULTS.DATA_DIR),
  SHARE_DIR: absoluteFolder.default(ENV_DEFAULTS.SHARE_DIR),
  // Hard-coded in the lblod maintainer; variables here so they can agree with the initiator's ([AGREE]).
  INITIAL_PUBLICATION_GRAPH_SYNC_TASK_OPERATION: iri.default(TASK_OPERATIONS.initialSync),
  HEALING_TASK_OPERATION: iri.default(TASK_OPERATIONS.healing),
  // New: task pickup and the pages of initial sync and healing.
  TASK_SCAN_INTERVAL_MS: integerish({ min: 1000 }).default(ENV_DEFAULTS.TASK_SCAN_INTERVAL_MS),
  TASK_STALE_AFTER_MS: integerish({ min: 10_000 }).default(ENV_DEFAULTS.TASK_STALE_AFTER_MS),
  TASK_PAGE_SIZE: integerish({ min: 1, max: MAX_RESOURCES_PER_QUERY }).default(ENV_DEFAULTS.TASK_PAGE_SIZE),
});

export type MaintainerEnv = z.output<typeof maintainerEnvSchema>;

/** Variables accepted and not used, with the reason logged (info) when one is set. */
export const IGNORED_ENV_VARS: Readonly<Record<string, string>> = {
  SUDO_QUERY_RETRY: 'is superseded: the SPARQL client always retries transient failures (connection errors, timeouts, 429/502/503/504) and never others',
  SUDO_QUERY_RETRY_FOR_HTTP_STATUS_CODES: 'is superseded: the SPARQL client retries transient failures only (connection errors, timeouts, 429/502/503/504); other statuses such as 404 and 500 are not retried',
  SUDO_QUERY_RETRY_FOR_CONNECTION_ERRORS: 'is superseded: the SPARQL client retries every transient connection error',
  SUDO_QUERY_RETRY_TIMEOUT_INCREMENT_FACTOR: 'is superseded: the SPARQL client backs off exponentially with jitter, capped at 10 s',
  LOG_SPARQL_ALL: 'is not read by this service',
  LOG_SPARQL_QUERIES: 'is not read by this service',
  LOG_SPARQL_UPDATES: 'is not read by this service',
  DEBUG_AUTH_HEADERS: 'is not read by this service',
};

/** Values the lblod maintainer read differently (warnings) and variables that are only accepted (notes). */
export function inspectEnv(rawEnv: NodeJS.ProcessEnv, env: MaintainerEnv, warnings: ConfigWarnings, notes: ConfigNote[], ignored: IgnoredSetting[]): void {
  const set = (name: string): string | undefined => (rawEnv[name] === '' ? undefined : rawEnv[name]);
  for (const name of ['PRETTY_PRINT_DIFF_JSON', 'LOG_INCOMING_DELTA', 'LOG_DELTA_REWRITE']) warnings.add(legacyBooleanQuirk(`env.${name}`, set(name), 'exactStringTrue'));
  const sizes: [string, number][] = [
    ['MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE', ENV_DEFAULTS.MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE],
    ['CACHE_CHUNK_STATEMENT', ENV_DEFAULTS.MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE],
    ['MAX_DELTAS_PER_FILE', ENV_DEFAULTS.MAX_DELTAS_PER_FILE],
    ['CACHE_CHUNK_ARRAY', ENV_DEFAULTS.MAX_DELTAS_PER_FILE],
    ['MAX_DELTA_FILES_PER_REQUEST', ENV_DEFAULTS.MAX_DELTA_FILES_PER_REQUEST],
  ];
  for (const [name, legacyDefault] of sizes) warnings.add(zeroTakesDefaultQuirk(`env.${name}`, set(name), legacyDefault));
  // The lblod service read both from the wrong object and always used the defaults (pitfall 60).
  for (const name of ['VIRTUOSO_ENDPOINT', 'MU_AUTH_ENDPOINT'] as const) {
    if (set(name) !== undefined && env[name] !== ENV_DEFAULTS[name]) {
      warnings.add({ path: `env.${name}`, message: `is ${JSON.stringify(env[name])}: the lblod service ignored this variable and used ${ENV_DEFAULTS[name]}; using ${env[name]}` });
    }
  }
  const legacyNames: [string, string][] = [
    ['CACHE_CHUNK_STATEMENT', 'MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE'],
    ['CACHE_CHUNK_ARRAY', 'MAX_DELTAS_PER_FILE'],
  ];
  for (const [legacy, current] of legacyNames) {
    if (set(legacy) === undefined) continue;
    notes.push({
      path: `env.${legacy}`,
      message: set(current) === undefined ? `is the name used before 2023-07: read as ${current}` : `is ignored: ${current} is set too and takes precedence`,
    });
  }
  if (env.SUDO_QUERY_RETRY_MAX_ATTEMPTS !== undefined) {
    notes.push({ path: 'env.SUDO_QUERY_RETRY_MAX_ATTEMPTS', message: `sets the SPARQL client's attempts to ${sparqlRetry(env).maxAttempts} (retries of transient failures only)` });
  }
  for (const [name, reason] of Object.entries(IGNORED_ENV_VARS)) {
    const value = set(name);
    if (value === undefined) continue;
    const setting: IgnoredSetting = { path: `env.${name}`, message: reason, key: name, value };
    ignored.push(setting);
    notes.push(setting);
  }
}

export function resolveStores(env: MaintainerEnv): Stores {
  return {
    sparql: env.MU_SPARQL_ENDPOINT,
    muAuth: env.MU_AUTH_ENDPOINT,
    virtuoso: env.VIRTUOSO_ENDPOINT,
    publicationMuAuth: env.PUBLICATION_MU_AUTH_ENDPOINT ?? env.MU_AUTH_ENDPOINT,
    publicationVirtuoso: env.PUBLICATION_VIRTUOSO_ENDPOINT ?? env.VIRTUOSO_ENDPOINT,
  };
}

/** SUDO_QUERY_RETRY_MAX_ATTEMPTS → the client's attempts (at least one); unset → the client's default. */
export function sparqlRetry(env: MaintainerEnv): Pick<RetryOptions, 'maxAttempts'> {
  return { maxAttempts: env.SUDO_QUERY_RETRY_MAX_ATTEMPTS === undefined ? DEFAULT_RETRY.maxAttempts : Math.max(1, env.SUDO_QUERY_RETRY_MAX_ATTEMPTS) };
}

export interface DeltaFileLimits {
  /** MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE (legacy CACHE_CHUNK_STATEMENT): inserts or deletes per changeset. */
  maxTriplesPerOperation: number;
  /** MAX_DELTAS_PER_FILE (legacy CACHE_CHUNK_ARRAY): changesets per file. */
  maxDeltasPerFile: number;
  /** MAX_DELTA_FILES_PER_REQUEST: files per listing answer. */
  maxFilesPerRequest: number;
  /** PRETTY_PRINT_DIFF_JSON: indent the JSON of delta files. */
  prettyPrint: boolean;
}

export function deltaFileLimits(env: MaintainerEnv): DeltaFileLimits {
  return {
    maxTriplesPerOperation: env.MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE ?? env.CACHE_CHUNK_STATEMENT ?? ENV_DEFAULTS.MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE,
    maxDeltasPerFile: env.MAX_DELTAS_PER_FILE ?? env.CACHE_CHUNK_ARRAY ?? ENV_DEFAULTS.MAX_DELTAS_PER_FILE,
    maxFilesPerRequest: env.MAX_DELTA_FILES_PER_REQUEST,
    prettyPrint: env.PRETTY_PRINT_DIFF_JSON,
  };
}
