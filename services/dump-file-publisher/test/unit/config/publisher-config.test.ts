import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigWarnings, GRAPHS, TASK_OPERATIONS } from '@delta-producer/core';
import { creatorIri, loadPublisherConfig } from '../../../src/config/publisher-config.js';
import { problemsOf } from '../../../../core/test/support/config-problems.js';

const DUMP_OP = 'http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/deltaDumpFileCreation/organizations';
const SYNC_OP = 'http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/initialPublicationGraphSyncing/organizations';

/** configuration-compat.md §4.1, verbatim. */
const ENTRY = {
  dcatDataSetSubject: 'http://data.lblod.info/datasets/delta-producer/dumps/OrganizationsCacheGraphDump',
  targetGraph: 'http://redpencil.data.gift/id/deltas/producer/organizations',
  fileBaseName: 'dump-organizations',
  targetDcatGraph: 'http://redpencil.data.gift/id/deltas/producer/organizations-deltas',
  targetFilesGraph: 'http://redpencil.data.gift/id/deltas/producer/organizations-deltas',
  publicationGraphEndpoint: 'http://publication-triplestore:8890/sparql',
  cleanupOldDumps: true,
};

function withConfig(config: unknown, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dump-config-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  return { CONFIG_PATH: path, ...env };
}

describe('config.json (the lblod format, read unchanged)', () => {
  it('reads the compatibility example: two job operations, one stream', () => {
    const config = loadPublisherConfig(withConfig({ [DUMP_OP]: ENTRY, [SYNC_OP]: ENTRY }));
    expect(config.streams).toEqual([
      {
        name: 'organizations',
        jobOperations: [DUMP_OP, SYNC_OP],
        dcatDataSetSubject: ENTRY.dcatDataSetSubject,
        targetGraph: ENTRY.targetGraph,
        fileBaseName: 'dump-organizations',
        dcatGraph: ENTRY.targetDcatGraph,
        filesGraph: ENTRY.targetFilesGraph,
        cleanupOldDumps: true,
        publicationGraphEndpoint: ENTRY.publicationGraphEndpoint,
        gzip: false,
      },
    ]);
    expect(config).toMatchObject({
      taskOperation: TASK_OPERATIONS.dump,
      creator: 'http://lblod.data.gift/services/delta-producer-dump-file-publisher',
      jobsGraph: GRAPHS.defaultJobs,
      shareDir: '/share',
      relativeFilePath: 'delta-producer-dumps',
      subjectPageSize: 9999,
      subjectBatchSize: 1000,
      cleanupGracePeriodMs: 3_600_000,
      supersededRetentionMs: 30 * 86_400_000,
    });
  });

  it('defaults the graphs from FILES_GRAPH and DCAT_DATASET_GRAPH, else the public graph', () => {
    const { targetDcatGraph: _d, targetFilesGraph: _f, ...entry } = ENTRY;
    expect(loadPublisherConfig(withConfig({ [DUMP_OP]: entry })).streams[0]).toMatchObject({ dcatGraph: GRAPHS.public, filesGraph: GRAPHS.public });
    expect(loadPublisherConfig(withConfig({ [DUMP_OP]: entry }, { FILES_GRAPH: 'http://g/files', DCAT_DATASET_GRAPH: 'http://g/dcat' })).streams[0]).toMatchObject({ dcatGraph: 'http://g/dcat', filesGraph: 'http://g/files' });
  });

  it('reads the string "false" as false (the lblod publisher read it as true) and warns', () => {
    const warnings = new ConfigWarnings();
    const config = loadPublisherConfig(withConfig({ [DUMP_OP]: { ...ENTRY, cleanupOldDumps: 'false' } }), warnings);
    expect(config.streams[0]!.cleanupOldDumps).toBe(false);
    expect(warnings.pending.map((warning) => warning.path)).toEqual([`["${DUMP_OP}"].cleanupOldDumps`]);
  });

  it('caps MAX_SUBJECT_COUNT below the row limit, with a warning', () => {
    const warnings = new ConfigWarnings();
    const config = loadPublisherConfig(withConfig({ [DUMP_OP]: ENTRY }, { MAX_SUBJECT_COUNT: '1000000', EXPORT_TTL_BATCH_SIZE: '20' }), warnings);
    expect(config.subjectPageSize).toBe(9999);
    expect(config.subjectBatchSize).toBe(20);
    expect(warnings.pending.map((warning) => warning.path)).toEqual(['env.MAX_SUBJECT_COUNT']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(() =>
      loadPublisherConfig(
        withConfig(
          {
            'not an iri': ENTRY,
            [DUMP_OP]: { ...ENTRY, targetGraph: 'http://bad>graph', cleanupOldDumps: 'sometimes', fileBaseName: '../x' },
            [SYNC_OP]: { dcatDataSetSubject: ENTRY.dcatDataSetSubject },
          },
          { EXPORT_TTL_BATCH_SIZE: '5000', PORT: 'eighty' },
        ),
      ),
    );
    const paths = problems.map((problem) => problem.path.replace(/^.*config\.json/, 'config.json')).sort();
    expect(paths).toEqual(
      [
        'env.EXPORT_TTL_BATCH_SIZE',
        'env.PORT',
        'config.json["not an iri"]',
        `config.json["${DUMP_OP}"].targetGraph`,
        `config.json["${DUMP_OP}"].cleanupOldDumps`,
        `config.json["${DUMP_OP}"].fileBaseName`,
        `config.json["${SYNC_OP}"].targetGraph`,
        `config.json["${SYNC_OP}"].fileBaseName`,
      ].sort(),
    );
  });

  it('refuses one dataset subject with two different settings, and two streams sharing a folder', () => {
    const other = { ...ENTRY, dcatDataSetSubject: 'http://data.lblod.info/datasets/other' };
    const problems = problemsOf(() => loadPublisherConfig(withConfig({ [DUMP_OP]: ENTRY, [SYNC_OP]: { ...ENTRY, targetGraph: 'http://g/other' }, 'http://ops/other': other })));
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining('one dataset subject is one stream'),
      expect.stringContaining('is also used by the stream of'),
      expect.stringContaining('is also used by the stream of'),
    ]);
  });

  it('warns when one subject is a substring of another', () => {
    const warnings = new ConfigWarnings();
    loadPublisherConfig(withConfig({ [DUMP_OP]: ENTRY, 'http://ops/x/longer': { ...ENTRY, dcatDataSetSubject: `${ENTRY.dcatDataSetSubject}2`, fileBaseName: 'b', targetGraph: 'http://g/b' } }), warnings);
    expect(warnings.pending.map((warning) => warning.message)).toEqual([expect.stringContaining('is a substring of')]);
  });

  it('names a missing or broken config file', () => {
    expect(problemsOf(() => loadPublisherConfig({ CONFIG_PATH: '/nonexistent/config.json' }))).toEqual([{ path: '/nonexistent/config.json', message: 'file not found' }]);
    expect(problemsOf(() => loadPublisherConfig(withConfig('{ "a": ')))[0]!.message).toMatch(/invalid JSON/);
  });
});

describe('dct:creator', () => {
  it('is always an absolute IRI (the lblod publisher wrote SERVICE_NAME as a relative one)', () => {
    expect(creatorIri('delta-producer-dump-file-publisher')).toBe('http://lblod.data.gift/services/delta-producer-dump-file-publisher');
    expect(creatorIri('my publisher')).toBe('http://lblod.data.gift/services/my%20publisher');
    expect(creatorIri('http://example.org/services/dumps')).toBe('http://example.org/services/dumps');
  });
});
