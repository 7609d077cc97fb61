#!/usr/bin/env node
// `npm start`: runs the whole suite on this machine without Docker — the dev-gateway (embedded SPARQL
// store + mu-authorization/delta-notifier stand-in) and every product service that exists in this
// checkout — with configuration from config/local/, data under ./data, output prefixed per component.
// Ctrl-C (or SIGTERM) stops every component gracefully; a second Ctrl-C kills them.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const dataDir = resolve(root, env.DATA_ROOT ?? 'data');
const localConfig = join(root, 'config', 'local');
const gatewayPort = env.DEV_GATEWAY_PORT ?? '8890';
const gatewayUrl = `http://localhost:${gatewayPort}`;

// Environment every product service shares locally: the gateway stands in for mu-authorization
// (`/sparql`, emits deltas) and for a direct Virtuoso connection (`/direct/sparql`).
const sharedServiceEnv = {
  MU_SPARQL_ENDPOINT: `${gatewayUrl}/sparql`,
  VIRTUOSO_ENDPOINT: `${gatewayUrl}/direct/sparql`,
  MU_AUTH_ENDPOINT: `${gatewayUrl}/sparql`,
  LOG_FORMAT: env.LOG_FORMAT ?? 'pretty',
  SHARE_DIR: join(dataDir, 'share'),
};

/** The components, in start order. A product service starts only once its folder exists. */
const components = [
  {
    name: 'dev-gateway',
    entry: 'services/dev-gateway/src/main.ts',
    env: {
      PORT: gatewayPort,
      DATA_DIR: join(dataDir, 'dev-gateway'),
      DELTA_RULES: join(localConfig, 'delta', 'rules.js'),
      LOG_FORMAT: env.LOG_FORMAT ?? 'pretty',
    },
  },
  {
    name: 'jobs-initiator',
    entry: 'services/jobs-initiator/src/main.ts',
    env: {
      ...sharedServiceEnv,
      PORT: env.JOBS_INITIATOR_PORT ?? '8081',
      CONFIG_PATH: join(localConfig, 'jobs-initiator', 'config.json'),
      CONFIG_OVERRIDE_PATH: join(localConfig, 'jobs-initiator', 'config.override.json'),
    },
  },
  {
    name: 'publication-graph-maintainer',
    entry: 'services/publication-graph-maintainer/src/main.ts',
    env: {
      ...sharedServiceEnv,
      PORT: env.PUBLICATION_GRAPH_MAINTAINER_PORT ?? '8082',
      CONFIG_SERVICES_JSON_PATH: join(localConfig, 'publication-graph-maintainer', 'services.json'),
      DATA_DIR: join(dataDir, 'publication-graph-maintainer'),
      // The publication graph is written without deltas, as to a separate publication store.
      PUBLICATION_MU_AUTH_ENDPOINT: `${gatewayUrl}/direct/sparql`,
    },
  },
  {
    name: 'dump-file-publisher',
    entry: 'services/dump-file-publisher/src/main.ts',
    env: {
      ...sharedServiceEnv,
      PORT: env.DUMP_FILE_PUBLISHER_PORT ?? '8083',
      CONFIG_PATH: join(localConfig, 'dump-file-publisher', 'config.json'),
    },
  },
].filter((component) => existsSync(join(root, component.entry)));

const colours = [36, 35, 33, 32, 34];
const width = Math.max(...components.map((component) => component.name.length));
const children = new Map();
let stopping = false;

function prefixLines(stream, name, colour, target) {
  const label = process.stdout.isTTY ? `\x1b[${colour}m${name.padEnd(width)}\x1b[0m |` : `${name.padEnd(width)} |`;
  createInterface({ input: stream }).on('line', (line) => target.write(`${label} ${line}\n`));
}

async function waitForHealth(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 250));
  }
  return false;
}

function start(component, index) {
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, ['--conditions=development', component.entry], {
    cwd: root,
    env: { ...env, ...component.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal's Ctrl-C reaches only this script, which stops the components in
    // order with one SIGTERM each (a second signal would make a component force-exit).
    detached: true,
  });
  const colour = colours[index % colours.length];
  prefixLines(child.stdout, component.name, colour, process.stdout);
  prefixLines(child.stderr, component.name, colour, process.stderr);
  children.set(component.name, child);
  child.on('exit', (code, signal) => {
    children.delete(component.name);
    console.log(`${component.name.padEnd(width)} | exited (${signal ?? code})`);
    if (!stopping) stopAll(code === 0 ? 1 : code ?? 1);
  });
  return child;
}

function stopAll(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  // Stop in reverse start order; the gateway goes last so services can finish their writes.
  const names = [...children.keys()].reverse();
  const stopNext = () => {
    const name = names.shift();
    if (!name) return process.exit(exitCode);
    const child = children.get(name);
    if (!child || child.exitCode !== null) return stopNext();
    child.once('exit', stopNext);
    child.kill('SIGTERM');
  };
  stopNext();
}

process.on('SIGINT', () => (stopping ? forceKill() : stopAll(0)));
process.on('SIGTERM', () => (stopping ? forceKill() : stopAll(0)));

// If this script dies, take the components with it.
process.on('exit', () => {
  for (const child of children.values()) child.kill('SIGKILL');
});

function forceKill() {
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(1);
}

mkdirSync(dataDir, { recursive: true });
mkdirSync(sharedServiceEnv.SHARE_DIR, { recursive: true });
console.log(`Starting ${components.map((component) => component.name).join(', ')} (data in ${dataDir})`);
const [gateway, ...services] = components;
const gatewayChild = start(gateway, 0);
if (!(await waitForHealth(`${gatewayUrl}/health`, gatewayChild))) {
  console.error('dev-gateway did not become healthy');
  stopAll(1);
} else {
  console.log(`dev-gateway ready: SPARQL with deltas at ${gatewayUrl}/sparql, without deltas at ${gatewayUrl}/direct/sparql`);
  services.forEach((component, index) => start(component, index + 1));
}
