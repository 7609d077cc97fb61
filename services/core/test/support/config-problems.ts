/** The problems of the ConfigError a config loader throws (tests of every service's config). */
import { ConfigError, type ConfigProblem } from '../../src/index.js';

function problemsFrom(error: unknown): ConfigProblem[] {
  if (error instanceof ConfigError) return [...error.problems];
  throw error;
}

export function problemsOf(run: () => unknown): ConfigProblem[] {
  try {
    run();
  } catch (error) {
    return problemsFrom(error);
  }
  throw new Error('expected a ConfigError');
}

export async function asyncProblemsOf(run: () => Promise<unknown>): Promise<ConfigProblem[]> {
  try {
    await run();
  } catch (error) {
    return problemsFrom(error);
  }
  throw new Error('expected a ConfigError');
}
