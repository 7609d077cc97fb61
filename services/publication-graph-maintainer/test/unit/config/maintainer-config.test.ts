import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigWarnings, CREATORS, GRAPHS, SCOPES, TASK_OPERATIONS } from '@delta-producer/core';
import { IGNORED_STREAM_KEYS, logConfigNotes, MAINTAINER_WORKING_GRAPH_PREFIX, loadMaintainerConfig } from '../../../src/config/index.js';
import { createSourceGraphPolicy, isSourceGraph } from '../../../src/export/source-graphs.js';
import { asyncProblemsOf as problemsOf } from '../../../../core/test/support/config-problems.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/config');
const COMPAT_EXPORT = join(FIXTURES, 'export.compat-example.json');
const QUIRKS_EXPORT = join(FIXTURES, 'export.deployed-quirks.json');
const BROKEN_EXPORT = join(FIXTURES, 'export.broken.json');
const readFixture = (name: string): Record<string, Record<string, unknown>> => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/**
 * configuration-compat.md §2.3, verbatim (fixture), except `exportConfigPath`, which must name a file
 * that exists here: `/config/organizations/export.json` becomes the §3.3 example export.
 */
function compatExample(): Record<string, Record<string, unknown>> {
  const services = readFixture('services.compat-example.json');
  services.organizations!.exportConfigPath = COMPAT_EXPORT;
  return services;
}

const OPS = (name: string) => ({
  initialPublicationGraphSyncJobOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/initialPublicationGraphSyncing/${name}`,
  healingJobOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/healingOperation/${name}`,
});

/** A minimal valid stream. */
const stream = (name: string, extra: Record<string, unknown> = {}) => ({
  exportConfigPath: COMPAT_EXPORT,
  publicationGraph: `http://redpencil.data.gift/id/deltas/producer/${name}`,
  publisherUri: `http://data.lblod.info/services/delta-production-json-diff-file-manager-${name}`,
  ...OPS(name),
  filesPath: `/${name}/files`,
  loginPath: `/${name}/login`,
  ...extra,
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'maintainer-config-'));
}

/** Env pointing at a services file with `content` (an object is written as JSON). */
function withServices(content: unknown, extraEnv: Record<string, string> = {}, fileName = 'services.json'): Record<string, string> {
  const path = join(tempDir(), fileName);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return { CONFIG_SERVICES_JSON_PATH: path, ...extraEnv };
}

