import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@delta-producer/core';
import { loadRules, RulesError, validateRules, type RuleProblem } from '../../../src/notifier/rules.js';
import { recordingLogger } from './fixtures.js';

const valid = {
  match: { predicate: { type: 'uri', value: 'http://www.w3.org/ns/adms#status' } },
  callback: { url: 'http://localhost:8083/delta', method: 'POST' },
  options: { resourceFormat: 'v0.0.1', gracePeriod: 1000 },
};

function problemsOf(input: unknown): readonly RuleProblem[] {
  try {
    validateRules(input);
  } catch (error) {
    expect(error).toBeInstanceOf(RulesError);
    return (error as RulesError).ruleProblems;
  }
  throw new Error('expected a RulesError');
}

describe('validateRules', () => {
  it('accepts delta-notifier rules and fills in the defaults', () => {
    const { rules, warnings } = validateRules([valid, { match: {}, callback: { url: 'https://x.example/delta', method: 'POST' }, retryTimeout: 1000, options: { retry: 3 } }]);
    expect(warnings).toEqual([]);
    expect(rules[0]).toEqual({
      index: 0,
      match: valid.match,
      callback: valid.callback,
      options: { resourceFormat: 'v0.0.1', gracePeriod: 1000, ignoreFromSelf: false, foldEffectiveChanges: false, retry: 0 },
      retryTimeout: 250,
    });
    expect(rules[1]).toMatchObject({ index: 1, match: {}, options: { retry: 3, gracePeriod: 0 }, retryTimeout: 1000 });
    expect(rules[1]?.options.resourceFormat).toBeUndefined();
  });

  it.each([false, null, '', 0, undefined])('treats resourceFormat %p as "no body"', (resourceFormat) => {
    const { rules } = validateRules([{ ...valid, options: { resourceFormat } }]);
    expect(rules[0]?.options.resourceFormat).toBeUndefined();
  });

  it('names the rule index and the problem for an unknown resourceFormat', () => {
    const problems = problemsOf([valid, { ...valid, options: { resourceFormat: 'v0.0.2' } }]);
    expect(problems).toEqual([{ index: 1, path: 'options.resourceFormat', message: expect.stringContaining('"v0.0.2"') }]);
    expect(() => validateRules([valid, { ...valid, options: { resourceFormat: 'v0.0.2' } }], '/config/rules.js')).toThrow(
      /invalid delta rules in \/config\/rules\.js \(1 problem\):\n {2}rule 1 \(options\.resourceFormat\): must be "v0\.0\.1", "v0\.0\.0-genesis" or falsy/,
    );
  });

  it('is a ConfigError (the gateway exits through exitOnConfigError) locating problems as <file>[index].key', () => {
    let error: unknown;
    try {
      validateRules([valid, { ...valid, match: { object: { 'xml:lang': 1 } }, options: { resourceFormat: 'v0.0.2' } }], '/config/rules.js');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.path)).toEqual(['/config/rules.js[1].match.object["xml:lang"]', '/config/rules.js[1].options.resourceFormat']);
    expect(() => validateRules('x')).toThrow(expect.objectContaining({ problems: [{ path: 'rules', message: expect.stringContaining('must be an array') }] }));
  });

  it('explains callback.uri (the delta-notifier README typo)', () => {
    const problems = problemsOf([{ ...valid, callback: { uri: 'http://x/delta', method: 'POST' } }]);
    expect(problems).toEqual([{ index: 0, path: 'callback.url', message: 'required; found callback.uri, but delta-notifier reads callback.url' }]);
  });

  it('reports every problem of every rule at once', () => {
    const problems = problemsOf([
      valid,
      { match: { predicate: { type: 'url', value: 'x' } }, callback: { url: 'ftp://x/delta', method: 'POST' }, options: {} },
      'not a rule',
      { callback: { url: 'http://x/delta' }, options: { gracePeriod: -5, retry: 1.5, ignoreFromSelf: 'yes', optOutMuScopeIds: 'http://scope' }, retryTimeout: 'soon' },
      { match: { subjekt: {}, object: { valeu: 'x' } }, callback: { url: 'http://x/delta', method: 'POST' } },
    ]);
    expect(problems.map((problem) => `${problem.index} ${problem.path}`)).toEqual([
      '1 match.predicate.type',
      '1 callback.url',
      '2 ',
      '3 match',
      '3 callback.method',
      '3 options.gracePeriod',
      '3 options.ignoreFromSelf',
      '3 options.retry',
      '3 options.optOutMuScopeIds',
      '3 retryTimeout',
      '4 match.subjekt',
      '4 match.object.valeu',
    ]);
  });

  it('rejects a body-carrying format on GET', () => {
    expect(problemsOf([{ ...valid, callback: { url: 'http://x/delta', method: 'GET' } }])).toEqual([
      { index: 0, path: 'callback.method', message: expect.stringContaining('cannot carry a body') },
    ]);
    expect(validateRules([{ ...valid, callback: { url: 'http://x/delta', method: 'GET' }, options: {} }]).rules).toHaveLength(1);
  });

  it('rejects an export that is not an array', () => {
    expect(problemsOf({ rules: [] })).toEqual([{ index: -1, path: '', message: 'the default export must be an array of rules, got an object' }]);
  });

  it('warns about keys delta-notifier ignores, such as retryTimeout inside options', () => {
    const { rules, warnings } = validateRules([{ ...valid, options: { ...valid.options, retryTimeout: 5000, sendMatchesOnly: true }, comment: 'x' }]);
    expect(rules[0]?.retryTimeout).toBe(250);
    expect(warnings.map((warning) => warning.path)).toEqual(['comment', 'options.retryTimeout', 'options.sendMatchesOnly']);
    expect(warnings[1]?.message).toMatch(/reads retryTimeout from the rule entry itself/);
  });
});

