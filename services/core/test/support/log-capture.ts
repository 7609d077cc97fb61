import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/runtime/index.js';

/** A real JSON logger whose lines are kept in memory, for asserting what was logged. */
export function createCapturingLogger(level: 'debug' | 'info' = 'debug'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level, format: 'json', name: 'test', destination });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines };
}
