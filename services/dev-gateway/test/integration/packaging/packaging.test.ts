/**
 * Docker packaging (issue #8), checked without a Docker engine:
 * - the Dockerfile copies files that exist and are in the build context, builds with the commands CI
 *   runs, and starts `services/<SERVICE>/dist/main.js` of exactly the three services;
 * - every path docker-compose.yml and docker-compose.override.yml reference exists, and each service's
 *   configuration paths (CONFIG_PATH, CONFIG_SERVICES_JSON_PATH, exportConfigPath, the override file)
 *   resolve through its mounts to files of config/;
 * - those configs (and config/local, which `npm start` uses) load through each service's validator,
 *   with the environment the compose files give the service, and agree across services, with the
 *   dispatcher, the authorization config and each other;
 * - config/delta/rules.js, run through the dev-gateway's delta-notifier emulation, routes to each
 *   service the deltas it needs and keeps each service's own writes away from it;
 * `docker-compose config` itself is run by packaging.compose.test.ts (only where docker-compose is
 * installed: TEST_COMPOSE=1, as .ci/run sets).
 */
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigWarnings, PREDICATES, STATUS, TASK_OPERATIONS, type DeltaQuad, type RawChangeset } from '@delta-producer/core';
import { loadInitiatorConfig, type InitiatorConfig } from '../../../../jobs-initiator/src/config/initiator-config.js';
import { loadMaintainerConfig, type MaintainerConfig } from '../../../../publication-graph-maintainer/src/config/index.js';
import { loadPublisherConfig, type PublisherConfig } from '../../../../dump-file-publisher/src/config/publisher-config.js';
import { createNotifier } from '../../../src/notifier/notifier.js';
import { loadRules } from '../../../src/notifier/rules.js';
import type { DeltaEvent } from '../../../src/notifier/types.js';
import { recordingFetch, recordingLogger } from '../../unit/notifier/fixtures.js';
import {
  dockerfileInstructions,
  dockerignoreMatchers,
  hostFileOf,
  hostPath,
  loadCompose,
  readJson,
  readText,
  resolveContainerPath,
  ROOT,
  service,
  type ComposeModel,
  type ComposeService,
} from './compose.js';


const SUITE_SERVICES = {
  'delta-producer-background-jobs-initiator': 'jobs-initiator',
  'delta-producer-publication-graph-maintainer': 'publication-graph-maintainer',
  'delta-producer-dump-file-publisher': 'dump-file-publisher',
} as const;
type ComposeName = keyof typeof SUITE_SERVICES;
const INITIATOR: ComposeName = 'delta-producer-background-jobs-initiator';
const MAINTAINER: ComposeName = 'delta-producer-publication-graph-maintainer';
const DUMP: ComposeName = 'delta-producer-dump-file-publisher';

const BASE = loadCompose('docker-compose.yml');
const DEVELOPMENT = loadCompose('docker-compose.yml', 'docker-compose.override.yml');
const STACKS: [string, ComposeModel][] = [
  ['docker-compose.yml', BASE],
  ['docker-compose.yml + docker-compose.override.yml', DEVELOPMENT],
];

let tempDir: string;
beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'packaging-'));
});
afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

/** The service's environment as compose gives it, with each container path of a config file replaced by its host path. */
function hostEnv(composeService: ComposeService, pathVariables: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...composeService.environment };
  for (const [variable, fallback] of Object.entries(pathVariables)) {
    const containerPath = env[variable] ?? fallback;
    env[variable] = hostFileOf(composeService, containerPath);
  }
  return env;
}

function loadInitiator(model: ComposeModel): InitiatorConfig {
  const initiator = service(model, INITIATOR);
  const env = hostEnv(initiator, { CONFIG_PATH: '/config/config.json' });
  const overridePath = initiator.environment.CONFIG_OVERRIDE_PATH ?? initiator.environment.CONFIG_OVERRIDE_FILE_JSON;
  // Without an override variable the service looks for /config/config.override.json, optional.
  if (overridePath !== undefined) env.CONFIG_OVERRIDE_PATH = hostFileOf(initiator, overridePath);
  else {
    const resolved = resolveContainerPath(initiator, '/config/config.override.json');
    env.CONFIG_OVERRIDE_PATH = resolved?.kind === 'bind' ? resolved.hostPath : join(tempDir, 'absent.override.json');
  }
  delete env.CONFIG_OVERRIDE_FILE_JSON;
  return loadInitiatorConfig(env, expectNoWarnings());
}

