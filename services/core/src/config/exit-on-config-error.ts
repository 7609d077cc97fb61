import { ConfigError } from './config-error.js';

/** The part of a logger that reporting needs; a pino logger fits. */
export interface ProblemLogger {
  fatal(bindings: object, message: string): void;
}

/** sysexits.h EX_CONFIG: "something was found in an unconfigured or misconfigured state". */
export const EXIT_CODE_CONFIG = 78;

/**
 * The boundary for configuration errors at start-up: reports every problem of a ConfigError
 * (to `logger`, else to stderr as JSON lines) and exits with code 78. Any other error is not a
 * configuration problem and is rethrown untouched. This is the only place config code exits.
 */
export function exitOnConfigError(error: unknown, logger?: ProblemLogger): never {
  if (!(error instanceof ConfigError)) throw error;
  for (const problem of error.problems) {
    if (logger) logger.fatal({ configPath: problem.path, problem: problem.message }, `invalid configuration: ${problem.path}: ${problem.message}`);
    else process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'invalid configuration', path: problem.path, problem: problem.message })}\n`);
  }
  process.exit(EXIT_CODE_CONFIG);
}
