/**
 * The maintainer as a child process running its real main.ts, for crash tests that SIGKILL it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ChildMaintainer {
  process: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startChildMaintainer(env: Record<string, string>): ChildMaintainer {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=development', main], {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { process: child, output, exited };
}

export async function waitForHealth(url: string, child: ChildMaintainer): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`maintainer exited early: ${child.output.join('')}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('maintainer did not answer /health');
}

/**
 * SIGKILLs the child at the first change in `watchDir` (when given) or after `delayMs`, whichever
 * comes first; resolves with whether SIGKILL ended it (it may have exited before).
 */
export async function killAtMoment(child: ChildMaintainer, options: { delayMs: number; watchDir?: string }): Promise<boolean> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, options.delayMs);
    const watcher = options.watchDir === undefined ? undefined : watch(options.watchDir, done);
    function done() {
      clearTimeout(timer);
      watcher?.close();
      resolve();
    }
  });
  child.process.kill('SIGKILL');
  const { signal } = await child.exited;
  return signal === 'SIGKILL';
}