/**
 * The maintainer's services.json names its export files by container path (`/config/<stream>/export.json`,
 * the lblod convention); a copy with those paths resolved through the mounts is what is loaded here.
 */
async function loadMaintainer(model: ComposeModel): Promise<MaintainerConfig> {
  const maintainer = service(model, MAINTAINER);
  const env = hostEnv(maintainer, { CONFIG_SERVICES_JSON_PATH: '/config/services.json' });
  const servicesFile = env.CONFIG_SERVICES_JSON_PATH!;
  const streams = readJson<Record<string, Record<string, unknown>>>(relative(ROOT, servicesFile));
  const containerServicesDir = dirname(maintainer.environment.CONFIG_SERVICES_JSON_PATH ?? '/config/services.json');
  for (const entry of Object.values(streams)) {
    const exportPath = String(entry.exportConfigPath);
    entry.exportConfigPath = hostFileOf(maintainer, isAbsolute(exportPath) ? exportPath : resolve(containerServicesDir, exportPath));
  }
  const copy = join(tempDir, `services-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(copy, JSON.stringify(streams));
  env.CONFIG_SERVICES_JSON_PATH = copy;
  // DATA_DIR and SHARE_DIR are volumes in the container; only their form is validated here.
  return loadMaintainerConfig(env, expectNoWarnings());
}

function loadPublisher(model: ComposeModel): PublisherConfig {
  const dump = service(model, DUMP);
  return loadPublisherConfig(hostEnv(dump, { CONFIG_PATH: '/config/config.json' }), expectNoWarnings());
}

/**
 * The example is meant to be clean: any quirk warning (a value the lblod services read differently, an
 * unknown key) fails. `npm start` sets VIRTUOSO_ENDPOINT and MU_AUTH_ENDPOINT to the gateway, which the
 * maintainer rightly warns about (the lblod service ignored them); `allowEnv` lets env warnings pass.
 */
function expectNoWarnings(options: { allowEnv?: boolean } = {}): ConfigWarnings {
  const warnings = new ConfigWarnings();
  afterEachLoad.push(() => expect(warnings.pending.filter((warning) => !(options.allowEnv && warning.path.startsWith('env.')))).toEqual([]));
  return warnings;
}
const afterEachLoad: (() => void)[] = [];
afterEach(() => {
  for (const check of afterEachLoad.splice(0)) check();
});

/** `npm start`'s environment for a component (scripts/start-local.mjs), with config/local's files. */
const LOCAL = join(ROOT, 'config', 'local');
function loadLocal() {
  const shared = { MU_SPARQL_ENDPOINT: 'http://localhost:8890/sparql', VIRTUOSO_ENDPOINT: 'http://localhost:8890/direct/sparql', MU_AUTH_ENDPOINT: 'http://localhost:8890/sparql', SHARE_DIR: join(tempDir, 'share') };
  return {
    initiator: loadInitiatorConfig({ ...shared, CONFIG_PATH: join(LOCAL, 'jobs-initiator', 'config.json'), CONFIG_OVERRIDE_PATH: join(LOCAL, 'jobs-initiator', 'config.override.json') }, expectNoWarnings()),
    maintainer: loadMaintainerConfig(
      { ...shared, CONFIG_SERVICES_JSON_PATH: join(LOCAL, 'publication-graph-maintainer', 'services.json'), DATA_DIR: join(tempDir, 'data'), PUBLICATION_MU_AUTH_ENDPOINT: 'http://localhost:8890/direct/sparql' },
      expectNoWarnings({ allowEnv: true }),
    ),
    publisher: loadPublisherConfig({ ...shared, CONFIG_PATH: join(LOCAL, 'dump-file-publisher', 'config.json') }, expectNoWarnings()),
  };
}

function hostOf(url: string): string {
  return new URL(url).hostname;
}

describe('Dockerfile', () => {
  const instructions = dockerfileInstructions();
  const stages = Math.max(...instructions.map((entry) => entry.stage)) + 1;
  const final = instructions.filter((entry) => entry.stage === stages - 1);
  const ignored = dockerignoreMatchers();

  it('is a multi-stage build on a Node 20 slim image', () => {
    expect(stages).toBeGreaterThanOrEqual(2);
    const args = Object.fromEntries(instructions.filter((entry) => entry.instruction === 'ARG').map((entry) => entry.args.split('=') as [string, string]));
    const bases = instructions.filter((entry) => entry.instruction === 'FROM').map((entry) => entry.args.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '').split(' ')[0]);
    for (const base of bases) expect(base).toMatch(/^node:20(\.[\d.]+)?-(bookworm-|bullseye-)?slim$/);
  });

  it('copies only files that exist and are in the build context (.dockerignore)', () => {
    const sources = instructions
      .filter((entry) => entry.instruction === 'COPY' && !entry.args.includes('--from='))
      .flatMap((entry) => entry.args.split(' ').filter((part) => !part.startsWith('--')).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
      const excludedBy = ignored.filter((matcher) => matcher.matches(source)).map((matcher) => matcher.pattern);
      expect([source, excludedBy]).toEqual([source, []]);
    }
    // What the build needs from services/ is in the context; tests and build output are not.
    for (const path of ['services/core/src/index.ts', 'services/jobs-initiator/src/main.ts']) expect(ignored.some((matcher) => matcher.matches(path))).toBe(false);
    for (const path of ['node_modules/x', 'services/core/node_modules/x', 'services/core/dist/index.js', 'services/core/test/x.test.ts', 'data/x', '.git/HEAD']) {
      expect([path, ignored.some((matcher) => matcher.matches(path))]).toEqual([path, true]);
    }
    // npm ci needs every workspace's manifest before the sources are copied.
    const workspaces = readJson<{ workspaces: string[] }>('package.json').workspaces;
    for (const workspace of workspaces) expect(sources).toContain(`${workspace}/package.json`);
  });

  it('builds with the commands CI runs: npm ci as in .ci/run, then npm run build (the first step of npm run typecheck)', () => {
    const buildRuns = instructions.filter((entry) => entry.stage < stages - 1 && entry.instruction === 'RUN').map((entry) => entry.args);
    const ci = readText('.ci/run');
    const npmCi = buildRuns.find((command) => command.startsWith('npm ci'));
    expect(npmCi).toBeDefined();
    expect(ci.split('\n').map((line) => line.trim())).toContain(npmCi);
    expect(buildRuns).toContain('npm run build');
    expect(ci).toMatch(/^npm run typecheck$/m);
    const scripts = readJson<{ scripts: Record<string, string> }>('package.json').scripts;
    expect(scripts.build).toBe('tsc -b');
    expect(scripts.typecheck!.startsWith(`${scripts.build} && `)).toBe(true);
    expect(buildRuns.some((command) => command.startsWith('npm prune --omit=dev'))).toBe(true);
  });

  it('runs dist/main.js of the service SERVICE names, as a non-root user on port 80, with /config and /share volumes and a health check', () => {
    const cmd = final.find((entry) => entry.instruction === 'CMD');
    expect(cmd).toBeDefined();
    const script = (JSON.parse(cmd!.args) as string[]).at(-1)!;
    const names = /case "\$SERVICE" in ([\w|-]+)\)/.exec(script)?.[1]?.split('|');
    expect(names?.sort()).toEqual(Object.values(SUITE_SERVICES).sort());
    expect(script).toContain('exec node "services/$SERVICE/dist/main.js"');
    for (const name of names!) {
      // tsc -b compiles services/<name>/src into services/<name>/dist.
      const tsconfig = readJson<{ compilerOptions: { rootDir: string; outDir: string } }>(`services/${name}/tsconfig.json`);
      expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
      expect(existsSync(join(ROOT, 'services', name, 'src', 'main.ts'))).toBe(true);
      expect(readJson<{ main?: string }>(`services/${name}/package.json`).main).toBe('./dist/main.js');
    }
    const user = final.filter((entry) => entry.instruction === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(final.find((entry) => entry.instruction === 'EXPOSE')?.args).toBe('80');
    const volumes = JSON.parse(final.find((entry) => entry.instruction === 'VOLUME')!.args) as string[];
    expect(volumes).toEqual(expect.arrayContaining(['/config', '/share']));
    expect(final.find((entry) => entry.instruction === 'HEALTHCHECK')?.args).toMatch(/CMD .*\/health/);
  });
});

describe.each(STACKS)('%s', (_label, model) => {
  it('references only paths that exist', () => {
    for (const composeService of model.services.values()) {
      if (composeService.build) {
        const context = resolve(ROOT, composeService.build.context);
        expect(statSync(context).isDirectory()).toBe(true);
        expect(existsSync(join(context, composeService.build.dockerfile))).toBe(true);
      }
      for (const mount of composeService.mounts) {
        if (mount.kind === 'volume') {
          expect([composeService.name, mount.source, model.namedVolumes.has(mount.source)]).toEqual([composeService.name, mount.source, true]);
        } else if (mount.source.startsWith('./config')) {
          // Configuration must be in the repository; ./data/… folders are created by docker at start.
          expect([composeService.name, mount.source, existsSync(hostPath(mount))]).toEqual([composeService.name, mount.source, true]);
        } else {
          expect(mount.source).toMatch(/^\.\/data\//);
        }
      }
      for (const dependency of composeService.dependsOn) expect(model.services.has(dependency)).toBe(true);
    }
  });

  it('runs each of the three services from the image built here, with its SERVICE, its config mount and endpoints on services of the stack', () => {
    const images = new Set<string>();
    for (const [name, serviceName] of Object.entries(SUITE_SERVICES)) {
      const composeService = service(model, name);
      expect(composeService.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      images.add(String(composeService.image));
      expect(composeService.environment.SERVICE).toBe(serviceName);
      expect(composeService.mounts.some((mount) => mount.target === '/config' && mount.kind === 'bind')).toBe(true);
      expect(composeService.environment.PORT ?? '80').toBe('80');
      for (const [variable, value] of Object.entries(composeService.environment)) {
        if (!/ENDPOINT$/.test(variable)) continue;
        expect([variable, model.services.has(hostOf(value))]).toEqual([variable, true]);
      }
    }
    expect(images.size).toBe(1);
  });

  it('keeps the maintainer\'s intake and outbox on a named volume and shares /share between maintainer and dump publisher', () => {
    const maintainer = service(model, MAINTAINER);
    const dump = service(model, DUMP);
    const dataDir = resolveContainerPath(maintainer, maintainer.environment.DATA_DIR ?? '/data');
    expect(dataDir?.kind).toBe('volume');
    const shares = [maintainer, dump].map((composeService) => resolveContainerPath(composeService, composeService.environment.SHARE_DIR ?? '/share'));
    expect(shares.map((share) => share?.kind)).toEqual(['volume', 'volume']);
    expect(shares[0]!.mount.source).toBe(shares[1]!.mount.source);
    expect(shares[0]!.mount.readOnly || shares[1]!.mount.readOnly).toBe(false);
  });

  it('configures the three services with configs that load through their validators without a warning', async () => {
    const initiator = loadInitiator(model);
    const maintainer = await loadMaintainer(model);
    const publisher = loadPublisher(model);
    expect(initiator.streams.map((stream) => stream.name)).toEqual(['organizations']);
    expect(maintainer.streams.map((stream) => stream.name)).toEqual(['organizations']);
    expect(publisher.streams.map((stream) => stream.name)).toEqual(['organizations']);
    expect(maintainer.dataDir).toBe('/data');
    expect(maintainer.shareDir).toBe('/share');
    expect(publisher.shareDir).toBe('/share');
  });
});

describe('the example stream', () => {
  it('starts the initial sync only through the development override config', () => {
    expect(loadInitiator(BASE).streams[0]!.startInitialSync).toBe(false);
    expect(loadInitiator(DEVELOPMENT).streams[0]!.startInitialSync).toBe(true);
    expect(DEVELOPMENT.services.get(INITIATOR)!.environment.LOG_LEVEL).toBe('debug');
    expect(BASE.services.get(INITIATOR)!.environment.LOG_LEVEL).toBeUndefined();
    expect(BASE.services.get('identifier')!.ports).toEqual([]);
    expect(DEVELOPMENT.services.get('identifier')!.ports.length).toBeGreaterThan(0);
  });

  it('agrees across the three services and the stores the maintainer writes', async () => {
    const [initiator, maintainer, publisher] = [loadInitiator(BASE), await loadMaintainer(BASE), loadPublisher(BASE)];
    const [job] = initiator.streams;
    const [stream] = maintainer.streams;
    const [dump] = publisher.streams;
    expect(stream!.jobOperations).toEqual({ initialSync: job!.jobOperations.initialSync, healing: job!.jobOperations.healing });
    expect(dump!.jobOperations.sort()).toEqual([job!.jobOperations.dump, job!.jobOperations.initialSync].sort());
    expect(stream!.jobsGraph).toBe(job!.jobsGraph);
    expect(dump!.targetGraph).toBe(stream!.publicationGraph);
    // The dump is read from the store the maintainer writes the publication graph into.
    expect(dump!.publicationGraphEndpoint).toBe(maintainer.stores.publicationVirtuoso);
    expect(stream!.endpoints.initialSyncWriteEndpoint).toBe(maintainer.stores.publicationVirtuoso);
    // One files graph: the maintainer's download route serves the dumps too (the dispatcher sends /files/:id/download there).
    expect(dump!.filesGraph).toBe(stream!.deltaFiles.filesGraph);
    expect(dump!.dcatGraph).toBe(stream!.deltaFiles.filesGraph);
    expect(stream!.deltaFiles.serve).toBe(true);
    expect(stream!.login.key).toBeDefined();
    // Task operations: every service uses the defaults unless all of them set the same value.
    expect(initiator.taskOperations).toEqual({ initialSync: TASK_OPERATIONS.initialSync, healing: TASK_OPERATIONS.healing, dump: TASK_OPERATIONS.dump });
    expect(maintainer.taskOperations).toEqual({ initialSync: TASK_OPERATIONS.initialSync, healing: TASK_OPERATIONS.healing });
    expect(publisher.taskOperation).toBe(TASK_OPERATIONS.dump);
  });

  it('is the stream config/local runs with `npm start`', async () => {
    const local = loadLocal();
    // npm start is the development setup: the initiator with its override file.
    const [initiator, maintainer, publisher] = [loadInitiator(DEVELOPMENT), await loadMaintainer(DEVELOPMENT), loadPublisher(DEVELOPMENT)];
    const localMaintainer = await local.maintainer;
    const pick = (config: MaintainerConfig) =>
      config.streams.map((stream) => ({
        name: stream.name,
        publicationGraph: stream.publicationGraph,
        jobsGraph: stream.jobsGraph,
        jobOperations: stream.jobOperations,
        filesPath: stream.deltaFiles.filesPath,
        loginPath: stream.login.path,
        filesGraph: stream.deltaFiles.filesGraph,
        publisherUri: stream.deltaFiles.publisherUri,
        relativeFilePath: stream.deltaFiles.relativeFilePath,
        account: stream.login.account,
        accountGraph: stream.login.accountGraph,
        scopes: stream.scopes,
        exportConfig: stream.exportConfig,
      }));
    expect(pick(localMaintainer)).toEqual(pick(maintainer));
    expect(local.initiator.streams).toEqual(initiator.streams);
    const dumpFacts = (config: PublisherConfig) => config.streams.map(({ publicationGraphEndpoint: _endpoint, ...facts }) => facts);
    expect(dumpFacts(local.publisher)).toEqual(dumpFacts(publisher));
  });

  it('has the dispatcher routes a delta-consumer follows, to the services that answer them', async () => {
    const maintainer = await loadMaintainer(BASE);
    const [stream] = maintainer.streams;
    const dispatcher = readText('config/dispatcher/dispatcher.ex');
    const routes = [...dispatcher.matchAll(/^\s*(get|post|put|patch|delete|match)\s+"([^"]+)"[^\n]*do\s*\n\s*forward conn, (\w+|\[\]), "([^"]+)"/gm)].map((match) => ({
      method: match[1],
      path: match[2],
      target: match[4]!,
    }));
    const route = (path: string) => routes.find((entry) => entry.path === path);
    expect(route(`/sync/${stream!.name}/files/*path`)).toEqual({ method: 'get', path: `/sync/${stream!.name}/files/*path`, target: `http://${MAINTAINER}${stream!.deltaFiles.filesPath}/` });
    expect(route(`/sync/${stream!.name}/login/*path`)).toEqual({ method: 'post', path: `/sync/${stream!.name}/login/*path`, target: `http://${MAINTAINER}${stream!.login.path}/` });
    expect(route('/files/:id/download')?.target).toBe(`http://${MAINTAINER}/files/`);
    expect(route('/datasets/*path')?.target).toBe(`http://${DUMP}/datasets/`);
    for (const entry of routes) expect(BASE.services.has(hostOf(entry.target))).toBe(true);
    expect(BASE.services.has('dispatcher') && BASE.services.has('identifier')).toBe(true);
  });

  it('has an authorization config that lets a logged-in consumer read the files and datasets, behind the stack\'s stores', async () => {
    const maintainer = await loadMaintainer(BASE);
    const [stream] = maintainer.streams;
    const lisp = readText('config/authorization/config.lisp');
    const messenger = /\(add-delta-messenger "([^"]+)"\)/.exec(lisp)?.[1];
    expect(BASE.services.get(hostOf(messenger!))?.image).toMatch(/^semtech\/mu-delta-notifier:/);
    const backend = /\(setf \*backend\* "([^"]+)"\)/.exec(lisp)?.[1];
    expect(backend).toBe(maintainer.stores.virtuoso);
    const consumerGraph = /\(define-graph ([\w-]+) \("([^"]+)"\)([^]*?)\)\s*\n\s*\n/g;
    const graphs = new Map([...lisp.matchAll(consumerGraph)].map((match) => [match[1]!, { iri: match[2]!, body: match[3]! }]));
    const filesGraph = [...graphs.entries()].find(([, graph]) => graph.iri === stream!.deltaFiles.filesGraph);
    expect(filesGraph).toBeDefined();
    for (const type of ['nfo:FileDataObject', 'dcat:Dataset', 'dcat:Distribution']) expect(filesGraph![1].body).toContain(`"${type}"`);
    const group = /\(supply-allowed-group "([^"]+)"\s+:query "([^]*?)"\)/.exec(lisp);
    expect(group?.[2]).toContain(`<SESSION_ID> muAccount:account <${stream!.login.account}>`);
    expect(lisp).toMatch(new RegExp(`\\(grant \\(read\\)\\s+:to-graph \\(${filesGraph![0]}\\)\\s+:for-allowed-group "${group![1]}"\\)`));
    expect(BASE.services.get('database')?.mounts.some((mount) => mount.source === './config/authorization' && mount.target === '/config')).toBe(true);
  });
});

describe('config/delta/rules.js through the dev-gateway\'s delta-notifier', () => {
  const ADDRESSES: Record<string, string> = {
    [MAINTAINER]: '172.20.0.11',
    [DUMP]: '172.20.0.12',
    [INITIATOR]: '172.20.0.13',
  };
  const APP_SERVICE = '172.20.0.50';
  const EX = 'http://data.example/packaging/';

  const uri = (value: string) => ({ type: 'uri' as const, value });
  const quad = (s: string, p: string, o: string | { type: 'literal'; value: string }, graph: string): DeltaQuad => ({
    subject: uri(s),
    predicate: uri(p),
    object: typeof o === 'string' ? uri(o) : o,
    graph: uri(graph),
  });

  it('calls back services of the stack on their /delta route', async () => {
    const rules = await loadRules(join(ROOT, 'config', 'delta', 'rules.js'));
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      const url = new URL(rule.callback.url);
      expect(Object.keys(SUITE_SERVICES)).toContain(url.hostname);
      expect([url.port, url.pathname, rule.callback.method]).toEqual(['', '/delta', 'POST']);
    }
    expect(service(BASE, 'deltanotifier').mounts).toContainEqual(expect.objectContaining({ source: './config/delta', target: '/config' }));
  });

  it('routes to each service the deltas it needs, and no service its own writes', async () => {
    const maintainer = await loadMaintainer(BASE);
    const initiator = loadInitiator(BASE);
    const [stream] = maintainer.streams;
    const jobsGraph = initiator.streams[0]!.jobsGraph;
    const sourceGraph = stream!.exportConfig.entries[0]!.graphsFilter[0]!;

    const { fetch, requests } = recordingFetch();
    const notifier = createNotifier({
      rules: await loadRules(join(ROOT, 'config', 'delta', 'rules.js')),
      logger: recordingLogger(),
      fetch,
      lookupIPv4: async (hostname) => {
        const address = ADDRESSES[hostname];
        if (!address) throw new Error(`unknown host ${hostname}`);
        return address;
      },
    });
    /** One update through mu-authorization, by the caller at `origin`, with the scope header it sends. */
    const write = (marker: string, origin: string, quads: { insert?: DeltaQuad[]; delete?: DeltaQuad[] }, scope?: string) => {
      const changeSet: RawChangeset = { insert: quads.insert ?? [], delete: quads.delete ?? [], origin, allowedGroups: 'sudo' };
      const event: DeltaEvent = { changeSets: [changeSet], headers: { 'mu-call-id': marker, ...(scope ? { 'mu-call-scope-id': scope } : {}) } };
      notifier.publish(event);
    };
    const status = (subject: string, value: string) => quad(EX + subject, PREDICATES.status, value, jobsGraph);

    // An app service edits exported data.
    write('app-edit', APP_SERVICE, { insert: [quad(EX + 'org/1', 'http://www.w3.org/2004/02/skos/core#prefLabel', { type: 'literal', value: 'Gemeente X' }, sourceGraph)] });
    // The initiator schedules an initial-sync task, later the dump task of the same job.
    write('initiator-schedules-sync', ADDRESSES[INITIATOR]!, { insert: [status('job/1', STATUS.busy), status('task/sync', STATUS.scheduled)] });
    // The maintainer claims and finishes it (task statuses carry no scope), publishes (scoped), writes delta-file metadata (scoped).
    write('maintainer-finishes-sync', ADDRESSES[MAINTAINER]!, { delete: [status('task/sync', STATUS.busy)], insert: [status('task/sync', STATUS.success)] });
    write('maintainer-initial-sync-writes', ADDRESSES[MAINTAINER]!, { insert: [quad(EX + 'org/1', PREDICATES.uuid, { type: 'literal', value: '1' }, stream!.publicationGraph)] }, stream!.scopes.initialSyncWrites);
    write('maintainer-file-metadata', ADDRESSES[MAINTAINER]!, { insert: [quad(EX + 'file/1', PREDICATES.publisher, stream!.deltaFiles.publisherUri!, stream!.deltaFiles.filesGraph)] }, stream!.scopes.deltaFileMetadata);
    write('initiator-schedules-dump', ADDRESSES[INITIATOR]!, { insert: [status('task/dump', STATUS.scheduled)] });
    // The dump publisher claims and finishes the dump task.
    write('dump-finishes', ADDRESSES[DUMP]!, { delete: [status('task/dump', STATUS.scheduled)], insert: [status('task/dump', STATUS.success)] });
    await notifier.stop();

    const received = (composeName: ComposeName) =>
      new Set(
        requests
          .filter((request) => hostOf(request.url) === composeName)
          .flatMap((request) => JSON.parse(request.body!) as { inserts: DeltaQuad[]; deletes: DeltaQuad[] }[])
          .flatMap((changeSet) => [...changeSet.inserts, ...changeSet.deletes])
          .map((delta) => `${delta.subject.value.replace(EX, '')} ${delta.object.value}`),
      );
    const maintainerGot = received(MAINTAINER);
    const dumpGot = received(DUMP);
    const initiatorGot = received(INITIATOR);

    // Maintainer: source data and scheduled tasks; never its own writes (loop) nor initial-sync writes.
    expect(maintainerGot).toContain('org/1 Gemeente X');
    expect(maintainerGot).toContain(`task/sync ${STATUS.scheduled}`);
    expect(maintainerGot).not.toContain(`task/sync ${STATUS.success}`);
    expect(maintainerGot).not.toContain('org/1 1');
    expect(maintainerGot).not.toContain(`file/1 ${stream!.deltaFiles.publisherUri}`);
    // Dump publisher: scheduled tasks only, not its own status changes.
    expect([...dumpGot].sort()).toEqual([`task/dump ${STATUS.scheduled}`, `task/sync ${STATUS.scheduled}`, `job/1 ${STATUS.busy}`].sort());
    // Initiator: every status change of the other services (its task chains move on them).
    expect(initiatorGot).toContain(`task/sync ${STATUS.success}`);
    expect(initiatorGot).toContain(`task/dump ${STATUS.success}`);
    expect(initiatorGot).not.toContain('org/1 Gemeente X');
    expect(initiatorGot).not.toContain(`file/1 ${stream!.deltaFiles.publisherUri}`);
  });
});
