import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigWarnings, TASK_OPERATIONS } from '@delta-producer/core';
import { loadInitiatorConfig } from '../../../src/config/initiator-config.js';
import { problemsOf } from '../../../../core/test/support/config-problems.js';

const OPS = (name: string) => ({
  dumpFileCreationJobOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/deltaDumpFileCreation/${name}`,
  initialPublicationGraphSyncJobOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/initialPublicationGraphSyncing/${name}`,
  healingJobOperation: `http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/healingOperation/${name}`,
});

/** configuration-compat.md §1.4, verbatim. */
const COMPAT_EXAMPLE = [
  { name: 'organizations', jobsGraph: 'http://mu.semte.ch/graphs/jobs', ...OPS('organizations'), cronPatternDumpJob: '0 10 0 * * 6', cronPatternHealingJob: '0 0 2 * * *', startInitialSync: false, errorCreatorUri: 'http://lblod.data.gift/services/delta-producer-background-jobs-initiator-organizations', disableDumpFileCreation: false },
  { name: 'public', jobsGraph: 'http://mu.semte.ch/graphs/jobs', ...OPS('public'), cronPatternHealingJob: '42 * * * *', startInitialSync: true },
];

function withFiles(config: unknown, override?: unknown, extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'initiator-config-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, typeof config === 'string' ? config : JSON.stringify(config));
  const overridePath = join(dir, 'config.override.json');
  if (override !== undefined) writeFileSync(overridePath, typeof override === 'string' ? override : JSON.stringify(override));
  return { CONFIG_PATH: configPath, CONFIG_OVERRIDE_PATH: overridePath, ...extraEnv };
}

describe('config.json (the lblod format, read unchanged)', () => {
  it('reads the compatibility example with every default', () => {
    const config = loadInitiatorConfig(withFiles(COMPAT_EXAMPLE));
    const [organizations, publicStream] = config.streams;
    expect(organizations).toMatchObject({
      name: 'organizations',
      jobsGraph: 'http://mu.semte.ch/graphs/jobs',
      startInitialSync: false,
      cron: { healing: '0 0 2 * * *', dump: '0 10 0 * * 6', timeZone: 'UTC' },
      healingWaitsForInitialSync: true,
      errorCreatorUri: 'http://lblod.data.gift/services/delta-producer-background-jobs-initiator-organizations',
      failedInitialSyncPolicy: 'retry',
      manageJobLifecycle: true,
    });
    expect(organizations!.jobOperations.healing).toBe(OPS('organizations').healingJobOperation);
    expect(publicStream).toMatchObject({
      startInitialSync: true,
      // Five-field pattern: seconds = 0. Dump cron defaults to midnight.
      cron: { healing: '0 42 * * * *', dump: '0 0 0 * * *' },
      errorCreatorUri: 'http://lblod.data.gift/services/delta-producer-background-jobs-initiator/public',
    });
    expect(config.taskOperations).toEqual({ initialSync: TASK_OPERATIONS.initialSync, healing: TASK_OPERATIONS.healing, dump: TASK_OPERATIONS.dump });
    expect(config.unprefixedRoutes).toBe(false);
  });

  it('reads the app-digitaal-loket shape (dumps disabled, organisation jobs graph)', () => {
    const loket = [{ name: 'submissions', jobsGraph: 'http://mu.semte.ch/graphs/organizations/141d9d6b-54af-4d17-b313-8d1c30bc3f5b/LoketAdmin', ...OPS('submissions'), cronPatternDumpJob: '0 0 1 * * 6', cronPatternHealingJob: '0 0 2 * * *', startInitialSync: false, disableDumpFileCreation: true, errorCreatorUri: 'http://lblod.data.gift/services/delta-producer-background-jobs-initiator-submissions' }];
    const [stream] = loadInitiatorConfig(withFiles(loket)).streams;
    expect(stream!.cron.dump).toBeUndefined();
    expect(stream!.cron.healing).toBe('0 0 2 * * *');
  });

  it('accepts booleans written as strings, reading "false" as false and warning once', () => {
    const warnings = new ConfigWarnings();
    const [stream] = loadInitiatorConfig(withFiles([{ ...COMPAT_EXAMPLE[1], startInitialSync: 'false', disableDumpFileCreation: 'true', healShouldNotWaitForInitialSync: 'FALSE' }]), warnings).streams;
    expect(stream!.startInitialSync).toBe(false);
    expect(stream!.cron.dump).toBeUndefined();
    expect(stream!.healingWaitsForInitialSync).toBe(true);
    expect(warnings.pending.map((w) => w.path).sort()).toEqual(['[0].healShouldNotWaitForInitialSync', '[0].startInitialSync']);
  });

  it('warns about unknown keys without failing', () => {
    const warnings = new ConfigWarnings();
    loadInitiatorConfig(withFiles([{ ...COMPAT_EXAMPLE[1], deltaPath: '/x' }]), warnings);
    expect(warnings.pending).toEqual([{ path: '[0].deltaPath', message: 'is not a known key and is ignored' }]);
  });

  it('takes the new keys per stream, with service-wide env defaults', () => {
    const env = withFiles([{ ...COMPAT_EXAMPLE[1], jobTimeoutMinutes: 90, failedInitialSyncPolicy: 'wait-for-operator', cronTimeZone: 'Europe/Brussels', manageJobLifecycle: 'false', triggerToken: 'a-very-long-secret-token' }, { ...COMPAT_EXAMPLE[0] }], undefined, {
      JOB_TIMEOUT_MINUTES: '30',
      TRIGGER_TOKEN: 'service-wide-secret-token',
      CRON_TIME_ZONE: 'Europe/Amsterdam',
    });
    const [first, second] = loadInitiatorConfig(env).streams;
    expect(first).toMatchObject({ jobTimeoutMinutes: 90, failedInitialSyncPolicy: 'wait-for-operator', cron: { timeZone: 'Europe/Brussels' }, manageJobLifecycle: false, triggerToken: 'a-very-long-secret-token' });
    expect(second).toMatchObject({ jobTimeoutMinutes: 30, cron: { timeZone: 'Europe/Amsterdam' }, triggerToken: 'service-wide-secret-token' });
  });
});

