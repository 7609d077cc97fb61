/**
 * Micro-benchmark of DurableLog appends (not a test): 1 KiB JSON records, with group commit under
 * concurrency and, for comparison, one awaited append at a time (one fsync each).
 *
 *   npx tsx services/publication-graph-maintainer/bench/durable-log.bench.ts [seconds per case] [dir]
 *
 * The directory defaults to a temp dir: put it on the disk the service will use, fsync cost is
 * what is measured.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeCrc32 } from '../src/storage/crc32.js';
import { DurableLog } from '../src/storage/index.js';

const seconds = Number(process.argv[2] ?? 3);
const baseDir = process.argv[3] ?? tmpdir();
const logger = { info: () => undefined, warn: (bindings: object, message: string) => console.warn(message, bindings) };
const payload = { kind: 'delta', body: 'x'.repeat(1024 - 26) }; // 1024 bytes of JSON
const recordBytes = Buffer.byteLength(JSON.stringify(payload)) + 29;

async function run(name: string, concurrency: number, batch: number): Promise<void> {
  const dir = await mkdtemp(join(baseDir, 'durable-log-bench-'));
  const log = await DurableLog.open({ dir, logger });
  const records = Array.from({ length: batch }, () => payload);
  const before = log.stats();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let appended = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        if (batch === 1) await log.append(payload);
        else await log.append(records);
        appended += batch;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const after = log.stats();
  await log.close();
  await rm(dir, { recursive: true, force: true });
  const commits = after.commits - before.commits;
  console.log(
    `${name.padEnd(34)} ${Math.round(appended / elapsed)
      .toLocaleString('en')
      .padStart(9)} appends/s  ${((appended * recordBytes) / elapsed / 1024 / 1024).toFixed(1).padStart(6)} MiB/s  ` +
      `${Math.round(commits / elapsed)
        .toLocaleString('en')
        .padStart(6)} fsyncs/s  ${(appended / Math.max(commits, 1)).toFixed(1).padStart(6)} records/fsync`,
  );
}

console.log(`DurableLog append benchmark: ${recordBytes}-byte records (1 KiB JSON + header), ${seconds} s per case, dir ${baseDir}, crc32 ${nativeCrc32 ? 'node:zlib' : 'table'}`);
await run('sequential (1 in flight)', 1, 1);
await run('group commit, 16 concurrent', 16, 1);
await run('group commit, 256 concurrent', 256, 1);
await run('group commit, 1024 concurrent', 1024, 1);
await run('batches of 100, 8 concurrent', 8, 100);
