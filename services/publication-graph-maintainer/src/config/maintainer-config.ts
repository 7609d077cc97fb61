/**
 * The maintainer's whole configuration: env vars, `services.json` (configuration-compat.md §2) and each
 * stream's export.json. Every problem of all three is collected and thrown as one ConfigError; the
 * caller (main.ts) decides to exit. Warnings (values the lblod service read differently, unknown keys)
 * go to `warnings`; info notes (accepted keys without effect) are returned in the config.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  ConfigError,
  ConfigWarnings,
  formatConfigPath,
  parseConfig,
  readEnv,
  urlPathSegment,
  configProblemsFromZod,
  type ConfigProblem,
  type RetryOptions,
  type ServiceEnv,
} from '@delta-producer/core';
import { crossStreamProblems, type ParsedStream } from './cross-stream.js';
import { resolveStreamEndpoints, resolveStreamScopes, type StreamEndpoints, type StreamScopes, type Stores } from './endpoints.js';
import { ExportConfigSource, type ExportConfig } from './export-config-source.js';
import { deltaFileLimits, ENV_DEFAULTS, inspectEnv, maintainerEnvSchema, resolveStores, sparqlRetry, type DeltaFileLimits, type MaintainerEnv } from './maintainer-env.js';
import type { ConfigNote, IgnoredSetting } from './notes.js';
import { readConfigFile } from './services-file.js';
import { createSourceGraphPolicy, isSourceGraph } from '../export/source-graphs.js';
import { sourceGraphPolicyInputs, streamSourceGraphPolicy, type SourceGraphPolicyInputs, type StreamSourceGraphPolicy } from './source-graphs.js';
import { inspectParsedStreamEntry, inspectStreamEntry, streamEntrySchema, type StreamEntry } from './stream-entry.js';

export interface DeltaFilesConfig extends DeltaFileLimits {
  /** serveDeltaFiles: produce delta files and serve the listing. */
  serve: boolean;
  /** filesPath: route of the listing (answered with and without a trailing `/`). */
  filesPath: string;
  /** publisherUri: `dct:publisher` of the files and the listing filter; set whenever `serve` is. */
  publisherUri: string | undefined;
  /** filesGraph: graph of the delta-file metadata (the consumers' read-rights boundary). */
  filesGraph: string;
  /** relativeFilePath, normalised (no leading or trailing `/`). */
  relativeFilePath: string;
  /** SHARE_DIR + relativeFilePath. */
  directory: string;
  /** deltaInterval: debounce before pending changes are written to a file, in ms (0 = at once). */
  debounceMs: number;
  /** deltaFileRetentionDays: files older than this are removed; undefined = keep all. */
  retentionDays: number | undefined;
}

export interface LoginConfig {
  /** loginPath: route of the consumer login (answered with and without a trailing `/`). */
  path: string;
  /** key: the shared secret; undefined when not configured (no login can succeed). */
  key: string | undefined;
  /** account: linked to the consumer's session. */
  account: string;
  /** account_graph: where the session → account triple is written. */
  accountGraph: string;
}

export interface MaintainerStreamConfig {
  name: string;
  /** `<services.json>["<name>"]`, for messages about this stream's configuration. */
  configPath: string;
  /** exportConfigPath, resolved against the folder of services.json when relative. */
  exportConfigPath: string;
  exportConfig: ExportConfig;
  publicationGraph: string;
  /** Where errors (and, without reportingFilesGraph, healing reports) are written. */
  jobsGraph: string;
  /** Job operations of this stream ([AGREE] with the initiator and the job-controller). */
  jobOperations: { initialSync: string; healing: string };
  errorCreatorUri: string;
  /** Graph of healing report files; undefined = the graph of the task. */
  reportingFilesGraph: string | undefined;
  /** Drop live deltas until an initial-sync job of this stream has succeeded. */
  waitForInitialSync: boolean;
  /** healingInitialBatchSizeInsert: triples per INSERT DATA / DELETE DATA of healing and initial sync. */
  writeBatchSize: number;
  /** Pause after each write to the publication graph, in ms (0 = none). */
  throttleMs: number;
  /** skipMuAuthInitialSync / skipMuAuthHealing, as configured (the endpoints already reflect them). */
  skipMuAuthInitialSync: boolean;
  skipMuAuthHealing: boolean;
  useVirtuosoForExpensiveSelects: boolean;
  endpoints: StreamEndpoints;
  scopes: StreamScopes;
  deltaFiles: DeltaFilesConfig;
  login: LoginConfig;
  /** This stream's own excludedSourceGraphs. */
  excludedSourceGraphs: readonly string[];
  sourceGraphPolicy: StreamSourceGraphPolicy;
}

