import type { z } from 'zod';
import { ConfigError, formatConfigPath, type ConfigProblem } from './config-error.js';

export interface ParseConfigOptions {
  /** Put in front of every problem path, e.g. `env` or a config file's name. */
  pathPrefix?: string;
}

/**
 * Validates `input` against `schema` and returns the parsed value.
 * @throws ConfigError listing every problem zod found, each with its path.
 */
export function parseConfig<Schema extends z.ZodType>(schema: Schema, input: unknown, options: ParseConfigOptions = {}): z.output<Schema> {
  const result = schema.safeParse(input, { error: requiredWhenMissing });
  if (result.success) return result.data;
  throw new ConfigError(configProblemsFromZod(result.error.issues, options.pathPrefix), { cause: result.error });
}

// zod's own wording for a missing value is "expected string, received undefined"; operators read "required".
function requiredWhenMissing(issue: { code?: string; input?: unknown }): string | undefined {
  const isMissing = issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
  return isMissing ? 'required' : undefined;
}

/** One problem per zod issue; an unknown-keys issue becomes one problem per key, located at the key. */
export function configProblemsFromZod(issues: readonly z.core.$ZodIssue[], pathPrefix?: string): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatConfigPath([...issue.path, key], pathPrefix), message: 'unknown key' }));
    }
    return [{ path: formatConfigPath(issue.path, pathPrefix), message: issue.message }];
  });
}
