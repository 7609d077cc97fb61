/**
 * The repository's docker-compose files and Dockerfile as data, for the packaging test: the compose
 * files parsed and merged as docker-compose merges an override (environment by key, volumes by
 * container path, ports appended), bind mounts resolved to host paths, and container paths resolved
 * through a service's mounts. The test checks this merge against `docker-compose config` when the
 * binary is there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

export interface Mount {
  /** `bind`: a host path (relative to the repository); `volume`: a named volume. */
  kind: 'bind' | 'volume';
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ComposeService {
  name: string;
  image: string | undefined;
  build: { context: string; dockerfile: string } | undefined;
  environment: Record<string, string>;
  mounts: Mount[];
  ports: string[];
  dependsOn: string[];
  raw: Record<string, unknown>;
}

export interface ComposeModel {
  services: Map<string, ComposeService>;
  namedVolumes: Set<string>;
}

type RawService = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function readText(relativePath: string): string {
  return readFileSync(join(ROOT, relativePath), 'utf8');
}

export function readJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readText(relativePath)) as T;
}

/** `environment` as a map or as a `KEY=value` list → a map of strings. */
function environmentOf(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((entry) => {
        const text = String(entry);
        const at = text.indexOf('=');
        return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
      }),
    );
  }
  if (!isObject(raw)) throw new Error(`environment must be a map or a list, got ${JSON.stringify(raw)}`);
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/** Short volume syntax `source:target[:mode]`; a source starting with `.` or `/` is a bind mount. */
export function parseMount(entry: unknown): Mount {
  if (typeof entry !== 'string') throw new Error(`only the short volume syntax is used here, got ${JSON.stringify(entry)}`);
  const [source, target, mode] = entry.split(':');
  if (!source || !target) throw new Error(`volume ${JSON.stringify(entry)} needs a source and a target`);
  const bind = source.startsWith('.') || source.startsWith('/');
  return { kind: bind ? 'bind' : 'volume', source, target, readOnly: mode === 'ro' };
}

function mergeService(base: RawService, override: RawService): RawService {
  const merged: RawService = { ...base, ...override };
  if (base.environment !== undefined || override.environment !== undefined) {
    merged.environment = { ...environmentOf(base.environment), ...environmentOf(override.environment) };
  }
  if (Array.isArray(base.volumes) || Array.isArray(override.volumes)) {
    const byTarget = new Map<string, unknown>();
    for (const entry of [...((base.volumes as unknown[]) ?? []), ...((override.volumes as unknown[]) ?? [])]) byTarget.set(parseMount(entry).target, entry);
    merged.volumes = [...byTarget.values()];
  }
  if (Array.isArray(base.ports) || Array.isArray(override.ports)) merged.ports = [...((base.ports as unknown[]) ?? []), ...((override.ports as unknown[]) ?? [])];
  return merged;
}

function buildOf(raw: unknown): ComposeService['build'] {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return { context: raw, dockerfile: 'Dockerfile' };
  if (!isObject(raw)) throw new Error(`build must be a path or a map, got ${JSON.stringify(raw)}`);
  return { context: String(raw.context ?? '.'), dockerfile: String(raw.dockerfile ?? 'Dockerfile') };
}

function parseComposeFile(relativePath: string): { services: Record<string, RawService>; volumes: Record<string, unknown> } {
  const document: unknown = parse(readText(relativePath), { merge: true });
  if (!isObject(document) || !isObject(document.services)) throw new Error(`${relativePath} has no services map`);
  for (const [name, service] of Object.entries(document.services)) {
    if (!isObject(service)) throw new Error(`${relativePath}: service ${name} must be a map`);
  }
  return { services: document.services as Record<string, RawService>, volumes: isObject(document.volumes) ? document.volumes : {} };
}