export interface MaintainerConfig {
  /** PORT, HOST, LOG_LEVEL, LOG_FORMAT, MAX_BODY_SIZE (bytes), timeouts. */
  service: ServiceEnv;
  /** CONFIG_SERVICES_JSON_PATH. */
  servicesFilePath: string;
  stores: Stores;
  /** Retry settings for every SPARQL client (SUDO_QUERY_RETRY_MAX_ATTEMPTS). */
  sparqlRetry: Partial<RetryOptions>;
  /** Task operations the maintainer executes ([AGREE] with the initiator and the job-controller). */
  taskOperations: { initialSync: string; healing: string };
  /** TASK_SCAN_INTERVAL_MS, TASK_STALE_AFTER_MS, TASK_PAGE_SIZE. */
  tasks: { scanIntervalMs: number; staleAfterMs: number; pageSize: number };
  /** MAX_BODY_SIZE: body limit of POST /delta, in bytes. */
  deltaBodyLimitBytes: number;
  /** DATA_DIR: intake log and outbox. */
  dataDir: string;
  /** SHARE_DIR: root of the delta files (shared with mu-file-service). */
  shareDir: string;
  logging: { incomingDelta: boolean; deltaRewrite: boolean };
  deltaFileLimits: DeltaFileLimits;
  streams: MaintainerStreamConfig[];
  sourceGraphPolicy: SourceGraphPolicyInputs;
  /** Info-level notes (including every ignored setting); log them with logConfigNotes. */
  notes: ConfigNote[];
  /** Keys and variables accepted for compatibility and not used. */
  ignored: IgnoredSetting[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

interface LoadedStream extends ParsedStream {
  exportConfigPath: string;
  exportConfig: ExportConfig;
}

export async function loadMaintainerConfig(rawEnv: NodeJS.ProcessEnv = process.env, warnings = new ConfigWarnings()): Promise<MaintainerConfig> {
  const problems: ConfigProblem[] = [];
  const notes: ConfigNote[] = [];
  const ignored: IgnoredSetting[] = [];

  let env: MaintainerEnv | undefined;
  try {
    env = readEnv(maintainerEnvSchema, rawEnv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (env !== undefined) inspectEnv(rawEnv, env, warnings, notes, ignored);

  // Even with a broken environment the file is checked, so one run shows every problem.
  const servicesFilePath = env?.CONFIG_SERVICES_JSON_PATH ?? (rawEnv.CONFIG_SERVICES_JSON_PATH || ENV_DEFAULTS.CONFIG_SERVICES_JSON_PATH);
  const { parsed, loaded: streams } = await loadStreams(servicesFilePath, warnings, notes, ignored, problems);
  problems.push(...crossStreamProblems(parsed));

  if (problems.length > 0 || env === undefined) throw new ConfigError(problems);
  const config = buildConfig(env, servicesFilePath, streams, notes, ignored);
  for (const stream of config.streams) graphsFilterWarnings(stream, warnings);
  return config;
}

/** `parsed`: every stream with a valid name and valid keys (for the cross-stream checks); `loaded`: those whose export loaded too. */
async function loadStreams(
  servicesFilePath: string,
  warnings: ConfigWarnings,
  notes: ConfigNote[],
  ignored: IgnoredSetting[],
  problems: ConfigProblem[],
): Promise<{ parsed: ParsedStream[]; loaded: LoadedStream[] }> {
  const parsed: ParsedStream[] = [];
  let file: unknown;
  try {
    file = await readConfigFile(servicesFilePath);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return { parsed, loaded: [] };
  }
  if (!isPlainObject(file)) {
    problems.push({ path: servicesFilePath, message: 'must be an object keyed by stream name, e.g. {"organizations": {"publicationGraph": …}}' });
    return { parsed, loaded: [] };
  }
  const names = Object.keys(file);
  if (names.length === 0) problems.push({ path: servicesFilePath, message: 'needs at least one stream' });

  const loaded: LoadedStream[] = [];
  const exports = new ExportConfigSource(warnings);
  for (const name of names) {
    const raw = file[name];
    const path = `${servicesFilePath}[${JSON.stringify(name)}]`;
    const nameCheck = urlPathSegment.safeParse(name);
    if (!nameCheck.success) problems.push(...configProblemsFromZod(nameCheck.error.issues).map((problem) => ({ path, message: `stream name ${problem.message}` })));
    if (!isPlainObject(raw)) {
      problems.push({ path, message: 'must be an object with the stream\'s keys' });
      continue;
    }
    inspectStreamEntry(raw, name, path, warnings, notes, ignored);

    let entry: StreamEntry | undefined;
    try {
      entry = parseConfig(streamEntrySchema, raw, { pathPrefix: path });
      inspectParsedStreamEntry(entry, path, warnings);
      if (nameCheck.success) parsed.push({ name, path, entry });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }

    // The export is checked even when other keys of the stream are wrong.
    const exportConfigPath = typeof raw.exportConfigPath === 'string' && raw.exportConfigPath.trim() !== '' ? resolveExportPath(servicesFilePath, raw.exportConfigPath) : undefined;
    if (exportConfigPath === undefined) continue;
    const result = await exports.load(exportConfigPath, `${path}.exportConfigPath`);
    if (result.problems !== undefined) problems.push(...result.problems);
    else if (entry !== undefined && nameCheck.success) loaded.push({ name, path, entry, exportConfigPath, exportConfig: result.exportConfig });
  }
  return { parsed, loaded };
}

/** Absolute paths as written; relative ones against the folder of services.json (the lblod service had no useful base). */
function resolveExportPath(servicesFilePath: string, exportConfigPath: string): string {
  return isAbsolute(exportConfigPath) ? exportConfigPath : resolve(dirname(resolve(servicesFilePath)), exportConfigPath);
}

function buildConfig(env: MaintainerEnv, servicesFilePath: string, loaded: readonly LoadedStream[], notes: ConfigNote[], ignored: IgnoredSetting[]): MaintainerConfig {
  const stores = resolveStores(env);
  const limits = deltaFileLimits(env);
  const policyInputs = sourceGraphPolicyInputs(
    loaded.map(({ name, entry }) => ({
      name,
      publicationGraph: entry.publicationGraph,
      jobsGraph: entry.jobsGraph,
      filesGraph: entry.filesGraph,
      loginGraph: entry.account_graph,
      reportingFilesGraph: entry.reportingFilesGraph,
    })),
    Object.fromEntries(loaded.map(({ name, entry }) => [name, entry.excludedSourceGraphs])),
  );
  const streams = loaded.map(({ name, path, entry, exportConfigPath, exportConfig }): MaintainerStreamConfig => ({
    name,
    configPath: path,
    exportConfigPath,
    exportConfig,
    publicationGraph: entry.publicationGraph,
    jobsGraph: entry.jobsGraph,
    jobOperations: { initialSync: entry.initialPublicationGraphSyncJobOperation, healing: entry.healingJobOperation },
    errorCreatorUri: entry.errorCreatorUri,
    reportingFilesGraph: entry.reportingFilesGraph,
    waitForInitialSync: entry.waitForInitialSync,
    writeBatchSize: entry.healingInitialBatchSizeInsert,
    throttleMs: entry.throttleMs,
    skipMuAuthInitialSync: entry.skipMuAuthInitialSync,
    skipMuAuthHealing: entry.skipMuAuthHealing,
    useVirtuosoForExpensiveSelects: entry.useVirtuosoForExpensiveSelects,
    endpoints: resolveStreamEndpoints(stores, entry),
    scopes: resolveStreamScopes({ publicationGraphMaintenance: entry.muCallScopeIdPublicationGraphMaintenance, initialSync: entry.muCallScopeIdInitialSync }),
    deltaFiles: {
      ...limits,
      serve: entry.serveDeltaFiles,
      filesPath: entry.filesPath,
      publisherUri: entry.publisherUri,
      filesGraph: entry.filesGraph,
      relativeFilePath: entry.relativeFilePath,
      directory: join(env.SHARE_DIR, entry.relativeFilePath),
      debounceMs: entry.deltaInterval,
      retentionDays: entry.deltaFileRetentionDays,
    },
    login: { path: entry.loginPath, key: entry.key === '' ? undefined : entry.key, account: entry.account, accountGraph: entry.account_graph },
    excludedSourceGraphs: entry.excludedSourceGraphs,
    sourceGraphPolicy: streamSourceGraphPolicy(policyInputs, name),
  }));
  return {
    service: env,
    servicesFilePath,
    stores,
    sparqlRetry: sparqlRetry(env),
    taskOperations: { initialSync: env.INITIAL_PUBLICATION_GRAPH_SYNC_TASK_OPERATION, healing: env.HEALING_TASK_OPERATION },
    tasks: { scanIntervalMs: env.TASK_SCAN_INTERVAL_MS, staleAfterMs: env.TASK_STALE_AFTER_MS, pageSize: env.TASK_PAGE_SIZE },
    deltaBodyLimitBytes: env.MAX_BODY_SIZE,
    dataDir: env.DATA_DIR,
    shareDir: env.SHARE_DIR,
    logging: { incomingDelta: env.LOG_INCOMING_DELTA, deltaRewrite: env.LOG_DELTA_REWRITE },
    deltaFileLimits: limits,
    streams,
    sourceGraphPolicy: policyInputs,
    notes,
    ignored,
  };
}

/** A graph listed in a plain graphsFilter that is never a source (another stream's publication graph, a jobs graph, …) exports nothing. */
function graphsFilterWarnings(stream: MaintainerStreamConfig, warnings: ConfigWarnings): void {
  const policy = createSourceGraphPolicy(stream.sourceGraphPolicy);
  for (const entry of stream.exportConfig.entries) {
    if (entry.hasRegexGraphsFilter) continue;
    entry.graphsFilter.forEach((graph, index) => {
      if (isSourceGraph(policy, graph)) return;
      warnings.add({
        path: formatConfigPath(['export', entry.index, 'graphsFilter', index], stream.exportConfigPath),
        message: `is ${graph}, which is never a source graph of stream ${JSON.stringify(stream.name)} (a publication graph, an excludedSourceGraphs graph or a working graph): nothing is exported from it`,
      });
    });
  }
}
