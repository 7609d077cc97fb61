import type { z } from 'zod';
import { parseConfig } from './parse-config.js';

/**
 * Validates environment variables against `schema` (usually a `z.object` of config-value schemas).
 * Problems are reported at `env.NAME`, all at once, as a ConfigError.
 *
 * An empty string counts as unset, so the schema's default applies: docker-compose writes
 * `FOO=` or `FOO: ""` to mean "not configured", and treating that as a value would turn a
 * default into a validation error (or, worse, into an empty IRI or name).
 */
export function readEnv<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv = process.env): z.output<Schema> {
  const setVariables = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  return parseConfig(schema, setVariables, { pathPrefix: 'env' });
}