/** The compose files merged in order, as `docker-compose -f a -f b` does. */
export function loadCompose(...relativePaths: string[]): ComposeModel {
  const services: Record<string, RawService> = {};
  const namedVolumes = new Set<string>();
  for (const path of relativePaths) {
    const file = parseComposeFile(path);
    for (const [name, service] of Object.entries(file.services)) services[name] = services[name] ? mergeService(services[name], service) : service;
    for (const name of Object.keys(file.volumes)) namedVolumes.add(name);
  }
  const model = new Map<string, ComposeService>();
  for (const [name, raw] of Object.entries(services)) {
    model.set(name, {
      name,
      image: typeof raw.image === 'string' ? raw.image : undefined,
      build: buildOf(raw.build),
      environment: environmentOf(raw.environment),
      mounts: ((raw.volumes as unknown[]) ?? []).map(parseMount),
      ports: ((raw.ports as unknown[]) ?? []).map(String),
      dependsOn: Array.isArray(raw.depends_on) ? raw.depends_on.map(String) : isObject(raw.depends_on) ? Object.keys(raw.depends_on) : [],
      raw,
    });
  }
  return { services: model, namedVolumes };
}

export function service(model: ComposeModel, name: string): ComposeService {
  const found = model.services.get(name);
  if (!found) throw new Error(`no compose service ${name}`);
  return found;
}

/** Absolute host path of a bind mount's source. */
export function hostPath(mount: Mount): string {
  return isAbsolute(mount.source) ? mount.source : resolve(ROOT, mount.source);
}

export type Resolved = { kind: 'bind'; hostPath: string; mount: Mount } | { kind: 'volume'; volume: string; mount: Mount };

/** Where a path inside the container lives: under the deepest mount that contains it. */
export function resolveContainerPath(composeService: ComposeService, containerPath: string): Resolved | undefined {
  const path = posix.normalize(containerPath);
  const candidates = composeService.mounts.filter((mount) => path === mount.target || path.startsWith(`${mount.target.replace(/\/$/, '')}/`));
  const mount = candidates.sort((a, b) => b.target.length - a.target.length)[0];
  if (!mount) return undefined;
  if (mount.kind === 'volume') return { kind: 'volume', volume: mount.source, mount };
  return { kind: 'bind', hostPath: join(hostPath(mount), posix.relative(mount.target, path)), mount };
}

/** A container path that must be a file of the repository (a config file): its host path. */
export function hostFileOf(composeService: ComposeService, containerPath: string): string {
  const resolved = resolveContainerPath(composeService, containerPath);
  if (resolved?.kind !== 'bind') throw new Error(`${composeService.name}: ${containerPath} is not on a bind mount of the repository`);
  if (!existsSync(resolved.hostPath)) throw new Error(`${composeService.name}: ${containerPath} → ${resolved.hostPath} does not exist`);
  return resolved.hostPath;
}

export interface DockerfileInstruction {
  instruction: string;
  args: string;
  /** Index of the build stage (0-based) the instruction belongs to. */
  stage: number;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
export function dockerfileInstructions(relativePath = 'Dockerfile'): DockerfileInstruction[] {
  const logical = readText(relativePath)
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  let stage = -1;
  return logical.map((line) => {
    const match = /^(\w+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`cannot read Dockerfile line ${JSON.stringify(line)}`);
    const instruction = match[1]!.toUpperCase();
    if (instruction === 'FROM') stage += 1;
    return { instruction, args: match[2]!.replace(/\s+/g, ' ').trim(), stage };
  });
}

/** `.dockerignore` patterns as regular expressions on repository-relative paths (`*`, `**`, `?`). */
export function dockerignoreMatchers(relativePath = '.dockerignore'): { pattern: string; matches(path: string): boolean }[] {
  return readText(relativePath)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pattern) => {
      if (pattern.startsWith('!')) throw new Error('exception patterns (!) are not read by this test');
      const source = pattern
        .replace(/^\/+/, '')
        .split('/')
        .map((segment) => (segment === '**' ? '(?:.*)' : segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/')
        .replace(/^\(\?:\.\*\)\//, '(?:.*/)?');
      const regex = new RegExp(`^${source}(?:/.*)?$`);
      return { pattern, matches: (path: string) => regex.test(path) };
    });
}