/** Problem paths without the temporary file name: `["organizations"].filesPath`. */
const shortPaths = (problems: { path: string }[]) => problems.map((problem) => problem.path.replace(/^.*services\.(json|js|cjs|mjs)(?=\[)/, '')).sort();

describe('services.json: the lblod format, read unchanged', () => {
  it('loads the §2.3 example with every default, endpoint and scope', async () => {
    const warnings = new ConfigWarnings();
    const config = await loadMaintainerConfig(withServices(compatExample()), warnings);
    expect(warnings.pending).toEqual([]);
    expect(config.streams).toHaveLength(1);
    const organizations = config.streams[0]!;
    expect(organizations).toMatchObject({
      name: 'organizations',
      exportConfigPath: COMPAT_EXPORT,
      publicationGraph: 'http://redpencil.data.gift/id/deltas/producer/organizations',
      jobsGraph: 'http://mu.semte.ch/graphs/jobs',
      jobOperations: {
        initialSync: 'http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/initialPublicationGraphSyncing/organizations',
        healing: 'http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/healingOperation/organizations',
      },
      errorCreatorUri: CREATORS.maintainer,
      reportingFilesGraph: undefined,
      waitForInitialSync: true,
      writeBatchSize: 1000,
      throttleMs: 0,
      excludedSourceGraphs: [],
      deltaFiles: {
        serve: true,
        filesPath: '/organizations/files',
        publisherUri: 'http://data.lblod.info/services/delta-production-json-diff-file-manager-organizations',
        filesGraph: 'http://redpencil.data.gift/id/deltas/producer/organizations-deltas',
        relativeFilePath: 'deltas/organizations',
        directory: '/share/deltas/organizations',
        debounceMs: 10000,
        retentionDays: undefined,
        maxTriplesPerOperation: 100,
        maxDeltasPerFile: 10,
        maxFilesPerRequest: 1000,
        prettyPrint: false,
      },
      login: { path: '/organizations/login', key: 'change-me', account: 'http://services.lblod.info/diff-consumer/account', accountGraph: GRAPHS.login },
    });
    // useVirtuosoForExpensiveSelects + both skipMuAuth flags, with the default environment.
    expect(organizations.endpoints).toEqual({
      sparqlEndpoint: 'http://database:8890/sparql',
      sourceReadEndpoint: 'http://virtuoso:8890/sparql',
      publicationReadEndpoint: 'http://virtuoso:8890/sparql',
      publicationWriteEndpoint: 'http://database:8890/sparql',
      initialSyncWriteEndpoint: 'http://virtuoso:8890/sparql',
      healingWriteEndpoint: 'http://virtuoso:8890/sparql',
    });
    expect(organizations.scopes).toEqual({
      liveWrites: SCOPES.publicationGraphMaintenance,
      healingWrites: SCOPES.publicationGraphMaintenance,
      initialSyncWrites: SCOPES.initialSync,
      deltaFileMetadata: SCOPES.publicationGraphMaintenance,
    });
    expect(config).toMatchObject({
      stores: {
        sparql: 'http://database:8890/sparql',
        muAuth: 'http://database:8890/sparql',
        virtuoso: 'http://virtuoso:8890/sparql',
        publicationMuAuth: 'http://database:8890/sparql',
        publicationVirtuoso: 'http://virtuoso:8890/sparql',
      },
      taskOperations: { initialSync: TASK_OPERATIONS.initialSync, healing: TASK_OPERATIONS.healing },
      sparqlRetry: { maxAttempts: 5 },
      deltaBodyLimitBytes: 100 * 1024 * 1024,
      dataDir: '/data',
      shareDir: '/share',
      logging: { incomingDelta: false, deltaRewrite: false },
      service: { PORT: 80, LOG_LEVEL: 'info' },
    });
    // The three keys that no longer have an effect, each noted.
    expect(config.ignored.map((setting) => [setting.key, setting.value])).toEqual([
      ['queuePollInterval', 3000],
      ['updatePublicationGraphSleep', 200],
      ['useFileDiff', true],
    ]);
  });

  it('exposes the source-graph policy inputs of every stream', async () => {
    const services = {
      ...compatExample(),
      public: stream('public', { excludedSourceGraphs: ['http://mu.semte.ch/graphs/private', 'http://mu.semte.ch/graphs/private'], reportingFilesGraph: 'http://mu.semte.ch/graphs/reports' }),
    };
    const config = await loadMaintainerConfig(withServices(services));
    const organizationsGraphs = {
      name: 'organizations',
      publicationGraph: 'http://redpencil.data.gift/id/deltas/producer/organizations',
      jobsGraph: 'http://mu.semte.ch/graphs/jobs',
      filesGraph: 'http://redpencil.data.gift/id/deltas/producer/organizations-deltas',
      loginGraph: GRAPHS.login,
      reportingFilesGraph: undefined,
    };
    const publicGraphs = {
      name: 'public',
      publicationGraph: 'http://redpencil.data.gift/id/deltas/producer/public',
      jobsGraph: GRAPHS.defaultJobs,
      filesGraph: GRAPHS.public,
      loginGraph: GRAPHS.login,
      reportingFilesGraph: 'http://mu.semte.ch/graphs/reports',
    };
    const publicationGraphs = ['http://redpencil.data.gift/id/deltas/producer/organizations', 'http://redpencil.data.gift/id/deltas/producer/public'];
    expect(config.sourceGraphPolicy).toEqual({
      streams: [organizationsGraphs, publicGraphs],
      publicationGraphs,
      jobsGraphs: ['http://mu.semte.ch/graphs/jobs', GRAPHS.defaultJobs],
      filesGraphs: ['http://mu.semte.ch/graphs/public', 'http://mu.semte.ch/graphs/reports', 'http://redpencil.data.gift/id/deltas/producer/organizations-deltas'],
      loginGraphs: [GRAPHS.login],
      // Only the publication graphs: jobs, files, report and login graphs may be shared source graphs.
      excludedGraphs: publicationGraphs,
      excludedPrefixes: [MAINTAINER_WORKING_GRAPH_PREFIX],
      excludedSourceGraphsByStream: { organizations: [], public: ['http://mu.semte.ch/graphs/private'] },
    });
    const [organizations, publicStream] = config.streams;
    // The shape the export module's createSourceGraphPolicy takes, per stream: all publication graphs
    // plus the stream's own excludedSourceGraphs.
    expect(organizations!.sourceGraphPolicy).toEqual({
      streams: [organizationsGraphs, publicGraphs],
      excludedSourceGraphs: [],
      excludedPrefixes: [MAINTAINER_WORKING_GRAPH_PREFIX],
      excludedGraphs: publicationGraphs,
      publicationGraphs,
    });
    expect(publicStream!.sourceGraphPolicy).toEqual({
      streams: [organizationsGraphs, publicGraphs],
      excludedSourceGraphs: ['http://mu.semte.ch/graphs/private'],
      excludedPrefixes: [MAINTAINER_WORKING_GRAPH_PREFIX],
      excludedGraphs: ['http://mu.semte.ch/graphs/private', ...publicationGraphs],
      publicationGraphs,
    });
    // What the export module makes of it: the jobs, files, report and login graphs are source graphs.
    const shared = ['http://mu.semte.ch/graphs/jobs', GRAPHS.defaultJobs, GRAPHS.public, 'http://mu.semte.ch/graphs/reports', 'http://redpencil.data.gift/id/deltas/producer/organizations-deltas', GRAPHS.login];
    const organizationsPolicy = createSourceGraphPolicy(organizations!.sourceGraphPolicy);
    const publicPolicy = createSourceGraphPolicy(publicStream!.sourceGraphPolicy);
    expect([...organizationsPolicy.excluded].sort()).toEqual(publicationGraphs);
    expect([...publicPolicy.excluded].sort()).toEqual(['http://mu.semte.ch/graphs/private', ...publicationGraphs]);
    for (const graph of shared) expect([graph, isSourceGraph(organizationsPolicy, graph), isSourceGraph(publicPolicy, graph)]).toEqual([graph, true, true]);
    expect(isSourceGraph(organizationsPolicy, 'http://mu.semte.ch/graphs/private')).toBe(true);
    for (const graph of publicationGraphs) expect([graph, isSourceGraph(organizationsPolicy, graph), isSourceGraph(publicPolicy, graph)]).toEqual([graph, false, false]);
  });

  it('reads a CommonJS module, as the lblod service require()d it', async () => {
    const env = withServices(`module.exports = ${JSON.stringify({ books: stream('books') })};`, {}, 'services.cjs');
    expect((await loadMaintainerConfig(env)).streams.map((s) => s.name)).toEqual(['books']);
  });

  it('reads an ES module (.mjs) through its default export', async () => {
    const env = withServices(`export default ${JSON.stringify({ books: stream('books') })};`, {}, 'services.mjs');
    expect((await loadMaintainerConfig(env)).streams.map((s) => s.name)).toEqual(['books']);
  });

  it('reports a module that throws', async () => {
    const problems = await problemsOf(() => loadMaintainerConfig(withServices(`throw new Error('boom');`, {}, 'services.cjs')));
    expect(problems).toEqual([{ path: expect.stringMatching(/services\.cjs$/), message: expect.stringMatching(/cannot load the module: boom/) }]);
  });

  it('resolves a relative exportConfigPath against the folder of services.json', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'books'));
    writeFileSync(join(dir, 'books', 'export.json'), readFileSync(COMPAT_EXPORT));
    writeFileSync(join(dir, 'services.json'), JSON.stringify({ books: stream('books', { exportConfigPath: 'books/export.json' }) }));
    expect((await loadMaintainerConfig({ CONFIG_SERVICES_JSON_PATH: join(dir, 'services.json') })).streams[0]!.exportConfigPath).toBe(join(dir, 'books', 'export.json'));
  });

  it('normalises paths: trailing "/" of routes, leading "/" of relativeFilePath (noted)', async () => {
    const config = await loadMaintainerConfig(withServices({ books: stream('books', { filesPath: '/books/files/', relativeFilePath: '/deltas/books' }) }, { SHARE_DIR: '/srv/share/' }));
    const [books] = config.streams;
    expect(books!.deltaFiles).toMatchObject({ filesPath: '/books/files', relativeFilePath: 'deltas/books', directory: '/srv/share/deltas/books' });
    expect(config.notes.map((note) => note.path)).toEqual([expect.stringMatching(/\["books"\]\.relativeFilePath$/)]);
  });

  it('takes the new keys', async () => {
    const [books] = (await loadMaintainerConfig(withServices({ books: stream('books', { excludedSourceGraphs: ['http://mu.semte.ch/graphs/staging'], throttleMs: '250', deltaFileRetentionDays: 30 }) }))).streams;
    expect(books).toMatchObject({ excludedSourceGraphs: ['http://mu.semte.ch/graphs/staging'], throttleMs: 250, deltaFiles: { retentionDays: 30 } });
  });

  it('needs no publisherUri while serveDeltaFiles is false', async () => {
    const { publisherUri: _publisherUri, ...withoutPublisher } = stream('books');
    const [books] = (await loadMaintainerConfig(withServices({ books: withoutPublisher }))).streams;
    expect(books!.deltaFiles).toMatchObject({ serve: false, publisherUri: undefined });
  });
});

