import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigWarnings } from '@delta-producer/core';
import { loadExportConfig, parseExportConfig, type ExportConfig } from '../../../src/export/export-config.js';
import { asyncProblemsOf, problemsOf } from '../../../../core/test/support/config-problems.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/export');
const ORG = 'http://www.w3.org/ns/org#Organization';
const UUID = 'http://mu.semte.ch/vocabularies/core/uuid';
const SCHEME = 'http://lblod.data.gift/concept-schemes/0c2f5a10-example';

const entry = (overrides: Record<string, unknown> = {}) => ({ type: ORG, properties: [UUID], ...overrides });
const parse = (raw: unknown, warnings = new ConfigWarnings()) => parseExportConfig(raw, { warnings });
const problems = (raw: unknown) => problemsOf(() => parse(raw));
const onlyProblem = (raw: unknown) => {
  const found = problems(raw);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const warningsOf = (raw: unknown) => {
  const warnings = new ConfigWarnings();
  parse(raw, warnings);
  return warnings.pending.map((warning) => `${warning.path}: ${warning.message}`);
};

describe('export.json fixtures (configuration-compat.md §3.3 shapes)', () => {
  it('reads organizations.json: path, list and regex filters, inverse segments, "true" strings, healing options', async () => {
    const warnings = new ConfigWarnings();
    const config = await loadExportConfig(join(FIXTURES, 'organizations.json'), { warnings });
    expect(config.conceptScheme).toBe(SCHEME);
    expect(config.entries).toHaveLength(3);
    const [organization, bestuurseenheid, contactPoint] = config.entries;
    expect(organization).toMatchObject({
      index: 0,
      type: ORG,
      conceptScheme: SCHEME,
      pathToConceptScheme: [
        { iri: 'http://www.w3.org/ns/org#classification', inverse: false },
        { iri: 'http://www.w3.org/2004/02/skos/core#inScheme', inverse: false },
      ],
      graphsFilter: ['http://mu.semte.ch/graphs/administrative-unit'],
      hasRegexGraphsFilter: false,
      strictTypeExport: true,
      healingOptions: { 'http://www.w3.org/2004/02/skos/core#prefLabel': { queryChunkSize: 50000 } },
    });
    expect(organization!.properties).toHaveLength(6);
    expect(organization!.additionalFilter).toBeUndefined();
    expect(bestuurseenheid).toMatchObject({ index: 1, strictTypeExport: false, healingOptions: {} });
    expect(contactPoint).toMatchObject({
      index: 2,
      hasRegexGraphsFilter: true,
      graphsFilter: ['http://mu.semte.ch/graphs/organizations/.*/LoketAdmin'],
      properties: [
        { iri: UUID, inverse: false },
        { iri: 'http://schema.org/email', inverse: false },
        { iri: 'http://schema.org/contactPoint', inverse: true },
      ],
    });
    expect(contactPoint!.pathToConceptScheme[0]).toEqual({ iri: 'http://schema.org/contactPoint', inverse: true });
    expect(warnings.pending).toEqual([{ path: 'prefixes', message: expect.stringContaining('is ignored') }]);
  });

  it('reads besluiten.json: additionalFilter, strictTypeExport, no concept scheme', async () => {
    const config = await loadExportConfig(join(FIXTURES, 'besluiten.json'));
    expect(config.conceptScheme).toBeUndefined();
    const [besluit, behandeling] = config.entries;
    expect(besluit).toMatchObject({
      strictTypeExport: true,
      additionalFilter: '?subject <http://schema.org/publication> <http://lblod.data.gift/concepts/published> .',
      pathToConceptScheme: [],
      graphsFilter: [],
    });
    expect(besluit!.conceptScheme).toBeUndefined();
    expect(behandeling).toMatchObject({ strictTypeExport: false, hasRegexGraphsFilter: false, healingOptions: {} });
  });
});

describe('loading JavaScript modules (the original require()d the file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'export-config-js-'));
  const body = JSON.stringify({ export: [entry()] });
  const expectLoaded = (config: ExportConfig) => expect(config.entries[0]).toMatchObject({ type: ORG, properties: [{ iri: UUID, inverse: false }] });

  it('a CommonJS .js module (module.exports)', async () => {
    const file = join(dir, 'commonjs.js');
    writeFileSync(file, `module.exports = ${body};\n`);
    expectLoaded(await loadExportConfig(file));
  });

  it('an ES module .js file (export default)', async () => {
    const file = join(dir, 'esm.js');
    writeFileSync(file, `export default ${body};\n`);
    expectLoaded(await loadExportConfig(file));
  });

  it('.cjs and .mjs files', async () => {
    writeFileSync(join(dir, 'config.cjs'), `module.exports = ${body};\n`);
    writeFileSync(join(dir, 'config.mjs'), `export default ${body};\n`);
    expectLoaded(await loadExportConfig(join(dir, 'config.cjs')));
    expectLoaded(await loadExportConfig(join(dir, 'config.mjs')));
  });

  it('a module that throws, or that does not exist, is a ConfigError naming the file', async () => {
    const file = join(dir, 'broken.js');
    writeFileSync(file, 'throw new Error("boom");\n');
    expect(await asyncProblemsOf(() => loadExportConfig(file))).toEqual([{ path: file, message: expect.stringContaining('boom') }]);
    expect(await asyncProblemsOf(() => loadExportConfig(join(dir, 'missing.js')))).toEqual([{ path: join(dir, 'missing.js'), message: 'file not found' }]);
  });

  it('JSON: missing file and syntax errors name the file', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ "export": [ }');
    expect(await asyncProblemsOf(() => loadExportConfig(file))).toEqual([{ path: file, message: expect.stringMatching(/^invalid JSON at line 1/) }]);
    expect(await asyncProblemsOf(() => loadExportConfig(join(dir, 'none.json')))).toEqual([{ path: join(dir, 'none.json'), message: 'file not found' }]);
  });

  it('problem paths can carry the stream name', async () => {
    const file = join(dir, 'prefixed.json');
    writeFileSync(file, JSON.stringify({ export: [{ type: 'not an iri', properties: [UUID] }] }));
    expect(await asyncProblemsOf(() => loadExportConfig(file, { pathPrefix: 'organizations' }))).toEqual([
      { path: 'organizations.export[0].type', message: expect.stringContaining('not an iri') },
    ]);
  });
});

