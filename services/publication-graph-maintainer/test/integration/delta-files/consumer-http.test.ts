/**
 * The consumer-facing HTTP contracts (http-contracts §6, §9, §11) on a running maintainer: login, the
 * session the listing and the download need, `since` validation, `//` paths and unencoded `+`, paging
 * across files with equal created values, download with JSON 404s, retention. Changes are committed
 * straight through the stream's outbox, as the live path and healing do.
 */
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { literal, namedNode, quad, type Quad } from '@delta-producer/core';
import { DAY_MS } from '../../../src/delta-files/retention.js';
import type { RunningMaintainer } from '../../../src/service.js';
import { deltaFilesUnder, ReferenceConsumer, type ListedFileJson } from '../../support/delta-consumer.js';
import { clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';

const run = randomUUID().slice(0, 8);
const base = `http://example.org/delta-http-test/${run}/`;
const KEY = `k-${randomUUID()}`;
const graphs = {
  files: `${base}graphs/files`,
  openFiles: `${base}graphs/open-files`,
  login: `${base}graphs/login`,
};
const account = `${base}account`;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
let clock = T0;

let harness: LiveHarness;
let maintainer: RunningMaintainer;

beforeAll(async () => {
  harness = await startLiveHarness({
    deltaMode: 'effective',
    streams: [
      { name: 'closed', exportConfig: { export: [{ type: `${base}Thing`, properties: [`${base}p`] }] }, entry: { serveDeltaFiles: true, publisherUri: `${base}publisher/closed`, filesGraph: graphs.files, account_graph: graphs.login, account, key: KEY, deltaInterval: 0, deltaFileRetentionDays: 2 } },
      { name: 'open', exportConfig: { export: [{ type: `${base}Thing`, properties: [`${base}p`] }] }, entry: { serveDeltaFiles: true, publisherUri: `${base}publisher/open`, filesGraph: graphs.openFiles, deltaInterval: 0 } },
    ],
    env: { MAX_DELTAS_PER_FILE: '1', MAX_DELTA_FILES_PER_REQUEST: '5' },
  });
  maintainer = await harness.startMaintainer({ deltaFiles: { now: () => clock }, loginFailuresPerMinute: 5 });
});

afterAll(async () => {
  if (!harness) return;
  await clearGraphs(harness, [...Object.values(graphs), ...harness.config.streams.map((stream) => stream.publicationGraph)]);
  await harness.stop();
});

function change(stream: string, n: number): Quad {
  const graph = harness.config.streams.find((entry) => entry.name === stream)!.publicationGraph;
  return quad(namedNode(`${base}s/${n}`), namedNode(`${base}p`), literal(`value ${n}`), namedNode(graph));
}

/** Commits one outbox record per change (each becomes one file, MAX_DELTAS_PER_FILE = 1) and waits for the files. */
async function publish(stream: string, numbers: number[]): Promise<void> {
  const outbox = maintainer.outboxes.get(stream)!;
  for (const n of numbers) await outbox.commit([1, 1], { deletes: [], inserts: [change(stream, n)] });
  await maintainer.filesFlushed();
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${maintainer.url}${path}`, { headers });
const login = (headers: Record<string, string>) => fetch(`${maintainer.url}/closed/login`, { method: 'POST', headers: { accept: 'application/vnd.api+json', ...headers } });

async function cookieSession(): Promise<string> {
  const response = await login({ key: KEY });
  expect(response.status).toBe(201);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

describe('login', () => {
  it('a stream without a key refuses every login with a clear 403', async () => {
    const response = await fetch(`${maintainer.url}/open/login`, { method: 'POST', headers: { key: 'anything' } });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ errors: [{ status: '403', code: 'login-disabled' }] });
  });

  it('a wrong or missing key gets 401, and the key is never logged', async () => {
    expect((await login({ key: 'wrong' })).status).toBe(401);
    expect((await login({})).status).toBe(401);
    await cookieSession();
    expect(JSON.stringify(harness.logs())).not.toContain(KEY);
  });

  it('behind mu-identifier: 201, the session linked to the account, mu-auth-allowed-groups CLEAR, lblod body, no cookie of ours', async () => {
    const session = `http://mu.semte.ch/sessions/${randomUUID()}`;
    const response = await login({ key: KEY, 'mu-session-id': session });
    expect(response.status).toBe(201);
    expect(response.headers.get('mu-auth-allowed-groups')).toBe('CLEAR');
    expect(response.headers.get('set-cookie')).toBeNull();
    const body = (await response.json()) as { links: unknown; data: { type: string; id: string } };
    expect(body).toEqual({ links: { self: '/sessions/current' }, data: { type: 'sessions', id: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(await harness.direct.ask(`ASK { GRAPH <${graphs.login}> { <${session}> <http://mu.semte.ch/vocabularies/account/account> <${account}> } }`)).toBe(true);
    // That session may list.
    expect((await get('/closed/files?since=2020-01-01T00:00:00.000Z', { 'mu-session-id': session })).status).toBe(200);
  });

});

describe('listing and download', () => {
  beforeAll(async () => {
    await publish('closed', [1, 2, 3, 4, 5, 6, 7]);
    await publish('open', [1, 2]);
  });

  it('the listing of a stream with a key needs a logged-in session: 400 otherwise (consumers log in again on a 400)', async () => {
    const anonymous = await get('/closed/files?since=2020-01-01T00:00:00.000Z');
    expect(anonymous.status).toBe(400);
    expect(await anonymous.json()).toMatchObject({ errors: [{ code: 'session-required' }] });
    const unknown = await get('/closed/files?since=2020-01-01T00:00:00.000Z', { 'mu-session-id': `http://mu.semte.ch/sessions/${randomUUID()}` });
    expect(unknown.status).toBe(400);
    const cookie = await cookieSession();
    const listed = await get('/closed/files?since=2020-01-01T00:00:00.000Z', { cookie });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/);
    expect(((await listed.json()) as { data: unknown[] }).data).toHaveLength(5);
  });

  it('files created in the same clock millisecond get distinct, increasing created values; pages of 5 visit all 7 once', async () => {
    // The clock stood still at T0 for all 7 files.
    const consumer = new ReferenceConsumer({ baseUrl: maintainer.url, filesPath: '/closed/files', loginPath: '/closed/login', key: KEY, since: '2020-01-01T00:00:00.000Z' });
    await consumer.login();
    await consumer.catchUp();
    expect(consumer.listings.map((listing) => listing.length)).toEqual([5, 2, 0]);
    expect(consumer.applied.map((file) => file.attributes.created)).toEqual([0, 1, 2, 3, 4, 5, 6].map((ms) => new Date(T0 + ms).toISOString()));
    expect(consumer.keys().size).toBe(7);
  });

  it('since: validated (400 JSON), strictly greater, + arriving as a space, // in the path, trailing slash', async () => {
    const cookie = await cookieSession();
    for (const bad of ['yesterday', '2026-13-01T00:00:00Z', '%22%7D%20DROP']) {
      const response = await get(`/closed/files?since=${bad}`, { cookie });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errors: [{ status: '400' }] });
    }
    expect((await get('/closed/files', { cookie })).status).toBe(400);
    const ids = async (path: string) => ((await (await get(path, { cookie })).json()) as { data: ListedFileJson[] }).data.map((file) => file.attributes.created);
    expect(await ids(`/closed/files?since=${new Date(T0 + 4).toISOString()}`)).toEqual([5, 6].map((ms) => new Date(T0 + ms).toISOString()));
    // 01:00:00.004+01:00 = T0 + 4 ms; the + is sent unencoded and arrives as a space
    expect(await ids('/closed/files?since=2026-01-01T01:00:00.004+01:00')).toEqual([5, 6].map((ms) => new Date(T0 + ms).toISOString()));
    expect(await ids(`//closed//files/?since=${new Date(T0 + 5).toISOString()}`)).toEqual([new Date(T0 + 6).toISOString()]);
  });

  it('download: the file bytes for a session, 400 without one, 404 JSON for an unknown id; an open stream needs no session', async () => {
    const cookie = await cookieSession();
    const [first] = ((await (await get('/closed/files?since=2020-01-01T00:00:00.000Z', { cookie })).json()) as { data: ListedFileJson[] }).data;
    expect((await get(`/files/${first!.id}/download`)).status).toBe(400);
    const download = await get(`/files/${first!.id}/download`, { cookie });
    expect(download.status).toBe(200);
    const content = (await download.json()) as { inserts: unknown[]; deletes: unknown[] }[];
    expect(content).toEqual([{ deletes: [], inserts: [{ subject: { type: 'uri', value: `${base}s/1` }, predicate: { type: 'uri', value: `${base}p` }, object: { type: 'literal', value: 'value 1' }, graph: { type: 'uri', value: harness.config.streams[0]!.publicationGraph } }] }]);
    const missing = await get(`/files/${randomUUID()}/download`, { cookie });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errors: [{ status: '404' }] });

    const open = new ReferenceConsumer({ baseUrl: maintainer.url, filesPath: '/open/files' });
    await open.catchUp();
    expect(open.applied).toHaveLength(2);
  });

  it('metadata: logical and physical file in filesGraph, clean share:// URI, size, format, publisher', async () => {
    const rows = await harness.direct.selectAll(`
      SELECT ?logical ?physical ?size ?created ?publisher ?format ?name WHERE { GRAPH <${graphs.openFiles}> {
        ?logical a <http://www.semanticdesktop.org/ontologies/2007/03/22/nfo#FileDataObject> ; <http://purl.org/dc/terms/publisher> ?publisher ;
          <http://www.semanticdesktop.org/ontologies/2007/03/22/nfo#fileSize> ?size ; <http://purl.org/dc/terms/created> ?created ;
          <http://purl.org/dc/terms/format> ?format ; <http://www.semanticdesktop.org/ontologies/2007/03/22/nfo#fileName> ?name .
        ?physical <http://www.semanticdesktop.org/ontologies/2007/01/19/nie#dataSource> ?logical } }`);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.physical!.value).toMatch(/^share:\/\/deltas\/2026-01-01\/delta-2026-01-01T00:00:00\.00\dZ-open-0\.json$/);
      expect(row.publisher!.value).toBe(`${base}publisher/open`);
      expect(row.format!.value).toBe('application/json');
      const path = join(harness.env.SHARE_DIR!, row.physical!.value.slice('share://'.length));
      expect(Number(row.size!.value)).toBe((await stat(path)).size);
      expect(JSON.parse(await readFile(path, 'utf8'))).toHaveLength(1);
    }
  });

  it('retention: files older than the window leave the listing, the store and the disk; newer ones stay', async () => {
    clock = T0 + 3 * DAY_MS;
    await publish('closed', [8]);
    const removed = await maintainer.deltaFiles.get('closed')!.retention!.runOnce();
    expect(removed).toBe(7);
    const consumer = new ReferenceConsumer({ baseUrl: maintainer.url, filesPath: '/closed/files', loginPath: '/closed/login', key: KEY, since: '2020-01-01T00:00:00.000Z' });
    await consumer.login();
    await consumer.catchUp();
    expect(consumer.applied.map((file) => file.attributes.created)).toEqual([new Date(T0 + 3 * DAY_MS).toISOString()]);
    const left = await harness.direct.selectAll(`SELECT ?s WHERE { GRAPH <${graphs.files}> { ?s <http://purl.org/dc/terms/created> ?c } }`);
    expect(left).toHaveLength(2);
    const onDisk = (await deltaFilesUnder(join(harness.env.SHARE_DIR!, 'deltas'))).map((file) => file.path).filter((path) => path.includes('-closed-'));
    expect(onDisk).toHaveLength(1);
  });

  it('every file written conforms to the delta-file schema', async () => {
    const files = await deltaFilesUnder(harness.env.SHARE_DIR!);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => file.problems.length > 0)).toEqual([]);
  });
});

describe('login throttling (last: it blocks this client for a minute)', () => {
  it('failed attempts are throttled per client: 429 with Retry-After, then even the right key waits', async () => {
    let last: Response | undefined;
    for (let attempt = 0; attempt < 6; attempt++) last = await login({ key: 'wrong' });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login({ key: KEY })).status).toBe(429);
  });
});
