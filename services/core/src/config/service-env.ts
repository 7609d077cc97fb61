import { z } from 'zod';
import { byteSize, describeValue, integerish, nonEmptyString } from './config-values.js';

/** pino's levels; `silent` turns logging off. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

function caseInsensitiveEnum<const Values extends readonly [string, ...string[]]>(values: Values) {
  const error = (issue: { input?: unknown }) =>
    issue.input === undefined ? undefined : `expected one of ${values.join(', ')}, got ${describeValue(issue.input)}`;
  return z.string({ error }).trim().toLowerCase().pipe(z.enum(values, { error }));
}

/** A pino level name, any case. */
export const logLevel = caseInsensitiveEnum(LOG_LEVELS);

/** `json` (one object per line, for log shippers) or `pretty` (for people at a terminal). */
export const logFormat = caseInsensitiveEnum(LOG_FORMATS);

/**
 * Environment every service reads. Services extend it (`serviceEnvSchema.extend({...})`).
 * MAX_BODY_SIZE is for ordinary JSON routes and comes out in bytes; delta routes set their own limit.
 */
export const serviceEnvSchema = z.object({
  PORT: integerish({ min: 0, max: 65535 }).default(80),
  HOST: nonEmptyString.default('0.0.0.0'),
  LOG_LEVEL: logLevel.default('info'),
  LOG_FORMAT: logFormat.default('json'),
  MAX_BODY_SIZE: byteSize.default(100 * 1024),
  REQUEST_TIMEOUT_MS: integerish({ min: 1 }).default(120_000),
  // docker compose waits 10 s between SIGTERM and SIGKILL by default.
  SHUTDOWN_TIMEOUT_MS: integerish({ min: 1 }).default(10_000),
});

export type ServiceEnv = z.output<typeof serviceEnvSchema>;
