/**
 * The live path as in a stack, for integration tests: the dev-gateway (mu-authorization + Virtuoso
 * stand-in, embedded store or Virtuoso via `backendSparqlUrl` when TEST_SPARQL_BACKEND=virtuoso) with
 * its real delta-notifier emulation posting to the maintainer's `/delta` (rules.js written to a temp
 * directory), and the maintainer started from a services.json + export.json written there, through
 * the real configuration loader.
 *
 * The notifier sits behind a switchable sink so tests can FLUSH it (stop it — which sends open bundles
 * and waits for every delivery — and carry on with a fresh one) and point it at a restarted maintainer.
 * Quiescence = flush the notifier, then `idle()` on the maintainer.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ConfigWarnings, createSparqlClient, quad as makeQuad, type Logger, type Quad, type SparqlClient } from '@delta-producer/core';
import { startDevGateway, type DevGateway } from '../../../dev-gateway/src/gateway.js';
import { createNotifier, loadRules, type DeltaEvent, type DeltaSink } from '../../../dev-gateway/src/notifier/index.js';
import type { DeltaMode } from '../../../dev-gateway/src/update/changesets.js';
import { loadMaintainerConfig, type MaintainerConfig } from '../../src/config/index.js';
import { startMaintainer, type RunningMaintainer, type StartMaintainerOptions } from '../../src/service.js';
import { DurableLog } from '../../src/storage/index.js';
import { decodeOutboxRecord, type DecodedOutboxRecord } from '../../src/live/apply.js';

export type TestBackend = 'embedded' | 'virtuoso';

export const TEST_BACKEND: TestBackend = process.env.TEST_SPARQL_BACKEND === 'virtuoso' ? 'virtuoso' : 'embedded';

export const SCOPES = {
  maintenance: 'http://redpencil.data.gift/id/concept/muScope/deltas/publicationGraphMaintenance',
  initialSync: 'http://redpencil.data.gift/id/concept/muScope/deltas/initialSync',
} as const;

/** A pino logger that keeps its lines (info and up). */
export function capturingLogger(level = 'info'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = pino({ level }, destination);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

interface NotifierLine {
  level: string;
  message: string;
}

/** The gateway's sink: the real notifier, replaceable (new rules) and flushable. */
class SwitchableNotifier implements DeltaSink {
  readonly problems: NotifierLine[] = [];
  #rulesPath: string | undefined;
  #current: DeltaSink | undefined;
  #dropped = 0;

  get dropped(): number {
    return this.#dropped;
  }

  publish(event: DeltaEvent): void {
    if (this.#current) this.#current.publish(event);
    else this.#dropped++;
  }

  async use(rulesPath: string): Promise<void> {
    this.#rulesPath = rulesPath;
    await this.flush();
  }

  /** Sends every pending bundle and waits for every delivery; later events go to a fresh notifier. */
  async flush(): Promise<void> {
    const old = this.#current;
    if (this.#rulesPath !== undefined) {
      const record = (level: string) => (bindings: unknown, message?: string) => {
        this.problems.push({ level, message: typeof bindings === 'string' ? bindings : `${message ?? ''} ${JSON.stringify(bindings)}` });
      };
      const noop = () => undefined;
      this.#current = createNotifier({ rules: await loadRules(this.#rulesPath), logger: { debug: noop, info: noop, warn: record('warn'), error: record('error') } });
    }
    await old?.stop();
  }

  async stop(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    await current?.stop();
  }
}

export interface StreamSpec {
  name: string;
  exportConfig: object;
  /** Extra services.json keys. */
  entry?: Record<string, unknown>;
}

export interface LiveHarnessOptions {
  deltaMode: DeltaMode;
  streams: StreamSpec[];
  /** Publication writes: through the gateway's `/sparql` with the scope header (default), or `/direct/sparql`. */
  publicationWrites?: 'mu-auth' | 'direct';
  /** Extra environment variables of the maintainer. */
  env?: Record<string, string>;
  /** gracePeriod of the maintainer's delta rule (default 10 ms: bodies bundle several updates). */
  gracePeriodMs?: number;
}

export interface LiveHarness {
  gateway: DevGateway;
  notifier: SwitchableNotifier;
  /** Client of the gateway's endpoint without deltas (test reads). */
  direct: SparqlClient;
  tempDir: string;
  dataDir: string;
  config: MaintainerConfig;
  /** The maintainer's environment (for running it as a child process). */
  env: Record<string, string>;
  logs: () => Record<string, unknown>[];
  maintainer: RunningMaintainer | undefined;
  /** Starts (or restarts) the maintainer in-process and points the notifier at it. */
  startMaintainer(options?: StartMaintainerOptions): Promise<RunningMaintainer>;
  stopMaintainer(): Promise<void>;
  /** Writes the delta rule for a maintainer at `url` and uses it from now on. */
  pointNotifierAt(url: string): Promise<void>;
  /** An update through the gateway's `/sparql` (deltas), as sudo. */
  update(text: string): Promise<void>;
  /** Flush the notifier, then wait until the maintainer consumed its whole intake. */
  quiesce(): Promise<void>;
  /** Every quad of the given graphs, read on the direct endpoint. */
  dump(graphs: readonly string[]): Promise<Quad[]>;
  /** The decoded outbox records of a stream (the maintainer must be stopped: the log is locked). */
  outbox(stream: string): Promise<({ seq: number } & DecodedOutboxRecord)[]>;
  stop(): Promise<void>;
}

export async function startLiveHarness(options: LiveHarnessOptions): Promise<LiveHarness> {
  const tempDir = await mkdtemp(join(tmpdir(), 'pgm-live-'));
  const notifier = new SwitchableNotifier();
  const gateway = await startDevGateway({
    ...(TEST_BACKEND === 'virtuoso' ? { backendSparqlUrl: process.env.TEST_VIRTUOSO_URL! } : { dataDir: join(tempDir, 'gateway') }),
    deltaMode: options.deltaMode,
    sink: notifier,
  });
  const direct = createSparqlClient({ endpoint: gateway.directUrl });
  const dataDir = join(tempDir, 'maintainer');
  const services: Record<string, unknown> = {};
  for (const stream of options.streams) {
    const exportPath = join(tempDir, `export-${stream.name}.json`);
    await writeFile(exportPath, JSON.stringify(stream.exportConfig, null, 2));
    const id = randomUUID();
    services[stream.name] = {
      exportConfigPath: exportPath,
      publicationGraph: `http://example.org/live-test/publication/${stream.name}/${id}`,
      initialPublicationGraphSyncJobOperation: `http://example.org/live-test/ops/initial-sync/${id}`,
      healingJobOperation: `http://example.org/live-test/ops/healing/${id}`,
      filesPath: `/${stream.name}/files`,
      loginPath: `/${stream.name}/login`,
      waitForInitialSync: false,
      ...stream.entry,
    };
  }
  const servicesPath = join(tempDir, 'services.json');
  await writeFile(servicesPath, JSON.stringify(services, null, 2));
  const env: Record<string, string> = {
    CONFIG_SERVICES_JSON_PATH: servicesPath,
    DATA_DIR: dataDir,
    SHARE_DIR: join(tempDir, 'share'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    MU_SPARQL_ENDPOINT: gateway.url,
    MU_AUTH_ENDPOINT: gateway.url,
    VIRTUOSO_ENDPOINT: gateway.directUrl,
    PUBLICATION_MU_AUTH_ENDPOINT: options.publicationWrites === 'direct' ? gateway.directUrl : gateway.url,
    ...options.env,
  };
  const config = await loadMaintainerConfig(env, new ConfigWarnings());
  const { logger, lines } = capturingLogger();

  const harness: LiveHarness = {
    gateway,
    notifier,
    direct,
    tempDir,
    dataDir,
    config,
    env,
    logs: lines,
    maintainer: undefined,
    async startMaintainer(startOptions = {}) {
      const running = await startMaintainer(config, logger, startOptions);
      harness.maintainer = running;
      await harness.pointNotifierAt(running.url);
      return running;
    },
    async stopMaintainer() {
      const running = harness.maintainer;
      harness.maintainer = undefined;
      await running?.stop();
    },
    async pointNotifierAt(url) {
      const rulesDir = await mkdtemp(join(tempDir, 'rules-'));
      const rules = [
        {
          match: {},
          callback: { url: `${url}/delta`, method: 'POST' },
          options: { resourceFormat: 'v0.0.1', gracePeriod: options.gracePeriodMs ?? 10, optOutMuScopeIds: [SCOPES.initialSync, SCOPES.maintenance] },
        },
      ];
      await writeFile(join(rulesDir, 'package.json'), '{"type":"module"}\n');
      const rulesPath = join(rulesDir, 'rules.js');
      await writeFile(rulesPath, `export default ${JSON.stringify(rules, null, 2)};\n`);
      await notifier.use(rulesPath);
    },
    async update(text) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'mu-auth-sudo': 'true' },
        body: new URLSearchParams({ update: text }),
      });
      if (response.status !== 200) throw new Error(`update failed with ${response.status}: ${await response.text()}\n${text}`);
      await response.arrayBuffer();
    },
    async quiesce() {
      await notifier.flush();
      if (!harness.maintainer) throw new Error('no maintainer running');
      await harness.maintainer.idle();
    },
    async dump(graphs) {
      const values = graphs.map((graph) => `<${graph}>`).join(' ');
      const rows = await direct.selectAll(`SELECT ?g ?s ?p ?o WHERE { VALUES ?g { ${values} } GRAPH ?g { ?s ?p ?o } }`);
      return rows.map((row) => {
        const { g, s, p, o } = row;
        if (!g || !s || !p || !o || g.termType !== 'NamedNode' || (s.termType !== 'NamedNode' && s.termType !== 'BlankNode') || p.termType !== 'NamedNode') throw new Error('unexpected dump row');
        if (o.termType !== 'NamedNode' && o.termType !== 'BlankNode' && o.termType !== 'Literal') throw new Error('unexpected dump object');
        return makeQuad(s, p, o, g);
      });
    },
    async outbox(stream) {
      const log = await DurableLog.open({ dir: join(dataDir, 'outbox', stream), logger });
      try {
        const records = [];
        for (let next = log.firstSeq; next <= log.lastSeq; ) {
          const batch = await log.read(next);
          for (const record of batch) records.push({ seq: record.seq, ...decodeOutboxRecord(record.payload) });
          next = batch.at(-1)!.seq + 1;
        }
        return records;
      } finally {
        await log.close();
      }
    },
    async stop() {
      await harness.stopMaintainer();
      await notifier.stop();
      await gateway.stop();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Removes every triple of the graphs (shared Virtuoso: tests clean up after themselves). */
export async function clearGraphs(harness: LiveHarness, graphs: readonly string[]): Promise<void> {
  for (const graph of graphs) await harness.direct.update(`DELETE WHERE { GRAPH <${graph}> { ?s ?p ?o } }`);
}

export interface SwitchableProxy {
  url: string;
  /** While down, every request is refused with 503 (a transient failure). */
  down: boolean;
  requests: number;
  close(): Promise<void>;
}

/** An HTTP proxy in front of a SPARQL endpoint that can be switched "down" (503) and up again. */
export async function startSwitchableProxy(target: string): Promise<SwitchableProxy> {
  const { createServer } = await import('node:http');
  const state = { down: false, requests: 0 };
  const server = createServer((request, response) => {
    state.requests++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (state.down) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('down for the test');
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value;
      fetch(target, { method: request.method ?? 'POST', headers, body: request.method === 'GET' ? undefined : Buffer.concat(chunks) })
        .then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer());
          response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' }).end(body);
        })
        .catch((error: unknown) => response.writeHead(502).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/sparql`,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
