#!/usr/bin/env node
// `npm run bench -- [name ...]`: runs services/<service>/bench/<name>.bench.ts one after another (all of
// them when no name is given), each in its own Node process through tsx (support code: bench/support). Benchmarks are measurements, not tests: they
// print a table and write bench-results/<name>.json; targets are reported, never asserted.
//
// Env: BENCH_STORES   embedded,virtuoso (default both; Virtuoso is started with scripts/virtuoso.sh
//                     when it does not answer, and stopped again afterwards)
//      BENCH_SIZES    bench-specific sizes, e.g. 100000,1000000
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benches = new Map();
for (const service of readdirSync(join(root, 'services'))) {
  const dir = join(root, 'services', service, 'bench');
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.bench.ts')) benches.set(file.slice(0, -'.bench.ts'.length), join(dir, file));
  }
}
const available = [...benches.keys()].sort();
const requested = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark(s) ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of requested.length > 0 ? requested : available) {
  console.log(`\n=== bench ${name} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=development', '--expose-gc', benches.get(name)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    failed += 1;
    console.error(`bench ${name} failed (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
