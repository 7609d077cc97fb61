/**
 * The SPARQL stores a benchmark runs against, each in its own process so that the measured process's
 * memory is the suite's own: the embedded store is the dev-gateway (oxigraph, RESULT_SET_MAX_ROWS
 * 10 000 like Virtuoso) started as a child process; Virtuoso is scripts/virtuoso.sh's instance,
 * started when it does not answer and stopped again at close.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type StoreKind = 'embedded' | 'virtuoso';

export interface BenchStore {
  kind: StoreKind;
  /** SPARQL endpoint without delta generation (queries and updates). */
  endpoint: string;
  /** Human-readable description for the report. */
  description: string;
  close(): Promise<void>;
}

/** BENCH_STORES (default `embedded,virtuoso`). */
export function benchStores(): StoreKind[] {
  const raw = process.env.BENCH_STORES ?? 'embedded,virtuoso';
  const kinds = raw.split(',').map((kind) => kind.trim()).filter(Boolean);
  for (const kind of kinds) if (kind !== 'embedded' && kind !== 'virtuoso') throw new Error(`BENCH_STORES: unknown store ${kind}`);
  return kinds as StoreKind[];
}

/** BENCH_SIZES as numbers, or the bench's defaults. */
export function benchSizes(defaults: number[]): number[] {
  const raw = process.env.BENCH_SIZES;
  if (!raw) return defaults;
  return raw.split(',').map((size) => {
    const value = Number(size.replace(/_/g, '').trim().replace(/k$/i, '000').replace(/m$/i, '000000'));
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`BENCH_SIZES: not a size: ${size}`);
    return value;
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForEndpoint(endpoint: string, child: ChildProcess | undefined, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`store process exited with ${child.exitCode}`);
    try {
      const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' }, body: 'ASK {}' });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${endpoint} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function openEmbedded(): Promise<BenchStore> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-embedded-'));
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=development', 'services/dev-gateway/src/main.ts'], {
    cwd: repositoryRoot,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DELTA_RULES: join(repositoryRoot, 'bench/support/no-rules.js'), LOG_LEVEL: 'warn', JOURNAL_COMPACT_BYTES: '1gb' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const endpoint = `http://127.0.0.1:${port}/direct/sparql`;
  await waitForEndpoint(endpoint, child);
  return {
    kind: 'embedded',
    endpoint,
    description: 'embedded store (dev-gateway, oxigraph, child process)',
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function openVirtuoso(): BenchStore {
  const script = join(repositoryRoot, 'scripts/virtuoso.sh');
  const running = spawnSync('bash', [script, 'status'], { encoding: 'utf8' }).status === 0;
  const started = spawnSync('bash', [script, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (started.status !== 0) throw new Error('scripts/virtuoso.sh start failed');
  const endpoint = started.stdout.trim().split('\n').at(-1)!;
  return {
    kind: 'virtuoso',
    endpoint,
    description: 'Virtuoso 7.2.5 (Debian virtuoso-opensource, scripts/virtuoso.sh)',
    close: async () => {
      if (!running) spawnSync('bash', [script, 'stop'], { stdio: 'inherit' });
    },
  };
}

export async function openBenchStore(kind: StoreKind): Promise<BenchStore> {
  return kind === 'embedded' ? openEmbedded() : openVirtuoso();
}

/** Runs `body` once per store of BENCH_STORES, each store opened and closed around it. */
export async function forEachStore(body: (store: BenchStore) => Promise<void>): Promise<void> {
  for (const kind of benchStores()) {
    const store = await openBenchStore(kind);
    try {
      await body(store);
    } finally {
      await store.close();
    }
  }
}
