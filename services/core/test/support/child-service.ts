import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export type LogLine = Record<string, unknown>;

/**
 * A TypeScript fixture run as its own Node process (through tsx, as in development), with its
 * stdout read as JSON log lines.
 */
export class ChildService {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly logLines: LogLine[] = [];
  stderr = '';
  #pendingStdout = '';
  #waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];

  constructor(fixturePath: string, env: Record<string, string>) {
    this.process = spawn(process.execPath, ['--import', 'tsx', '--conditions=development', fixturePath], {
      cwd: repositoryRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.#readStdout(chunk));
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves with the first log line (already written or still to come) that matches. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
    const seen = this.logLines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no matching log line within ${timeoutMs} ms; stdout: ${JSON.stringify(this.logLines)}; stderr: ${this.stderr}`));
      }, timeoutMs);
      this.#waiters.push({
        predicate,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /** Kills the process if it still runs; for test clean-up. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGKILL');
      await this.exited;
    }
  }

  #readStdout(chunk: string): void {
    const lines = (this.#pendingStdout + chunk).split('\n');
    this.#pendingStdout = lines.pop() ?? '';
    for (const text of lines.filter((line) => line.trim() !== '')) {
      const line = JSON.parse(text) as LogLine;
      this.logLines.push(line);
      const matching = this.#waiters.filter((waiter) => waiter.predicate(line));
      this.#waiters = this.#waiters.filter((waiter) => !matching.includes(waiter));
      for (const waiter of matching) waiter.resolve(line);
    }
  }
}

export function fixturePath(relativeToTestFolder: string): string {
  return fileURLToPath(new URL(`../${relativeToTestFolder}`, import.meta.url));
}
