/**
 * `POST /delta` and the intake log: what is refused (nothing written), what is taken (one durable
 * record, 202), the deprecated `deltaPath` alias, and that a body answered 202 survives a restart of
 * the maintainer before it was processed.
 */
import { randomUUID } from 'node:crypto';
import { clearGraphs, startLiveHarness, type LiveHarness } from '../../support/live-harness.js';

const run = randomUUID().slice(0, 8);
const base = `http://example.org/intake-test/${run}/`;
const sourceGraph = `${base}graphs/source`;
const exportConfig = { export: [{ type: `${base}Org`, properties: [`${base}name`] }] };

let harness: LiveHarness;
let publicationGraph: string;

beforeAll(async () => {
  harness = await startLiveHarness({
    deltaMode: 'effective',
    streams: [{ name: 'orgs', exportConfig, entry: { deltaPath: '/orgs/delta' } }],
    env: { MAX_BODY_SIZE: '4kb' },
  });
  publicationGraph = harness.config.streams[0]!.publicationGraph;
});

afterAll(async () => {
  if (!harness) return;
  await clearGraphs(harness, [sourceGraph, publicationGraph]);
  await harness.stop();
});

const triple = (subject: string, predicate: string, object: { type: string; value: string; 'xml:lang'?: string }) => ({
  subject: { type: 'uri', value: subject },
  predicate: { type: 'uri', value: predicate },
  object,
  graph: { type: 'uri', value: sourceGraph },
});

async function post(url: string, body: string, contentType = 'application/json'): Promise<{ status: number; json: unknown; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

describe('POST /delta', () => {
  let url: string;
  beforeAll(async () => {
    url = (await harness.startMaintainer({ startWorkers: false })).url;
  });
  afterAll(() => harness.stopMaintainer());

  const lastSeq = () => harness.maintainer!.intake.log.lastSeq;

  it('refuses a body that is not a delta message with 400 naming the bad element; nothing is written', async () => {
    const before = lastSeq();
    const notAnArray = await post(`${url}/delta`, JSON.stringify({ inserts: [] }));
    expect(notAnArray.status).toBe(400);
    expect(JSON.stringify(notAnArray.json)).toContain('$: body must be a JSON array');
    const noGraph = await post(`${url}/delta`, JSON.stringify([{ inserts: [{ subject: { type: 'uri', value: `${base}a` }, predicate: { type: 'uri', value: `${base}p` }, object: { type: 'literal', value: 'x' } }], deletes: [] }]));
    expect(noGraph.status).toBe(400);
    expect(JSON.stringify(noGraph.json)).toContain('$[0].inserts[0].graph');
    const genesis = await post(`${url}/delta`, JSON.stringify({ delta: { inserts: [], deletes: [] } }));
    expect(genesis.status).toBe(400);
    expect(JSON.stringify(genesis.json)).toContain('v0.0.0-genesis');
    expect(lastSeq()).toBe(before);
  });

  it('malformed JSON → 400, a body over MAX_BODY_SIZE → 413, not JSON → 415; nothing is written', async () => {
    const before = lastSeq();
    expect((await post(`${url}/delta`, '[{"inserts": [')).status).toBe(400);
    const big = JSON.stringify([{ inserts: Array.from({ length: 40 }, (_, i) => triple(`${base}big/${i}`, `${base}name`, { type: 'literal', value: 'x'.repeat(50) })), deletes: [] }]);
    const tooLarge = await post(`${url}/delta`, big);
    expect(tooLarge.status).toBe(413);
    expect((await post(`${url}/delta`, '[]', 'text/plain')).status).toBe(415);
    expect(lastSeq()).toBe(before);
  });

  it('answers 202 with an empty body once ONE record holding the changesets is in the intake log', async () => {
    const before = lastSeq();
    const body = [
      { inserts: [triple(`${base}org/1`, `${base}name`, { type: 'literal', value: 'één', 'xml:lang': 'nl' })], deletes: [] },
      { insert: [], delete: [triple(`${base}org/2`, `${base}name`, { type: 'literal', value: 'x' })], effectiveInsert: [], effectiveDelete: [] },
    ];
    const answer = await post(`${url}/delta`, JSON.stringify(body));
    expect(answer).toEqual({ status: 202, json: undefined, text: '' });
    expect(lastSeq()).toBe(before + 1);
    const [record] = await harness.maintainer!.intake.log.read(before + 1);
    expect(record!.payload).toEqual({
      v: 1,
      changesets: [
        { inserts: body[0]!.inserts, deletes: [] },
        { inserts: [], deletes: body[1]!.delete, effectiveInserts: [], effectiveDeletes: [] },
      ],
    });
  });

  it('a body without quads is answered 202 and not written', async () => {
    const before = lastSeq();
    expect((await post(`${url}/delta`, '[]')).status).toBe(202);
    expect((await post(`${url}/delta`, JSON.stringify([{ inserts: [], deletes: [] }]))).status).toBe(202);
    expect(lastSeq()).toBe(before);
  });

  it('the deprecated deltaPath of a stream is an alias of /delta (with or without a trailing slash)', async () => {
    const before = lastSeq();
    const body = JSON.stringify([{ inserts: [triple(`${base}org/3`, `${base}name`, { type: 'literal', value: 'alias' })], deletes: [] }]);
    expect((await post(`${url}/orgs/delta`, body)).status).toBe(202);
    expect((await post(`${url}/orgs/delta/`, body)).status).toBe(202);
    expect(lastSeq()).toBe(before + 2);
    expect((await post(`${url}/other/delta`, body)).status).toBe(404);
  });
});

it('a delta answered 202 is applied after a restart, even when the maintainer stopped before processing it', async () => {
  const org = `${base}org/restart`;
  // The source changes without a delta (direct endpoint); the delta is posted by hand, as the notifier would.
  await harness.direct.update(`INSERT DATA { GRAPH <${sourceGraph}> { <${org}> a <${base}Org> ; <${base}name> "Herstart"@nl . } }`);
  const paused = await harness.startMaintainer({ startWorkers: false });
  const body = [{ inserts: [triple(org, `${base}name`, { type: 'literal', value: 'Herstart', 'xml:lang': 'nl' })], deletes: [] }];
  expect((await post(`${paused.url}/delta`, JSON.stringify(body))).status).toBe(202);
  await harness.stopMaintainer();
  expect(await harness.dump([publicationGraph])).toEqual([]);

  const running = await harness.startMaintainer();
  await running.idle();
  const published = (await harness.dump([publicationGraph])).map((q) => `${q.subject.value} ${q.predicate.value} ${q.object.value}`).sort();
  expect(published).toEqual([`${org} ${base}name Herstart`, `${org} http://www.w3.org/1999/02/22-rdf-syntax-ns#type ${base}Org`]);
  await harness.stopMaintainer();
});