describe('defaults', () => {
  it('fills pathToConceptScheme, graphsFilter, booleans and healingOptions', () => {
    expect(parse({ export: [entry()] }).entries[0]).toEqual({
      index: 0,
      type: ORG,
      properties: [{ iri: UUID, inverse: false }],
      pathToConceptScheme: [],
      graphsFilter: [],
      hasRegexGraphsFilter: false,
      strictTypeExport: false,
      healingOptions: {},
    });
  });

  it('a conceptScheme without any path is allowed and not copied onto entries', () => {
    const config = parse({ conceptScheme: SCHEME, export: [entry()] });
    expect(config.conceptScheme).toBe(SCHEME);
    expect(config.entries[0]!.conceptScheme).toBeUndefined();
  });
});

describe('every key is validated', () => {
  it('the file must be an object with a non-empty export array', () => {
    expect(onlyProblem([entry()])).toMatchObject({ path: '(root)' });
    expect(onlyProblem('text')).toMatchObject({ path: '(root)' });
    expect(onlyProblem({})).toEqual({ path: 'export', message: 'required' });
    expect(onlyProblem({ export: [] })).toEqual({ path: 'export', message: 'must contain at least one export entry' });
    expect(onlyProblem({ export: entry() })).toEqual({ path: 'export', message: 'expected an array of export entries' });
  });

  it('conceptScheme: an IRI, required when a path is not empty', () => {
    expect(onlyProblem({ conceptScheme: 'scheme', export: [entry()] })).toMatchObject({ path: 'conceptScheme', message: expect.stringContaining('absolute IRI') });
    expect(onlyProblem({ conceptScheme: 42, export: [entry()] })).toMatchObject({ path: 'conceptScheme' });
    expect(onlyProblem({ export: [entry(), entry({ pathToConceptScheme: [UUID] }), entry({ pathToConceptScheme: ['^' + UUID] })] })).toEqual({
      path: 'conceptScheme',
      message: 'required: export[1].pathToConceptScheme, export[2].pathToConceptScheme are not empty',
    });
    expect(onlyProblem({ export: [entry({ pathToConceptScheme: [UUID] })] })).toEqual({ path: 'conceptScheme', message: 'required: export[0].pathToConceptScheme is not empty' });
  });

  it('entries: objects with an IRI type', () => {
    expect(onlyProblem({ export: [entry(), 'x'] })).toEqual({ path: 'export[1]', message: 'expected an object with "type" and "properties"' });
    expect(onlyProblem({ export: [{ properties: [UUID] }] })).toEqual({ path: 'export[0].type', message: 'required' });
    expect(onlyProblem({ export: [entry({ type: 'Organization' })] })).toMatchObject({ path: 'export[0].type', message: expect.stringContaining('absolute IRI') });
    expect(onlyProblem({ export: [entry({ type: 'http://x/a b' })] })).toMatchObject({ path: 'export[0].type', message: expect.stringContaining('a space') });
  });

  it('properties: non-empty, each an IRI or ^IRI', () => {
    expect(onlyProblem({ export: [{ type: ORG }] })).toEqual({ path: 'export[0].properties', message: 'required' });
    expect(onlyProblem({ export: [entry({ properties: [] })] })).toEqual({ path: 'export[0].properties', message: 'must list at least one property' });
    expect(onlyProblem({ export: [entry({ properties: UUID })] })).toMatchObject({ path: 'export[0].properties' });
    expect(onlyProblem({ export: [entry({ properties: [UUID, 'uuid'] })] })).toMatchObject({ path: 'export[0].properties[1]', message: expect.stringContaining('absolute IRI') });
    expect(onlyProblem({ export: [entry({ properties: ['^'] })] })).toMatchObject({ path: 'export[0].properties[0]', message: expect.stringContaining('inverse property') });
    expect(onlyProblem({ export: [entry({ properties: ['^^' + UUID] })] })).toMatchObject({ path: 'export[0].properties[0]', message: expect.stringContaining("'^'") });
    expect(onlyProblem({ export: [entry({ properties: [UUID, 7] })] })).toMatchObject({ path: 'export[0].properties[1]', message: 'expected an IRI or ^IRI string' });
  });

  it('pathToConceptScheme: each an IRI or ^IRI', () => {
    expect(onlyProblem({ conceptScheme: SCHEME, export: [entry({ pathToConceptScheme: [UUID, 'bad'] })] })).toMatchObject({ path: 'export[0].pathToConceptScheme[1]' });
    expect(onlyProblem({ conceptScheme: SCHEME, export: [entry({ pathToConceptScheme: 'x' })] })).toMatchObject({ path: 'export[0].pathToConceptScheme' });
  });

  it('graphsFilter without regex: graph IRIs (with a hint about hasRegexGraphsFilter)', () => {
    expect(onlyProblem({ export: [entry({ graphsFilter: 'http://g' })] })).toMatchObject({ path: 'export[0].graphsFilter' });
    expect(onlyProblem({ export: [entry({ graphsFilter: ['http://g', 3] })] })).toMatchObject({ path: 'export[0].graphsFilter[1]', message: 'expected a string' });
    expect(onlyProblem({ export: [entry({ graphsFilter: ['http://mu.semte.ch/graphs/(a|b)'] })] })).toMatchObject({
      path: 'export[0].graphsFilter[0]',
      message: expect.stringContaining('set "hasRegexGraphsFilter": true'),
    });
  });

  it('graphsFilter with hasRegexGraphsFilter: JavaScript RegExps that SPARQL reads the same way', () => {
    const regex = (graphsFilter: unknown[], hasRegexGraphsFilter: unknown = true) => entry({ graphsFilter, hasRegexGraphsFilter });
    expect(parse({ export: [regex(['http://mu.semte.ch/graphs/organizations/.*/LoketAdmin', '^http:\\/\\/x\\/(?:a|b)[0-9]{2,}$'])] }).entries[0]!.graphsFilter).toHaveLength(2);
    expect(parse({ export: [regex(['http://x/(a|b)'], 'TRUE')] }).entries[0]!.hasRegexGraphsFilter).toBe(true);
    expect(onlyProblem({ export: [regex(['http://x/(a'])] })).toMatchObject({ path: 'export[0].graphsFilter[0]', message: expect.stringContaining('is not a valid regular expression') });
    expect(onlyProblem({ export: [regex(['(?<=graphs/)admin'])] })).toMatchObject({ path: 'export[0].graphsFilter[0]', message: expect.stringContaining('look-behind') });
    expect(onlyProblem({ export: [regex(['graphs/(?!private)'])] })).toMatchObject({ message: expect.stringContaining('look-ahead') });
    expect(onlyProblem({ export: [regex(['(?<org>[a-z]+)/LoketAdmin'])] })).toMatchObject({ message: expect.stringContaining('named groups') });
    expect(onlyProblem({ export: [regex(['(a)\\1'])] })).toMatchObject({ message: expect.stringContaining('back-references') });
    expect(onlyProblem({ export: [regex(['\\bLoket'])] })).toMatchObject({ message: expect.stringContaining('word boundary') });
    expect(onlyProblem({ export: [regex(['[[:alpha:]]+'])] })).toMatchObject({ message: expect.stringContaining('inside a character class') });
    expect(onlyProblem({ export: [regex(['a{x'])] })).toMatchObject({ message: expect.stringContaining('does not start a quantifier') });
    // The whole list is checked: every bad pattern is reported.
    expect(problems({ export: [regex(['ok', '(?=x)', 'also ok', '\\x41'])] }).map((problem) => problem.path)).toEqual(['export[0].graphsFilter[1]', 'export[0].graphsFilter[3]']);
  });

  it('hasRegexGraphsFilter and strictTypeExport: booleans or "true"/"false"', () => {
    const flags = (value: unknown) => parse({ export: [entry({ hasRegexGraphsFilter: value, strictTypeExport: value })] }).entries[0]!;
    expect(flags(true)).toMatchObject({ hasRegexGraphsFilter: true, strictTypeExport: true });
    expect(flags('true')).toMatchObject({ hasRegexGraphsFilter: true, strictTypeExport: true });
    expect(flags(false)).toMatchObject({ hasRegexGraphsFilter: false, strictTypeExport: false });
    expect(flags('false')).toMatchObject({ hasRegexGraphsFilter: false, strictTypeExport: false });
    expect(problems({ export: [entry({ hasRegexGraphsFilter: 'yes', strictTypeExport: 1 })] })).toEqual([
      { path: 'export[0].hasRegexGraphsFilter', message: 'expected true or false, got "yes"' },
      { path: 'export[0].strictTypeExport', message: 'expected true or false, got number 1' },
    ]);
  });

  it('additionalFilter: a string using ?subject, balanced braces, no reserved variables', () => {
    const filter = '?subject <http://schema.org/publication> <http://lblod.data.gift/concepts/published> .';
    expect(parse({ export: [entry({ additionalFilter: filter })] }).entries[0]!.additionalFilter).toBe(filter);
    expect(parse({ export: [entry({ additionalFilter: '$subject a ?t . FILTER(?t != <http://x/{}>)' })] }).entries[0]!.additionalFilter).toBeDefined();
    expect(onlyProblem({ export: [entry({ additionalFilter: 12 })] })).toMatchObject({ path: 'export[0].additionalFilter' });
    expect(onlyProblem({ export: [entry({ additionalFilter: '?s <http://x/p> ?o .' })] })).toEqual({
      path: 'export[0].additionalFilter',
      message: 'must use ?subject for the exported resource (it is bound to each resource in turn)',
    });
    expect(onlyProblem({ export: [entry({ additionalFilter: '?subjectType <http://x/p> "?subject" .' })] })).toMatchObject({ message: expect.stringContaining('must use ?subject') });
    expect(onlyProblem({ export: [entry({ additionalFilter: '?subject <http://x/p> ?o } UNION { ?x ?y ?z' })] })).toMatchObject({ message: expect.stringContaining('without a matching "{"') });
    expect(onlyProblem({ export: [entry({ additionalFilter: '{ ?subject <http://x/p> ?o' })] })).toMatchObject({ message: expect.stringContaining('without a matching "}"') });
    expect(onlyProblem({ export: [entry({ additionalFilter: '?subject <http://x/p> ?dpHop1 .' })] })).toMatchObject({ message: expect.stringContaining('?dpHop1') });
  });

  it('healingOptions: property IRI → {queryChunkSize: positive integer}', () => {
    const withOptions = (healingOptions: unknown) => ({ export: [entry({ healingOptions })] });
    expect(parse(withOptions({ [UUID]: { queryChunkSize: '500' } })).entries[0]!.healingOptions).toEqual({ [UUID]: { queryChunkSize: 500 } });
    expect(onlyProblem(withOptions([]))).toMatchObject({ path: 'export[0].healingOptions' });
    expect(onlyProblem(withOptions({ [UUID]: 500 }))).toMatchObject({ path: `export[0].healingOptions["${UUID}"]` });
    expect(onlyProblem(withOptions({ [UUID]: {} }))).toEqual({ path: `export[0].healingOptions["${UUID}"].queryChunkSize`, message: 'required' });
    expect(onlyProblem(withOptions({ [UUID]: { queryChunkSize: 0 } }))).toMatchObject({ message: 'must be at least 1, got 0' });
    expect(onlyProblem(withOptions({ [UUID]: { queryChunkSize: -5 } }))).toMatchObject({ message: 'must be at least 1, got -5' });
    expect(onlyProblem(withOptions({ [UUID]: { queryChunkSize: 1.5 } }))).toMatchObject({ message: 'expected an integer, got number 1.5' });
    expect(onlyProblem(withOptions({ [UUID]: { queryChunkSize: 'many' } }))).toMatchObject({ message: 'expected a number, got "many"' });
    expect(onlyProblem(withOptions({ 'not an iri': { queryChunkSize: 5 } }))).toMatchObject({ path: 'export[0].healingOptions["not an iri"]', message: expect.stringContaining('key must be a property IRI') });
  });

  it('reports every problem of the file at once', () => {
    const found = problems({
      conceptScheme: 'nope',
      export: [
        { type: 'x', properties: [] },
        entry({ pathToConceptScheme: [UUID], graphsFilter: ['(?<=a)b'], hasRegexGraphsFilter: true, additionalFilter: '?s ?p ?o' }),
        'not an entry',
        entry({ healingOptions: { [UUID]: { queryChunkSize: 0 } }, strictTypeExport: 'maybe' }),
      ],
    });
    expect(found.map((problem) => problem.path)).toEqual([
      'conceptScheme',
      'export[0].type',
      'export[0].properties',
      'export[1].graphsFilter[0]',
      'export[1].additionalFilter',
      'export[2]',
      `export[3].strictTypeExport`,
      `export[3].healingOptions["${UUID}"].queryChunkSize`,
    ]);
    expect(() => parse({ conceptScheme: 'nope', export: [] })).toThrow(/invalid configuration \(2 problems\)/);
  });
});

