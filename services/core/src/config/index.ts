/**
 * Configuration: validated once at start, every problem reported at once.
 *
 * - Config values: zod schemas for values as the ecosystem writes them (`"true"`, `"1000"`, IRIs).
 * - parseConfig / readEnv / readJsonFile: turn raw input into typed config or throw a ConfigError.
 * - ConfigError: all problems, each at a path such as `streams[1].jobsGraph` or `env.PORT`.
 * - ConfigWarnings: legacy quirks noticed while loading, logged once the logger exists.
 * - exitOnConfigError: the start-up boundary that reports a ConfigError and exits with code 78.
 */
export { ConfigError, formatConfigPath, type ConfigProblem } from './config-error.js';
export {
  booleanish,
  byteSize,
  describeCharacter,
  describeValue,
  httpUrl,
  integerish,
  invalidIriReason,
  iri,
  nonEmptyString,
  numberish,
  urlPathSegment,
  type IntegerBounds,
} from './config-values.js';
export { configProblemsFromZod, parseConfig, type ParseConfigOptions } from './parse-config.js';
export { readEnv } from './env.js';
export { readJsonFile, type ReadJsonFileOptions } from './json-file.js';
export { locateJsonSyntaxError, type JsonSyntaxError } from './json-syntax-error.js';
export {
  ConfigWarnings,
  stringFalseQuirk,
  zeroReplacedByDefaultQuirk,
  type ConfigWarning,
  type WarningLogger,
} from './config-warnings.js';
export { EXIT_CODE_CONFIG, exitOnConfigError, type ProblemLogger } from './exit-on-config-error.js';
export {
  LOG_FORMATS,
  LOG_LEVELS,
  logFormat,
  logLevel,
  serviceEnvSchema,
  type LogFormat,
  type LogLevel,
  type ServiceEnv,
} from './service-env.js';