describe('deployed quirks are read as written, with a warning where the lblod service read them differently', () => {
  it('accepts booleans and numbers as strings, and 0', async () => {
    const warnings = new ConfigWarnings();
    const services = {
      organizations: stream('organizations', {
        exportConfigPath: QUIRKS_EXPORT,
        serveDeltaFiles: 'true',
        key: 'secret',
        deltaInterval: '0',
        healingInitialBatchSizeInsert: 0,
        throttleMs: 0,
        skipMuAuthHealing: 'True',
        skipMuAuthInitialSync: 'false',
        waitForInitialSync: 'FALSE',
      }),
      public: stream('public', { deltaInterval: '10000', healingInitialBatchSizeInsert: '500', serveDeltaFiles: false }),
    };
    const config = await loadMaintainerConfig(withServices(services), warnings);
    const [organizations, publicStream] = config.streams;
    expect(organizations).toMatchObject({
      deltaFiles: { serve: true, debounceMs: 0 },
      writeBatchSize: 1000,
      throttleMs: 0,
      skipMuAuthHealing: true,
      skipMuAuthInitialSync: false,
      waitForInitialSync: false,
    });
    expect(publicStream).toMatchObject({ deltaFiles: { serve: false, debounceMs: 10000 }, writeBatchSize: 500 });
    // "true" and "false" mean the same there; "True", "FALSE" and the zeros did not.
    const byPath = Object.fromEntries(warnings.pending.map((warning) => [warning.path.replace(/^.*services\.json/, ''), warning.message]));
    expect(Object.keys(byPath).sort()).toEqual([
      `${QUIRKS_EXPORT}.prefixes`,
      '["organizations"].deltaInterval',
      '["organizations"].healingInitialBatchSizeInsert',
      '["organizations"].skipMuAuthHealing',
      '["organizations"].waitForInitialSync',
    ]);
    expect(byPath['["organizations"].deltaInterval']).toMatch(/is 0: the lblod service would have used its default 1000; using 0/);
    expect(byPath['["organizations"].healingInitialBatchSizeInsert']).toMatch(/is 0.*using the default 1000/);
    expect(byPath['["organizations"].skipMuAuthHealing']).toMatch(/"True": the lblod service would have read it as false; read as true/);
    expect(byPath['["organizations"].waitForInitialSync']).toMatch(/"FALSE": the lblod service would have read it as true; read as false/);
  });

  it('loads an export.json with "strictTypeExport": "true" and a prefixes key, warning about the ignored prefixes', async () => {
    const warnings = new ConfigWarnings();
    const [stream0] = (await loadMaintainerConfig(withServices({ mandatarissen: stream('mandatarissen', { exportConfigPath: QUIRKS_EXPORT }) }), warnings)).streams;
    expect(stream0!.exportConfigPath).toBe(QUIRKS_EXPORT);
    expect(stream0!.exportConfig.entries).toHaveLength(1);
    expect(stream0!.exportConfig.entries[0]).toMatchObject({ type: 'http://data.vlaanderen.be/ns/mandaat#Mandataris', strictTypeExport: true });
    // "true" meant true there as well: only the ignored prefixes are worth a warning.
    expect(warnings.pending).toEqual([{ path: `${QUIRKS_EXPORT}.prefixes`, message: expect.stringMatching(/ignored/) }]);
  });

  it('loads the §3.3 example export through the export loader', async () => {
    const [organizations] = (await loadMaintainerConfig(withServices(compatExample()))).streams;
    expect(organizations!.exportConfig.conceptScheme).toBe('http://lblod.data.gift/concept-schemes/0c2f5a10-example');
    expect(organizations!.exportConfig.entries.map((entry) => [entry.type, entry.strictTypeExport, entry.hasRegexGraphsFilter])).toEqual([
      ['http://www.w3.org/ns/org#Organization', true, false],
      ['http://schema.org/ContactPoint', false, true],
      ['http://data.vlaanderen.be/ns/besluit#Besluit', false, false],
    ]);
  });

  it('warns about a graphsFilter graph that is never a source', async () => {
    const warnings = new ConfigWarnings();
    // The §3.3 example's first entry reads from http://mu.semte.ch/graphs/administrative-unit.
    await loadMaintainerConfig(withServices({ organizations: stream('organizations', { excludedSourceGraphs: ['http://mu.semte.ch/graphs/administrative-unit'] }) }), warnings);
    expect(warnings.pending).toEqual([{ path: `${COMPAT_EXPORT}.export[0].graphsFilter[0]`, message: expect.stringMatching(/never a source graph of stream "organizations"/) }]);
  });

  it('loads an export file shared by two streams once', async () => {
    const warnings = new ConfigWarnings();
    const config = await loadMaintainerConfig(withServices({ a: stream('a', { exportConfigPath: QUIRKS_EXPORT }), b: stream('b', { exportConfigPath: QUIRKS_EXPORT }) }), warnings);
    expect(config.streams[0]!.exportConfig).toBe(config.streams[1]!.exportConfig);
    expect(warnings.pending).toHaveLength(1);
  });

  it('notes each key that no longer has an effect, at info level', async () => {
    const ignoredKeys = {
      updatePublicationGraphSleep: 200,
      queuePollInterval: 3000,
      useFileDiff: true,
      useVirtuosoForExpensiveSelects: true,
      skipMuAuthDeltaFolding: 'true',
      healingMaxTriplesInMemory: 100000,
      logOutgoingDelta: true,
      errorGraph: 'http://mu.semte.ch/graphs/system/errors',
      deltaPath: '/books/delta',
    };
    const warnings = new ConfigWarnings();
    const config = await loadMaintainerConfig(withServices({ books: stream('books', ignoredKeys) }), warnings);
    expect(warnings.pending).toEqual([]);
    // useVirtuosoForExpensiveSelects still chooses the read endpoints, so it is not ignored.
    const expected = Object.keys(ignoredKeys).filter((key) => key !== 'useVirtuosoForExpensiveSelects');
    expect(config.ignored.map((setting) => setting.key).sort()).toEqual(expected.sort());
    expect(Object.keys(IGNORED_STREAM_KEYS).sort()).toEqual(expected.sort());
    for (const setting of config.ignored) {
      expect(setting).toMatchObject({ stream: 'books', value: ignoredKeys[setting.key as keyof typeof ignoredKeys] });
      expect(setting.path).toMatch(new RegExp(`\\["books"\\]\\.${setting.key}$`));
      expect(setting.message).toMatch(/no longer used|not use it/);
    }
    const info: string[] = [];
    logConfigNotes(config.notes, { info: (_bindings, message) => info.push(message) });
    expect(info).toHaveLength(expected.length);
    expect(info.find((message) => message.includes('updatePublicationGraphSleep'))).toMatch(/throttleMs/);
    expect(info.find((message) => message.includes('deltaPath'))).toMatch(/POST \/delta/);
  });

  it('warns about unknown keys and about a missing login key while serving files', async () => {
    const warnings = new ConfigWarnings();
    await loadMaintainerConfig(withServices({ books: stream('books', { serveDeltaFiles: true, publicationGraf: 'http://x.org/g' }) }), warnings);
    expect(warnings.pending.map((warning) => [warning.path.replace(/^.*services\.json/, ''), warning.message])).toEqual([
      ['["books"].publicationGraf', 'is not a known key and is ignored'],
      ['["books"].key', expect.stringMatching(/cannot log in/)],
    ]);
  });
});