describe('the override file', () => {
  it('replaces keys per stream before validation', () => {
    const config = loadInitiatorConfig(withFiles(COMPAT_EXAMPLE, { organizations: { startInitialSync: true, cronPatternHealingJob: '0 30 3 * * *' } }));
    expect(config.streams[0]).toMatchObject({ startInitialSync: true, cron: { healing: '0 30 3 * * *' } });
    expect(config.streams[1]!.startInitialSync).toBe(true);
  });

  it('is optional', () => {
    expect(loadInitiatorConfig(withFiles(COMPAT_EXAMPLE)).streams).toHaveLength(2);
  });

  it('reports invalid JSON, a wrong shape and unknown streams', () => {
    expect(problemsOf(() => loadInitiatorConfig(withFiles(COMPAT_EXAMPLE, '{"organizations": ')))[0]!.message).toMatch(/JSON|line/i);
    expect(problemsOf(() => loadInitiatorConfig(withFiles(COMPAT_EXAMPLE, [1])))[0]!.message).toMatch(/keyed by stream name/);
    expect(problemsOf(() => loadInitiatorConfig(withFiles(COMPAT_EXAMPLE, { organisations: { startInitialSync: true } })))[0]!.message).toMatch(/does not have/);
  });

  it('can break validation like any other value', () => {
    const problems = problemsOf(() => loadInitiatorConfig(withFiles(COMPAT_EXAMPLE, { public: { jobsGraph: 'not an iri' } })));
    expect(problems[0]!.path).toMatch(/\[1\]\.jobsGraph$/);
  });
});

describe('strict validation reports every problem at once', () => {
  it('collects problems of several keys and entries with their paths', () => {
    const bad = [
      { ...COMPAT_EXAMPLE[0], jobsGraph: 'http://x.org/a b', cronPatternHealingJob: '0 0 25 * * *' },
      { ...COMPAT_EXAMPLE[1], name: 'organizations', healingJobOperation: OPS('organizations').healingJobOperation, startInitialSync: 'yes' },
      { name: 'bad/name' },
    ];
    const problems = problemsOf(() => loadInitiatorConfig(withFiles(bad)));
    const paths = problems.map((p) => p.path.replace(/^.*config\.json/, ''));
    expect(paths).toEqual(
      expect.arrayContaining([
        '[0].jobsGraph',
        '[0].cronPatternHealingJob',
        '[1].startInitialSync',
        '[2].name',
        '[2].jobsGraph',
        '[2].healingJobOperation',
        '[2].startInitialSync',
      ]),
    );
    expect(problems.find((p) => p.path.endsWith('[0].jobsGraph'))!.message).toMatch(/U\+0020|space/);
    expect(problems.find((p) => p.path.endsWith('[0].cronPatternHealingJob'))!.message).toMatch(/hour/);
  });

  it('rejects duplicate names and shared operations (these would be checked after per-entry problems are fixed)', () => {
    const problems = problemsOf(() => loadInitiatorConfig(withFiles([COMPAT_EXAMPLE[1], { ...COMPAT_EXAMPLE[1] }])));
    expect(problems.map((p) => p.message).join('\n')).toMatch(/duplicate stream name "public"/);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/already used/);
  });

  it.each([
    ['a top level that is not an array', { organizations: {} }, /array/],
    ['an empty array', [], /at least one/],
    ['a cron with 4 fields', [{ ...COMPAT_EXAMPLE[1], cronPatternHealingJob: '* * * *' }], /5 or 6 fields/],
    ['an unknown preset', [{ ...COMPAT_EXAMPLE[1], cronPatternHealingJob: '@fortnightly' }], /preset/],
    ['an unknown time zone', [{ ...COMPAT_EXAMPLE[1], cronTimeZone: 'Mars/Olympus' }], /time zone/],
    ['a zero timeout', [{ ...COMPAT_EXAMPLE[1], jobTimeoutMinutes: 0 }], /positive/],
    ['an unknown policy', [{ ...COMPAT_EXAMPLE[1], failedInitialSyncPolicy: 'sometimes' }], /retry|wait-for-operator|Invalid option/],
    ['a short trigger token', [{ ...COMPAT_EXAMPLE[1], triggerToken: 'short' }], /16/],
    ['a relative errorCreatorUri', [{ ...COMPAT_EXAMPLE[1], errorCreatorUri: 'delta-producer' }], /absolute|scheme/],
    ['invalid JSON', '[{"name": ', /JSON|line/i],
  ])('rejects %s', (_name, config, message) => {
    const problems = problemsOf(() => loadInitiatorConfig(withFiles(config)));
    expect(problems.map((p) => p.message).join('\n')).toMatch(message);
  });

  it('reports env problems together', () => {
    const problems = problemsOf(() => loadInitiatorConfig(withFiles(COMPAT_EXAMPLE, undefined, { PORT: 'eighty', MU_SPARQL_ENDPOINT: 'database', JOB_TIMEOUT_MINUTES: '0' })));
    expect(problems.map((p) => p.path).sort()).toEqual(['env.JOB_TIMEOUT_MINUTES', 'env.MU_SPARQL_ENDPOINT', 'env.PORT']);
  });
});

