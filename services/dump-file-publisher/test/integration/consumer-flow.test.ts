/**
 * A dump task from a delta to a consumer's bootstrap: the task is picked up from `POST /delta`, claimed
 * and finished; then lblod's delta-consumer requests (http-contracts §10, §12) are replayed exactly:
 * unencoded dataset filter, `//datasets/<id>/distributions?include=subject` built from the relative
 * `related` link, then `/files/<id>/download`, parsed with n3 — and the result is the publication graph.
 */
import { literal, namedNode, quad, STATUS, type Quad } from '@delta-producer/core';
import { integrationEndpoint, type IntegrationEndpoint } from '../../../core/test/support/sparql-endpoint.js';
import type { RunningDumpPublisher } from '../../src/service.js';
import { graphTriples, scheduleDump, startPublisher, statusOf, storeHelpers, testConfig, testStream, turtleTriples, waitForStatus } from './support.js';

let endpoint: IntegrationEndpoint;
let service: RunningDumpPublisher;
const stream = testStream();
// A second stream whose subject starts with the first one's: mu-cl-resources would match both.
const longer = testStream({ dcatDataSetSubject: `${stream.subject}Extended` });

function statusDelta(task: string, graph: string) {
  return [
    {
      inserts: [{ subject: { type: 'uri', value: task }, predicate: { type: 'uri', value: 'http://www.w3.org/ns/adms#status' }, object: { type: 'uri', value: STATUS.scheduled }, graph: { type: 'uri', value: graph } }],
      deletes: [],
    },
  ];
}

async function postDelta(body: unknown): Promise<Response> {
  return fetch(`${service.url}/delta`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  endpoint = await integrationEndpoint({ maxRows: 10_000 });
  const { client } = storeHelpers(endpoint.url);
  const quads: Quad[] = [];
  for (let index = 0; index < 50; index += 1) {
    const subject = namedNode(`http://test.example/${stream.name}/org/${index}`);
    quads.push(quad(subject, namedNode('http://xmlns.com/foaf/0.1/name'), literal(`Organisation ${index} "quoted"\nsecond line`, 'nl'), namedNode(stream.targetGraph)));
    quads.push(quad(subject, namedNode('http://test.example/rank'), literal(String(index), namedNode('http://www.w3.org/2001/XMLSchema#integer')), namedNode(stream.targetGraph)));
  }
  quads.push(quad(namedNode(`http://test.example/${longer.name}/x`), namedNode('http://test.example/p'), literal('other stream'), namedNode(longer.targetGraph)));
  await client.insertData(quads);
  service = await startPublisher(testConfig(endpoint.url, [stream, longer]));
});

afterAll(async () => {
  await service?.stop();
  await endpoint?.close();
});

