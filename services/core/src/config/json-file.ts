import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { locateJsonSyntaxError } from './json-syntax-error.js';

export interface ReadJsonFileOptions {
  /** When true, a missing file gives `undefined` instead of an error. */
  optional?: boolean;
}

/**
 * Reads and parses a JSON config file (a leading byte-order mark is allowed).
 * @throws ConfigError naming the file when it is missing (unless optional), unreadable, or not
 *   valid JSON (with the line and column of the first syntax error).
 */
export function readJsonFile(filePath: string, options: ReadJsonFileOptions = {}): unknown {
  const text = readTextFile(filePath, options.optional === true);
  if (text === undefined) return undefined;
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(json);
  } catch (error) {
    const located = locateJsonSyntaxError(json);
    const message = located ? `invalid JSON at line ${located.line}, column ${located.column}: ${located.message}` : `invalid JSON: ${String(error)}`;
    throw new ConfigError([{ path: filePath, message }], { cause: error });
  }
}

function readTextFile(filePath: string, optional: boolean): string | undefined {
  try {
    return readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    const message = code === 'ENOENT' ? 'file not found' : `cannot read file: ${(error as Error).message}`;
    throw new ConfigError([{ path: filePath, message }], { cause: error });
  }
}