describe('environment', () => {
  const services = () => ({ books: stream('books') });

  it('honours VIRTUOSO_ENDPOINT and MU_AUTH_ENDPOINT, which the lblod service ignored, with a warning each', async () => {
    const warnings = new ConfigWarnings();
    const env = withServices(services(), { VIRTUOSO_ENDPOINT: 'http://triplestore:8890/sparql', MU_AUTH_ENDPOINT: 'http://db:8890/sparql', MU_SPARQL_ENDPOINT: 'http://mu-auth/sparql' });
    const config = await loadMaintainerConfig(env, warnings);
    expect(config.stores).toEqual({
      sparql: 'http://mu-auth/sparql',
      muAuth: 'http://db:8890/sparql',
      virtuoso: 'http://triplestore:8890/sparql',
      publicationMuAuth: 'http://db:8890/sparql',
      publicationVirtuoso: 'http://triplestore:8890/sparql',
    });
    expect(config.streams[0]!.endpoints).toEqual({
      sparqlEndpoint: 'http://mu-auth/sparql',
      sourceReadEndpoint: 'http://db:8890/sparql',
      publicationReadEndpoint: 'http://db:8890/sparql',
      publicationWriteEndpoint: 'http://db:8890/sparql',
      initialSyncWriteEndpoint: 'http://db:8890/sparql',
      healingWriteEndpoint: 'http://db:8890/sparql',
    });
    expect(warnings.pending.map((warning) => warning.path).sort()).toEqual(['env.MU_AUTH_ENDPOINT', 'env.VIRTUOSO_ENDPOINT']);
    expect(warnings.pending.find((warning) => warning.path === 'env.VIRTUOSO_ENDPOINT')!.message).toMatch(/ignored this variable and used http:\/\/virtuoso:8890\/sparql/);
  });

  it('does not warn when the variables hold their defaults', async () => {
    const warnings = new ConfigWarnings();
    await loadMaintainerConfig(withServices(services(), { VIRTUOSO_ENDPOINT: 'http://virtuoso:8890/sparql', MU_AUTH_ENDPOINT: 'http://database:8890/sparql' }), warnings);
    expect(warnings.pending).toEqual([]);
  });

  it.each([
    [{}, { sourceReadEndpoint: 'MU', publicationReadEndpoint: 'PMU', publicationWriteEndpoint: 'PMU', initialSyncWriteEndpoint: 'PMU', healingWriteEndpoint: 'PMU' }],
    [{ skipMuAuthInitialSync: true }, { initialSyncWriteEndpoint: 'PV', healingWriteEndpoint: 'PMU', publicationWriteEndpoint: 'PMU' }],
    [{ skipMuAuthHealing: 'true' }, { initialSyncWriteEndpoint: 'PMU', healingWriteEndpoint: 'PV', publicationWriteEndpoint: 'PMU' }],
    [{ useVirtuosoForExpensiveSelects: true }, { sourceReadEndpoint: 'V', publicationReadEndpoint: 'PV', publicationWriteEndpoint: 'PMU', initialSyncWriteEndpoint: 'PMU' }],
  ])('resolves the endpoint table for %j', async (flags, expected) => {
    const names: Record<string, string> = { MU: 'http://mu-auth:8890/sparql', V: 'http://triplestore:8890/sparql', PMU: 'http://publication-auth:8890/sparql', PV: 'http://publication-triplestore:8890/sparql' };
    const env = withServices({ books: stream('books', flags) }, { MU_AUTH_ENDPOINT: names.MU!, VIRTUOSO_ENDPOINT: names.V!, PUBLICATION_MU_AUTH_ENDPOINT: names.PMU!, PUBLICATION_VIRTUOSO_ENDPOINT: names.PV! });
    const endpoints = (await loadMaintainerConfig(env)).streams[0]!.endpoints;
    expect(endpoints).toMatchObject(Object.fromEntries(Object.entries(expected).map(([key, name]) => [key, names[name]])));
  });

  it('reads the deployed environment (§7): publication store for reads and writes', async () => {
    const env = withServices(compatExample(), {
      MAX_BODY_SIZE: '50mb',
      PRETTY_PRINT_DIFF_JSON: 'true',
      PUBLICATION_VIRTUOSO_ENDPOINT: 'http://publication-triplestore:8890/sparql',
      PUBLICATION_MU_AUTH_ENDPOINT: 'http://publication-triplestore:8890/sparql',
      SUDO_QUERY_RETRY_FOR_HTTP_STATUS_CODES: '404,500,503',
    });
    const warnings = new ConfigWarnings();
    const config = await loadMaintainerConfig(env, warnings);
    expect(warnings.pending).toEqual([]);
    expect(config.deltaBodyLimitBytes).toBe(50 * 1024 * 1024);
    expect(config.deltaFileLimits.prettyPrint).toBe(true);
    expect(config.streams[0]!.endpoints).toMatchObject({
      sourceReadEndpoint: 'http://virtuoso:8890/sparql',
      publicationReadEndpoint: 'http://publication-triplestore:8890/sparql',
      publicationWriteEndpoint: 'http://publication-triplestore:8890/sparql',
      healingWriteEndpoint: 'http://publication-triplestore:8890/sparql',
    });
    expect(config.ignored.find((setting) => setting.key === 'SUDO_QUERY_RETRY_FOR_HTTP_STATUS_CODES')).toMatchObject({ value: '404,500,503', message: expect.stringMatching(/superseded/) });
  });

  it('reads the delta-file limits, with the pre-2023 names as fallbacks', async () => {
    const legacy = await loadMaintainerConfig(withServices(services(), { CACHE_CHUNK_STATEMENT: '50', CACHE_CHUNK_ARRAY: '5', MAX_DELTA_FILES_PER_REQUEST: '200' }));
    expect(legacy.deltaFileLimits).toEqual({ maxTriplesPerOperation: 50, maxDeltasPerFile: 5, maxFilesPerRequest: 200, prettyPrint: false });
    expect(legacy.streams[0]!.deltaFiles).toMatchObject({ maxTriplesPerOperation: 50, maxDeltasPerFile: 5 });
    expect(legacy.notes.map((note) => note.message)).toEqual([expect.stringMatching(/read as MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE/), expect.stringMatching(/read as MAX_DELTAS_PER_FILE/)]);

    const both = await loadMaintainerConfig(withServices(services(), { CACHE_CHUNK_STATEMENT: '50', MAX_TRIPLES_PER_OPERATION_IN_DELTA_FILE: '70' }));
    expect(both.deltaFileLimits.maxTriplesPerOperation).toBe(70);
    expect(both.notes[0]!.message).toMatch(/takes precedence/);
  });

  it('reads 0 as the default for sizes, and flags only the exact "true" as the lblod service did, with warnings', async () => {
    const warnings = new ConfigWarnings();
    const config = await loadMaintainerConfig(withServices(services(), { MAX_DELTAS_PER_FILE: '0', LOG_INCOMING_DELTA: 'TRUE', LOG_DELTA_REWRITE: 'false', PRETTY_PRINT_DIFF_JSON: 'true' }), warnings);
    expect(config.deltaFileLimits.maxDeltasPerFile).toBe(10);
    expect(config.logging).toEqual({ incomingDelta: true, deltaRewrite: false });
    expect(warnings.pending.map((warning) => warning.path).sort()).toEqual(['env.LOG_INCOMING_DELTA', 'env.MAX_DELTAS_PER_FILE']);
  });

  it('maps SUDO_QUERY_RETRY_MAX_ATTEMPTS onto the client and notes the superseded retry variables', async () => {
    const config = await loadMaintainerConfig(
      withServices(services(), { SUDO_QUERY_RETRY: 'true', SUDO_QUERY_RETRY_MAX_ATTEMPTS: '3', SUDO_QUERY_RETRY_FOR_CONNECTION_ERRORS: 'ECONNRESET', SUDO_QUERY_RETRY_TIMEOUT_INCREMENT_FACTOR: '0.3', LOG_SPARQL_ALL: 'true' }),
    );
    expect(config.sparqlRetry).toEqual({ maxAttempts: 3 });
    expect(config.ignored.map((setting) => setting.key).sort()).toEqual(['LOG_SPARQL_ALL', 'SUDO_QUERY_RETRY', 'SUDO_QUERY_RETRY_FOR_CONNECTION_ERRORS', 'SUDO_QUERY_RETRY_TIMEOUT_INCREMENT_FACTOR']);
    expect(config.notes.find((note) => note.path === 'env.SUDO_QUERY_RETRY_MAX_ATTEMPTS')!.message).toMatch(/attempts to 3/);
    expect((await loadMaintainerConfig(withServices(services(), { SUDO_QUERY_RETRY_MAX_ATTEMPTS: '0' }))).sparqlRetry).toEqual({ maxAttempts: 1 });
  });

  it('reads the folders, the body limit and the task operations', async () => {
    const config = await loadMaintainerConfig(withServices(services(), { DATA_DIR: '/var/lib/maintainer', SHARE_DIR: '/mnt/share', MAX_BODY_SIZE: '200mb', HEALING_TASK_OPERATION: 'http://example.org/healing' }));
    expect(config).toMatchObject({ dataDir: '/var/lib/maintainer', shareDir: '/mnt/share', deltaBodyLimitBytes: 200 * 1024 * 1024, taskOperations: { healing: 'http://example.org/healing' } });
    expect(config.streams[0]!.deltaFiles.directory).toBe('/mnt/share/deltas');
  });
});