describe('task pickup and the consumer flow', () => {
  let task: string;
  let job: string;

  beforeAll(async () => {
    const { client, jobs } = storeHelpers(endpoint.url);
    ({ task, job } = await scheduleDump(jobs, stream));
    const other = await scheduleDump(jobs, longer, longer.initialSyncOperation);
    // One message naming both tasks: both are dumped (the lblod publisher took only the first).
    const response = await postDelta([...statusDelta(task, stream.jobsGraph), ...statusDelta(other.task, longer.jobsGraph)]);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ data: { candidates: 2, tasks: 2 } });
    await waitForStatus(client, task, stream.jobsGraph, 'success');
    await waitForStatus(client, other.task, longer.jobsGraph, 'success');
  });

  test('the task ends in success with a results container; the job is left to the job lifecycle', async () => {
    const { client } = storeHelpers(endpoint.url);
    expect(await statusOf(client, job, stream.jobsGraph)).toBe(STATUS.busy);
    const rows = await client.select(`SELECT ?dataset WHERE { GRAPH <${stream.jobsGraph}> { <${task}> <http://redpencil.data.gift/vocabularies/tasks/resultsContainer> ?c . ?c <http://purl.org/dc/terms/subject> ?dataset } }`);
    expect(rows).toHaveLength(1);
  });

  test("lblod delta-consumer's requests find, pick and download the dump", async () => {
    const { client } = storeHelpers(endpoint.url);
    const base = `${service.url}/`; // a DCR_SYNC_BASE_URL ending with "/", as deployed stacks have it
    const datasetsUrl = `${base}/datasets?filter[subject]=${stream.subject}&filter[:has-no:next-version]=yes`;
    expect(new URL(datasetsUrl).search).toContain('filter[subject]=http://'); // sent unencoded
    expect(new URL(datasetsUrl).pathname).toBe('//datasets');
    const datasets = await fetch(datasetsUrl, { headers: { accept: 'application/vnd.api+json', 'accept-encoding': 'deflate,gzip' } });
    expect(datasets.status).toBe(200);
    expect(datasets.headers.get('content-type')).toMatch(/application\/vnd\.api\+json/);
    const { data } = (await datasets.json()) as { data: { id: string; attributes: Record<string, string>; relationships: { distributions: { links: { related: string } } } }[] };
    expect(data).toHaveLength(1); // exact subject match: the "Extended" stream is not listed
    const dataset = data[0]!;
    expect(dataset.attributes.title).toBe('Delta producer cache graph dump');
    expect(Number.isNaN(Date.parse(dataset.attributes['release-date']!))).toBe(false);
    expect(dataset.attributes.subject).toBe(stream.subject);
    const related = dataset.relationships.distributions.links.related;
    expect(related).toBe(`/datasets/${dataset.id}/distributions`);

    const distributions = await fetch(`${base}/${related}?include=subject`, { headers: { accept: 'application/vnd.api+json' } });
    expect(distributions.status).toBe(200);
    const distributionBody = (await distributions.json()) as { data: { attributes: Record<string, unknown>; relationships: { subject: { data: { type: string; id: string } } } }[] };
    const first = distributionBody.data[0]!;
    expect(first.attributes.format).toBe('text/turtle');
    expect(first.relationships.subject.data.type).toBe('files');

    const download = await fetch(`${base}/files/${first.relationships.subject.data.id}/download`, { headers: { accept: '*/*', 'accept-encoding': 'gzip,deflate' } });
    expect(download.status).toBe(200);
    const text = await download.text();
    expect(turtleTriples(text)).toEqual(await graphTriples(client, stream.targetGraph));
    expect(first.attributes['byte-size']).toBe(Buffer.byteLength(text));
  });

  test('GET /<name>/dumps/latest serves the head dump with Content-Type and Content-Length', async () => {
    const response = await fetch(`${service.url}/${stream.name}/dumps/latest`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/turtle/);
    const text = await response.text();
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(turtleTriples(text).size).toBe(100);
  });
});

describe('bad input and unknown ids', () => {
  test('unknown ids answer 404 with a JSON body', async () => {
    for (const path of ['/datasets/does-not-exist', '/datasets/does-not-exist/distributions?include=subject', '/files/does-not-exist/download', '/nosuchstream/dumps/latest']) {
      const response = await fetch(`${service.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      const body = (await response.json()) as { errors: { status: string }[] };
      expect(body.errors[0]!.status).toBe('404');
    }
  });

  test('a stream without a dump yet has no latest dump', async () => {
    const fresh = testStream();
    const config = testConfig(endpoint.url, [fresh]);
    const other = await startPublisher(config);
    try {
      const response = await fetch(`${other.url}/${fresh.name}/dumps/latest`);
      expect(response.status).toBe(404);
      const listing = await fetch(`${other.url}/datasets?filter[subject]=${fresh.subject}&filter[:has-no:next-version]=yes`);
      expect(((await listing.json()) as { data: unknown[] }).data).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  test('unsupported parameters and malformed filters are 400 with a JSON body', async () => {
    for (const path of ['/datasets?filter[title]=x', '/datasets?filter[subject]=not an iri', '/datasets?filter[:has-no:next-version]=no', '/datasets?sort=-issued', '/datasets/x/distributions?include=dataset', '/datasets?filter[subject]=http://a&filter[subject]=http://b']) {
      const response = await fetch(`${service.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(((await response.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    }
  });

  test('a malformed delta is a 400 and starts nothing', async () => {
    const { client, jobs } = storeHelpers(endpoint.url);
    const { task } = await scheduleDump(jobs, stream);
    for (const body of [{ delta: [] }, [{ inserts: [{ subject: { type: 'uri', value: task } }] }], 'text']) {
      const response = await postDelta(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    }
    expect(await statusOf(client, task, stream.jobsGraph)).toBe(STATUS.scheduled);
  });

  test('a delta about a task of another operation or status changes nothing', async () => {
    const { client, jobs } = storeHelpers(endpoint.url);
    const foreign = await jobs.createJobWithTask({ graph: stream.jobsGraph, jobOperation: 'http://test.example/other-operation', taskOperation: 'http://test.example/other-task', creator: 'http://test.example/c' });
    const response = await postDelta(statusDelta(foreign!.task, stream.jobsGraph));
    expect(await response.json()).toEqual({ data: { candidates: 1, tasks: 0 } });
    expect(await statusOf(client, foreign!.task, stream.jobsGraph)).toBe(STATUS.scheduled);
  });
});
