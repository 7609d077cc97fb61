/**
 * loadRules re-imports an edited rules file under plain Node (Jest caches file contents, so this runs
 * in a child process with tsx).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const rulesModule = pathToFileURL(resolve(here, '../../../src/notifier/rules.ts')).href;

const script = `
import { writeFile } from 'node:fs/promises';
import { loadRules } from ${JSON.stringify(rulesModule)};
const file = process.argv[1];
const rule = (url) => ({ match: {}, callback: { url, method: 'POST' }, options: { resourceFormat: 'v0.0.1' } });
await writeFile(file, 'export default ' + JSON.stringify([rule('http://a.example/delta')]));
const first = await loadRules(file);
await writeFile(file, 'export default ' + JSON.stringify([rule('http://a.example/delta'), rule('http://b.example/delta')]));
const second = await loadRules(file);
console.log(JSON.stringify([first.length, second.map((r) => r.callback.url)]));
`;

describe('loadRules under Node', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notifier-reload-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('picks up an edited rules file on the next call', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=development', '--import', 'tsx', '--input-type=module', '-e', script, join(dir, 'rules.mjs')], {
      cwd: resolve(here, '../../../../..'),
    });
    expect(JSON.parse(stdout.trim())).toEqual([1, ['http://a.example/delta', 'http://b.example/delta']]);
  });
});
