/**
 * The dev-gateway's environment, validated at once (every problem reported together).
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | PORT | 8890 | HTTP port (`/sparql`, `/direct/sparql`, `/health`, `/ready`) |
 * | HOST | 127.0.0.1 | listen address; the gateway writes without authentication, so local only by default |
 * | DELTA_RULES | config/local/delta/rules.js | delta-notifier rules (relative to the working directory); a missing default file means no rules |
 * | DATA_DIR | ./data/dev-gateway | embedded store: snapshot + journal |
 * | BACKEND_SPARQL_URL | – | use this SPARQL endpoint (e.g. Virtuoso) instead of the embedded store |
 * | DELTA_MODE | effective | `effective` (sparql-parser deltas) or `elixir` (Elixir mu-authorization deltas) |
 * | DEFAULT_GRAPH | http://mu.semte.ch/application | graph of template triples without GRAPH and no WITH |
 * | RESULT_SET_MAX_ROWS | 10000 | embedded store: cut client SELECTs at this many rows, silently, like Virtuoso (0 = off) |
 * | JOURNAL_COMPACT_BYTES | 64mb | embedded store: journal size that triggers a snapshot |
 * | MAX_BODY_SIZE | 512mb | largest SPARQL request body |
 * | LOG_LEVEL, LOG_FORMAT, REQUEST_TIMEOUT_MS, SHUTDOWN_TIMEOUT_MS | see core's serviceEnvSchema | |
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { byteSize, describeValue, httpUrl, integerish, iri, nonEmptyString, readEnv, serviceEnvSchema, type LogFormat, type LogLevel } from '@delta-producer/core';
import { z } from 'zod';
import type { DeltaMode } from './update/changesets.js';

export const DEFAULT_DELTA_RULES = 'config/local/delta/rules.js';
export const DEFAULT_GRAPH = 'http://mu.semte.ch/application';
export const DEFAULT_RESULT_SET_MAX_ROWS = 10_000;
export const DEFAULT_JOURNAL_COMPACT_BYTES = 64 * 1024 * 1024;

const DELTA_MODES = ['effective', 'elixir'] as const;

const deltaMode = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(DELTA_MODES, { error: (issue) => `expected one of ${DELTA_MODES.join(', ')}, got ${describeValue(issue.input)}` }));

/** Runs only for a value that was set: a missing default file is allowed (no rules). */
const rulesFile = nonEmptyString.refine((path) => existsSync(resolve(path)), {
  error: (issue) => `no such file: ${describeValue(issue.input)} (resolved against ${process.cwd()})`,
});

export const devGatewayEnvSchema = serviceEnvSchema.extend({
  PORT: integerish({ min: 0, max: 65535 }).default(8890),
  HOST: nonEmptyString.default('127.0.0.1'),
  MAX_BODY_SIZE: byteSize.default(512 * 1024 * 1024),
  DELTA_RULES: rulesFile.optional(),
  DATA_DIR: nonEmptyString.default('./data/dev-gateway'),
  BACKEND_SPARQL_URL: httpUrl.optional(),
  DELTA_MODE: deltaMode.default('effective'),
  DEFAULT_GRAPH: iri.default(DEFAULT_GRAPH),
  RESULT_SET_MAX_ROWS: integerish({ min: 0 }).default(DEFAULT_RESULT_SET_MAX_ROWS),
  JOURNAL_COMPACT_BYTES: byteSize.default(DEFAULT_JOURNAL_COMPACT_BYTES),
});

export interface DevGatewayConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  bodyLimit: number;
  /** Absolute path of rules.js; `required` when DELTA_RULES was set (else a missing file means no rules). */
  deltaRules: { path: string; required: boolean };
  dataDir: string;
  backendSparqlUrl: string | undefined;
  deltaMode: DeltaMode;
  defaultGraph: string;
  resultSetMaxRows: number;
  journalCompactBytes: number;
}

/** Reads and validates the environment; throws core's ConfigError listing every problem. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): DevGatewayConfig {
  const values = readEnv(devGatewayEnvSchema, env);
  return {
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    logFormat: values.LOG_FORMAT,
    requestTimeoutMs: values.REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    bodyLimit: values.MAX_BODY_SIZE,
    deltaRules: { path: resolve(values.DELTA_RULES ?? DEFAULT_DELTA_RULES), required: values.DELTA_RULES !== undefined },
    dataDir: resolve(values.DATA_DIR),
    backendSparqlUrl: values.BACKEND_SPARQL_URL,
    deltaMode: values.DELTA_MODE,
    defaultGraph: values.DEFAULT_GRAPH,
    resultSetMaxRows: values.RESULT_SET_MAX_ROWS,
    journalCompactBytes: values.JOURNAL_COMPACT_BYTES,
  };
}