describe('every problem of env, services.json and export.json is reported at once, with its path', () => {
  it('collects missing keys, bad values, duplicates, broken export paths and env problems together', async () => {
    const services = {
      organizations: stream('organizations', { publicationGraph: 'http://x.org/a graph', jobsGraph: 'graphs/jobs', healingInitialBatchSizeInsert: -5, deltaInterval: '-1', throttleMs: 1.5, serveDeltaFiles: 'yes' }),
      public: stream('public', {
        publicationGraph: 'http://redpencil.data.gift/id/deltas/producer/besluiten',
        filesPath: '/organizations/files',
        loginPath: 'public/login',
        publisherUri: 'http://data.lblod.info/services/delta-production-json-diff-file-manager-organizations',
        exportConfigPath: '/nonexistent/public/export.json',
      }),
      besluiten: stream('besluiten', { serveDeltaFiles: true, publisherUri: undefined, deltaFileRetentionDays: 0, excludedSourceGraphs: ['not an iri'] }),
      'bad/name': stream('bad'),
      incomplete: { exportConfigPath: '/nonexistent/incomplete.json' },
      brokenExport: stream('brokenExport', { exportConfigPath: BROKEN_EXPORT }),
      notAnObject: 'organizations',
    };
    const problems = await problemsOf(() => loadMaintainerConfig(withServices(services, { PORT: 'eighty', MU_AUTH_ENDPOINT: 'database', MAX_DELTAS_PER_FILE: '-1' })));
    expect(shortPaths(problems)).toEqual(
      [
        'env.MAX_DELTAS_PER_FILE',
        'env.MU_AUTH_ENDPOINT',
        'env.PORT',
        '["organizations"].publicationGraph',
        '["organizations"].jobsGraph',
        '["organizations"].healingInitialBatchSizeInsert',
        '["organizations"].deltaInterval',
        '["organizations"].throttleMs',
        '["organizations"].serveDeltaFiles',
        '["public"].loginPath',
        '["public"].exportConfigPath',
        '["besluiten"].publisherUri',
        '["besluiten"].deltaFileRetentionDays',
        '["besluiten"].excludedSourceGraphs[0]',
        '["bad/name"]',
        '["incomplete"].publicationGraph',
        '["incomplete"].initialPublicationGraphSyncJobOperation',
        '["incomplete"].healingJobOperation',
        '["incomplete"].filesPath',
        '["incomplete"].loginPath',
        '["incomplete"].exportConfigPath',
        '["notAnObject"]',
        `${BROKEN_EXPORT}.export[0].type`,
        `${BROKEN_EXPORT}.export[0].properties`,
        `${BROKEN_EXPORT}.conceptScheme`,
        // Checked across streams among those that are otherwise valid enough to compare:
        // "public" is left out (broken export), so its duplicates are found once it loads.
      ].sort(),
    );
    const message = (path: string) => problems.find((problem) => problem.path.endsWith(path))!.message;
    expect(message('["organizations"].publicationGraph')).toMatch(/a space/);
    expect(message('["organizations"].jobsGraph')).toMatch(/absolute IRI/);
    expect(message('["organizations"].healingInitialBatchSizeInsert')).toMatch(/at least 0/);
    expect(message('["organizations"].throttleMs')).toMatch(/integer/);
    expect(message('["public"].loginPath')).toMatch(/must start with "\/"/);
    expect(message('["public"].exportConfigPath')).toBe('file not found: /nonexistent/public/export.json');
    expect(message('["besluiten"].publisherUri')).toMatch(/required when serveDeltaFiles is true/);
    expect(message('["bad/name"]')).toMatch(/stream name contains '\/'/);
    expect(message('["incomplete"].filesPath')).toBe('required');
    expect(message('["notAnObject"]')).toMatch(/must be an object/);
  });

  it('rejects streams that share a publication graph, route, publisher or job operation', async () => {
    const services = {
      organizations: stream('organizations'),
      public: stream('public', {
        publicationGraph: 'http://redpencil.data.gift/id/deltas/producer/organizations',
        filesPath: '/organizations/login/',
        loginPath: '/public/files',
        publisherUri: 'http://data.lblod.info/services/delta-production-json-diff-file-manager-organizations',
        healingJobOperation: OPS('organizations').initialPublicationGraphSyncJobOperation,
      }),
      besluiten: stream('besluiten', { filesPath: '/besluiten/x', loginPath: '/besluiten/x', publicationGraph: GRAPHS.defaultJobs }),
    };
    const problems = await problemsOf(() => loadMaintainerConfig(withServices(services)));
    expect(shortPaths(problems)).toEqual(
      ['["public"].publicationGraph', '["public"].filesPath', '["public"].publisherUri', '["public"].healingJobOperation', '["besluiten"].loginPath', '["besluiten"].publicationGraph'].sort(),
    );
    const message = (path: string) => problems.find((problem) => problem.path.endsWith(path))!.message;
    expect(message('["public"].publicationGraph')).toMatch(/already publicationGraph of stream "organizations"/);
    expect(message('["public"].filesPath')).toMatch(/route \/organizations\/login is already loginPath of stream "organizations"/);
    expect(message('["public"].healingJobOperation')).toMatch(/already initialPublicationGraphSyncJobOperation of stream "organizations"/);
    expect(message('["besluiten"].loginPath')).toMatch(/already this stream's filesPath/);
    expect(message('["besluiten"].publicationGraph')).toMatch(/also the jobsGraph of stream "organizations"/);
  });

  it.each([
    ['an array', [stream('books')], /object keyed by stream name/],
    ['a string', '"services"', /object keyed by stream name/],
    ['null', 'null', /object keyed by stream name/],
    ['an empty object', {}, /at least one stream/],
    ['invalid JSON', '{"books": ', /invalid JSON at line 1/],
  ])('rejects a top level that is %s', async (_name, content, message) => {
    const problems = await problemsOf(() => loadMaintainerConfig(withServices(content)));
    expect(problems).toEqual([{ path: expect.stringMatching(/services\.json$/), message: expect.stringMatching(message) }]);
  });

  it('reports a missing services file, and env problems with it', async () => {
    const problems = await problemsOf(() => loadMaintainerConfig({ CONFIG_SERVICES_JSON_PATH: '/nonexistent/services.json', SHARE_DIR: 'share' }));
    expect(problems).toEqual([
      { path: 'env.SHARE_DIR', message: 'must be an absolute path, got "share"' },
      { path: '/nonexistent/services.json', message: 'file not found' },
    ]);
  });

  it.each([
    ['a reserved route', { filesPath: '/delta' }, 'filesPath', /route of the service itself/],
    ['a route with a parameter', { loginPath: '/books/:id' }, 'loginPath', /may only hold/],
    ['a route with ".."', { filesPath: '/books/../files' }, 'filesPath', /".." segment/],
    ['a relativeFilePath with ".."', { relativeFilePath: 'deltas/../../etc' }, 'relativeFilePath', /without "\.\."/],
    ['a publication graph among the working graphs', { publicationGraph: `${MAINTAINER_WORKING_GRAPH_PREFIX}x` }, 'publicationGraph', /working graphs/],
    ['a non-string key', { key: 1234 }, 'key', /expected a string/],
    ['excludedSourceGraphs that is not an array', { excludedSourceGraphs: 'http://x.org/g' }, 'excludedSourceGraphs', /array of graph IRIs/],
  ])('rejects %s', async (_name, extra, key, message) => {
    const problems = await problemsOf(() => loadMaintainerConfig(withServices({ books: stream('books', extra) })));
    expect(problems).toEqual([{ path: expect.stringMatching(new RegExp(`\\["books"\\]\\.${key}$`)), message: expect.stringMatching(message) }]);
  });

  it('reports an export path that is a folder or unreadable', async () => {
    const dir = tempDir();
    const unreadable = join(dir, 'export.json');
    writeFileSync(unreadable, readFileSync(COMPAT_EXPORT));
    chmodSync(unreadable, 0o000);
    const services = { books: stream('books', { exportConfigPath: dir }), public: stream('public', { exportConfigPath: unreadable }) };
    const problems = await problemsOf(() => loadMaintainerConfig(withServices(services)));
    // (root reads any file: then only the folder is a problem)
    expect(problems.map((problem) => problem.message)).toEqual([`is not a file: ${dir}`, ...(process.getuid?.() === 0 ? [] : [`file not readable: ${unreadable}`])]);
  });
});
