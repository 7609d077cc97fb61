/**
 * A reference consumer of the lblod delta-consumer protocol (http-contracts §11, §12), for tests:
 * optional login (`POST <login>` with header `key`, the first Set-Cookie kept and sent back, a new
 * login once on a 400), then polls `GET <filesPath>?since=<cursor>` with the query string unencoded,
 * downloads each listed file in order, checks it against the delta-file schema and applies it to an
 * in-memory replica: changesets in order, each one's deletes then its inserts. The cursor is the
 * `created` of the last applied file.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalTripleKey, quadFromJson, type Quad } from '@delta-producer/core';
import { deltaFileProblems } from '../../src/delta-files/file-schema.js';

export interface ListedFileJson {
  type: string;
  id: string;
  attributes: { name: string; created: string };
}

export interface ReferenceConsumerOptions {
  baseUrl: string;
  filesPath: string;
  loginPath?: string;
  key?: string;
  /** Cursor to start from (ISO); default the epoch. */
  since?: string;
}

export class ReferenceConsumer {
  readonly #options: ReferenceConsumerOptions;
  readonly replica = new Map<string, Quad>();
  cursor: string;
  cookie: string | undefined;
  readonly applied: ListedFileJson[] = [];
  readonly listings: ListedFileJson[][] = [];
  logins = 0;

  constructor(options: ReferenceConsumerOptions) {
    this.#options = options;
    this.cursor = options.since ?? new Date(0).toISOString();
  }

  async login(): Promise<void> {
    const { baseUrl, loginPath, key } = this.#options;
    if (!loginPath || key === undefined) return;
    const response = await fetch(`${baseUrl}${loginPath}`, { method: 'POST', headers: { key, accept: 'application/vnd.api+json' } });
    await response.arrayBuffer();
    if (response.status < 200 || response.status > 299) throw new Error(`Could not log in: ${response.status}`);
    this.logins++;
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
  }

  async #get(path: string, retried = false): Promise<Response> {
    const response = await fetch(`${this.#options.baseUrl}${path}`, { headers: { accept: 'application/vnd.api+json', ...(this.cookie ? { cookie: this.cookie } : {}) } });
    if (response.status === 400 && !retried && this.#options.key !== undefined) {
      await response.arrayBuffer();
      this.cookie = undefined;
      await this.login();
      return this.#get(path, true);
    }
    return response;
  }

  /** One poll: lists since the cursor and applies every listed file; returns the files applied. */
  async pollOnce(): Promise<number> {
    const response = await this.#get(`${this.#options.filesPath}?since=${this.cursor}`);
    const body = (await response.json()) as { data?: ListedFileJson[] };
    if (response.status !== 200 || !Array.isArray(body.data)) throw new Error(`listing answered ${response.status}: ${JSON.stringify(body)}`);
    this.listings.push(body.data);
    for (const file of body.data) {
      const download = await this.#get(`/files/${file.id}/download`);
      const text = await download.text();
      if (download.status !== 200) throw new Error(`download of ${file.attributes.name} answered ${download.status}: ${text}`);
      this.applyFile(JSON.parse(text) as unknown, file.attributes.name);
      this.applied.push(file);
      this.cursor = file.attributes.created;
    }
    return body.data.length;
  }

  /** Polls until a listing is empty. */
  async catchUp(): Promise<void> {
    while ((await this.pollOnce()) > 0);
  }

  applyFile(content: unknown, name: string): void {
    const problems = deltaFileProblems(content);
    if (problems.length > 0) throw new Error(`${name} does not conform: ${problems.join('; ')}`);
    for (const changeset of content as { deletes: unknown[]; inserts: unknown[] }[]) {
      for (const triple of changeset.deletes) this.replica.delete(canonicalTripleKey(quadFromJson(triple)));
      for (const triple of changeset.inserts) {
        const q = quadFromJson(triple);
        this.replica.set(canonicalTripleKey(q), q);
      }
    }
  }

  keys(): Set<string> {
    return new Set(this.replica.keys());
  }
}

/** Every delta file under `dir` (recursively), parsed; a file that is not JSON or not conforming is reported. */
export async function deltaFilesUnder(dir: string): Promise<{ path: string; problems: string[] }[]> {
  const found: { path: string; problems: string[] }[] = [];
  const walk = async (at: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.json')) {
        let problems: string[];
        try {
          problems = deltaFileProblems(JSON.parse(await readFile(path, 'utf8')));
        } catch (error) {
          problems = [`not JSON: ${(error as Error).message}`];
        }
        found.push({ path, problems });
      } else found.push({ path, problems: ['not a delta file (left-over temporary file?)'] });
    }
  };
  await walk(dir);
  return found;
}