describe('single-stream env mode (no config file)', () => {
  const legacyOps = {
    INITIAL_PUBLICATION_GRAPH_SYNC_JOB_OPERATION: OPS('default').initialPublicationGraphSyncJobOperation,
    HEALING_JOB_OPERATION: OPS('default').healingJobOperation,
    DUMP_FILE_CREATION_JOB_OPERATION: OPS('default').dumpFileCreationJobOperation,
  };
  const missingFile = { CONFIG_PATH: '/nonexistent/config.json' };

  it('builds one stream from the 0.4.x env vars with their defaults', () => {
    const config = loadInitiatorConfig({ ...missingFile, ...legacyOps });
    expect(config.unprefixedRoutes).toBe(true);
    expect(config.streams).toHaveLength(1);
    expect(config.streams[0]).toMatchObject({
      name: 'default',
      jobsGraph: 'http://mu.semte.ch/graphs/system/jobs',
      startInitialSync: true,
      healingWaitsForInitialSync: true,
      cron: { healing: '0 0 0 * * *', dump: '0 0 0 * * *' },
      errorCreatorUri: 'http://lblod.data.gift/services/delta-producer-background-jobs-initiator',
    });
  });

  it('treats only "false" (any case) as disabling, as START_INITIAL_SYNC did', () => {
    const [stream] = loadInitiatorConfig({ ...missingFile, ...legacyOps, START_INITIAL_SYNC: 'FALSE', ENABLE_DUMP_FILE_CREATION: 'false', ENABLE_HEALING_JOB_OPERATION: 'no', HEAL_MUST_WAIT_FOR_INITIAL_SYNC: 'False', CRON_PATTERN_HEALING_JOB: '42 * * * *', JOBS_GRAPH: 'http://mu.semte.ch/graphs/jobs' }).streams;
    expect(stream).toMatchObject({ startInitialSync: false, healingWaitsForInitialSync: false, cron: { dump: undefined, healing: '0 42 * * * *' }, jobsGraph: 'http://mu.semte.ch/graphs/jobs' });
  });

  it('accepts the pre-0.3 initial-sync variable name', () => {
    const { INITIAL_PUBLICATION_GRAPH_SYNC_JOB_OPERATION: op, ...rest } = legacyOps;
    const [stream] = loadInitiatorConfig({ ...missingFile, ...rest, INITIAL_CACHE_SYNC_JOB_OPERATION: op }).streams;
    expect(stream!.jobOperations.initialSync).toBe(op);
  });

  it('names the env vars in problems', () => {
    const problems = problemsOf(() => loadInitiatorConfig({ ...missingFile, ...legacyOps, HEALING_JOB_OPERATION: 'not an iri', CRON_PATTERN_DUMP_JOB: 'nope' }));
    expect(problems.map((p) => p.path).sort()).toEqual(['env.CRON_PATTERN_DUMP_JOB', 'env.HEALING_JOB_OPERATION']);
  });

  it('refuses to start with neither a config file nor env vars', () => {
    expect(problemsOf(() => loadInitiatorConfig(missingFile))[0]!.message).toMatch(/no config file/);
  });
});
