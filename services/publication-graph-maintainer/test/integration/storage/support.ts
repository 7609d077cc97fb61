/** Helpers of the durable-log tests: temp directories, a logger that keeps what it was told. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DurableLogLogger } from '../../../src/storage/index.js';

export interface LoggedLine {
  level: 'info' | 'warn';
  bindings: Record<string, unknown>;
  message: string;
}

export function recordingLogger(): DurableLogLogger & { lines: LoggedLine[]; warnings: () => LoggedLine[] } {
  const lines: LoggedLine[] = [];
  return {
    lines,
    warnings: () => lines.filter((line) => line.level === 'warn'),
    info: (bindings, message) => lines.push({ level: 'info', bindings: bindings as Record<string, unknown>, message }),
    warn: (bindings, message) => lines.push({ level: 'warn', bindings: bindings as Record<string, unknown>, message }),
  };
}

/** A fresh directory under the OS temp dir; `cleanUp` removes every one made so far. */
export function tempDirs(): { make: () => Promise<string>; cleanUp: () => Promise<void> } {
  const made: string[] = [];
  return {
    make: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'durable-log-'));
      made.push(dir);
      return dir;
    },
    cleanUp: async () => {
      for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
    },
  };
}
