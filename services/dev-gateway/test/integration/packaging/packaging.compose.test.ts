/**
 * `docker-compose config` (Debian's docker-compose, installed by .ci/run) accepts both compose files and
 * merges them as the packaging test's own model does. Runs only with TEST_COMPOSE=1 (jest.config.js
 * leaves `*.compose.test.ts` out otherwise, so `npm test` needs no docker-compose); .ci/run sets it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { loadCompose, ROOT } from './compose.js';

const run = promisify(execFile);

test.each([[['docker-compose.yml']], [['docker-compose.yml', 'docker-compose.override.yml']]])('docker-compose config accepts %j and merges it as the packaging test does', async (files) => {
  const args = [...files.flatMap((file) => ['-f', file]), 'config'];
  const { stdout } = await run('docker-compose', args, { cwd: ROOT, timeout: 60_000 });
  const normalized = parse(stdout) as { services: Record<string, { environment?: Record<string, string>; volumes?: unknown[] }> };
  const model = loadCompose(...files);
  expect(Object.keys(normalized.services).sort()).toEqual([...model.services.keys()].sort());
  for (const [name, composeService] of model.services) {
    const environment = Object.fromEntries(Object.entries(normalized.services[name]!.environment ?? {}).map(([key, value]) => [key, String(value ?? '')]));
    expect([name, environment]).toEqual([name, composeService.environment]);
    expect([name, (normalized.services[name]!.volumes ?? []).length]).toEqual([name, composeService.mounts.length]);
  }
});