describe('loadRules', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notifier-rules-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Re-reading an edited file cannot be observed here (Jest caches file contents per test file);
  // test/integration/notifier/rules-reload.test.ts checks it under plain Node.
  it('imports the default export of a rules file (relative imports allowed, as apps spread per-consumer files)', async () => {
    await writeFile(join(dir, 'maintainer.js'), `export default [${JSON.stringify({ ...valid, match: {} })}];\n`);
    await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
    const file = join(dir, 'rules.js');
    await writeFile(file, `import maintainer from './maintainer.js';\nexport default [...maintainer, ${JSON.stringify(valid)}];\n`);
    const loaded = await loadRules(file);
    expect(loaded.map((rule) => rule.index)).toEqual([0, 1]);
    expect(loaded[0]?.match).toEqual({});
    expect(await loadRules(file)).toEqual(loaded);
  });

  it('throws a RulesError naming the file and the rule', async () => {
    const file = join(dir, 'rules.mjs');
    await writeFile(file, `export default [${JSON.stringify(valid)}, ${JSON.stringify({ ...valid, options: { resourceFormat: 'v0.0.2' } })}];\n`);
    await expect(loadRules(file)).rejects.toThrow(new RegExp(`invalid delta rules in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*\\n {2}rule 1 \\(options\\.resourceFormat\\)`));
  });

  it('reports a file without default export, and one that does not import', async () => {
    const noDefault = join(dir, 'no-default.mjs');
    await writeFile(noDefault, 'export const rules = [];\n');
    await expect(loadRules(noDefault)).rejects.toThrow(/no default export/);
    await expect(loadRules(join(dir, 'missing.mjs'))).rejects.toBeInstanceOf(RulesError);
  });

  it('logs warnings through the given logger', async () => {
    const file = join(dir, 'rules.mjs');
    await writeFile(file, `export default [${JSON.stringify({ ...valid, options: { retryTimeout: 10 } })}];\n`);
    const logger = recordingLogger();
    await loadRules(file, { logger });
    expect(logger.messages('warn')).toEqual([expect.stringMatching(/^delta rules: rule 0 \(options\.retryTimeout\): ignored/)]);
  });

  it('accepts the local stack rules (config/local/delta/rules.js)', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const loaded = await loadRules(resolve(here, '../../../../../config/local/delta/rules.js'));
    expect(loaded.map((rule) => rule.callback.url)).toEqual(['http://localhost:8082/delta', 'http://localhost:8083/delta', 'http://localhost:8081/delta']);
    expect(loaded[0]?.options).toMatchObject({ resourceFormat: 'v0.0.1', gracePeriod: 250 });
    expect(loaded[1]?.match.object).toEqual({ type: 'uri', value: 'http://redpencil.data.gift/id/concept/JobStatus/scheduled' });
  });
});
