import { hostname } from 'node:os';
import { pino, type DestinationStream, type LevelWithSilent, type Logger as PinoLogger } from 'pino';
import pinoPretty from 'pino-pretty';

export type Logger = PinoLogger;

export interface CreateLoggerOptions {
  level: LevelWithSilent;
  /** `json`: one object per line (default for services); `pretty`: human-readable, for a terminal. */
  format: 'json' | 'pretty';
  /** The service's name, on every line. */
  name: string;
  /** Extra fields on every line. */
  base?: Record<string, unknown>;
  /** Where lines go instead of stdout; tests use it to read what was logged. */
  destination?: DestinationStream;
}

/**
 * Fields that may hold secrets, at the top level and one level down (`*.key` covers `query.key`
 * and `config.key`). `key` is the mu-semtech name for the shared secret of protected routes.
 */
export const REDACTED_PATHS: readonly string[] = [
  'key',
  'password',
  'secret',
  'token',
  'authorization',
  'cookie',
  '*.key',
  '*.password',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.cookie',
  'headers["set-cookie"]',
  '*.headers.key',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
];

export function createLogger(options: CreateLoggerOptions): Logger {
  const loggerOptions = {
    name: options.name,
    level: options.level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    ...(options.base ? { base: { pid: process.pid, hostname: hostname(), ...options.base } } : {}),
  };
  if (options.format === 'pretty') {
    // In-process and synchronous (not a worker transport) so lines written just before
    // process.exit still appear.
    return pino(loggerOptions, pinoPretty({ sync: true, destination: options.destination ?? 1 }));
  }
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
}
