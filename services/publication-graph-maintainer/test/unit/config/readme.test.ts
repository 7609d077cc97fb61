import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IGNORED_ENV_VARS, IGNORED_STREAM_KEYS, KNOWN_STREAM_KEYS, NEW_STREAM_KEYS } from '../../../src/config/index.js';
import { maintainerEnvSchema } from '../../../src/config/maintainer-env.js';

const README = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../README.md'), 'utf8');

/** Rows of the table under `### <heading>`: first-column names (several per cell allowed) → status. */
function tableRows(heading: string): Map<string, string> {
  const section = README.split(`### ${heading}`)[1]!.split('\n### ')[0]!;
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 4 || !cells[1]!.startsWith('`')) continue;
    for (const match of cells[1]!.matchAll(/`([^`]+)`/g)) rows.set(match[1]!, cells[2]!);
  }
  return rows;
}

describe('README "Configuration" lists every key', () => {
  it('every services.json key, with its status', () => {
    const rows = tableRows('`services.json`');
    expect([...rows.keys()].sort()).toEqual([...KNOWN_STREAM_KEYS, ...Object.keys(IGNORED_STREAM_KEYS)].sort());
    for (const key of Object.keys(IGNORED_STREAM_KEYS)) expect(rows.get(key)).toBe('ignored');
    for (const key of NEW_STREAM_KEYS) expect(rows.get(key)).toBe('new');
  });

  it('every environment variable', () => {
    const rows = tableRows('Environment variables');
    const legacyFallbacks = ['CACHE_CHUNK_STATEMENT', 'CACHE_CHUNK_ARRAY'];
    const expected = [...Object.keys(maintainerEnvSchema.shape).filter((name) => !legacyFallbacks.includes(name)), ...Object.keys(IGNORED_ENV_VARS)];
    expect([...rows.keys()].sort()).toEqual(expected.sort());
    for (const name of Object.keys(IGNORED_ENV_VARS)) expect(rows.get(name)).toBe('ignored');
    for (const name of legacyFallbacks) expect(README).toContain(`\`${name}\``);
  });
});