describe('warnings (read as written, noticed once)', () => {
  it('ignored keys: prefixes (root and entry) and unknown keys', () => {
    expect(warningsOf({ prefixes: {}, exports: [], export: [entry({ prefixes: {}, graphFilter: [] })] })).toEqual([
      'prefixes: is ignored: export configs write every IRI in full (prefixes are not supported)',
      'exports: is not a known key and is ignored',
      'export[0].prefixes: is ignored: export configs write every IRI in full (prefixes are not supported)',
      'export[0].graphFilter: is not a known key and is ignored',
    ]);
  });

  it('?sForExport in additionalFilter, an empty additionalFilter', () => {
    expect(warningsOf({ export: [entry({ additionalFilter: '?subject <http://x/p> ?sForExport .' })] })).toEqual([expect.stringContaining('export[0].additionalFilter: mentions ?sForExport')]);
    const config = parse({ export: [entry({ additionalFilter: '  ' })] });
    expect(config.entries[0]!.additionalFilter).toBeUndefined();
    expect(warningsOf({ export: [entry({ additionalFilter: '' })] })).toEqual(['export[0].additionalFilter: is empty and is ignored (as the lblod maintainer did)']);
  });

  it('booleans the lblod maintainer read differently ("True" was false there)', () => {
    expect(warningsOf({ export: [entry({ strictTypeExport: 'True', hasRegexGraphsFilter: 'false' })] })).toEqual([
      'export[0].strictTypeExport: is the string "True": the lblod maintainer read only true/"true" as true (so this was false there); read as true',
    ]);
  });

  it('duplicate properties, healing options for unexported properties, unknown healing options', () => {
    const warnings = warningsOf({ export: [entry({ properties: [UUID, UUID], healingOptions: { 'http://x/other': { queryChunkSize: 5 }, [UUID]: { queryChunkSize: 5, pageSize: 3 } } })] });
    expect(warnings).toEqual([
      `export[0].properties[1]: repeats ${UUID}; listed once`,
      'export[0].healingOptions["http://x/other"]: names a property that the entry does not export; it has no effect',
      `export[0].healingOptions["${UUID}"].pageSize: is not a known healing option and is ignored`,
    ]);
    expect(parse({ export: [entry({ properties: [UUID, UUID, '^' + UUID] })] }).entries[0]!.properties).toEqual([
      { iri: UUID, inverse: false },
      { iri: UUID, inverse: true },
    ]);
  });

  it('a plain graph filter that looks like a regular expression', () => {
    expect(warningsOf({ export: [entry({ graphsFilter: ['http://mu.semte.ch/graphs/organizations/.*/LoketAdmin'] })] })).toEqual([
      expect.stringContaining('export[0].graphsFilter[0]: looks like a regular expression'),
    ]);
  });
});
