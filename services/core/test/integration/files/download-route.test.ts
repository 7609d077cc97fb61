import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import {
  createFileDownloadRoutes,
  createHttpApp,
  createSparqlClient,
  FileRepository,
  literal,
  namedNode,
  quad,
  shareUriFor,
  sparql,
  startHttpServer,
  PREDICATES,
  CLASSES,
  RDF,
  type RunningHttpServer,
  type SparqlClient,
} from '../../../src/index.js';
import { createCapturingLogger } from '../../support/log-capture.js';
import { integrationEndpoint, type IntegrationEndpoint } from '../../support/sparql-endpoint.js';

let endpoint: IntegrationEndpoint;
let client: SparqlClient;
let shareDir: string;
let server: RunningHttpServer;
let baseUrl: string;
const filesGraph = `http://test.example/files/${uuidv4()}`;
const otherGraph = `http://test.example/other/${uuidv4()}`;
const { logger } = createCapturingLogger();

/** Metadata of a logical + physical file pair (physical IRI as given, e.g. with lblod's three slashes). */
async function addFile(graph: string, id: string, physical: string, format?: string): Promise<void> {
  const logical = namedNode(`http://data.example/files/${id}`);
  const g = namedNode(graph);
  const quads = [
    quad(logical, namedNode(RDF.type), namedNode(CLASSES.fileDataObject), g),
    quad(logical, namedNode(PREDICATES.uuid), literal(id), g),
    quad(logical, namedNode(PREDICATES.fileName), literal('delta.json'), g),
    quad(namedNode(physical), namedNode(RDF.type), namedNode(CLASSES.fileDataObject), g),
    quad(namedNode(physical), namedNode(PREDICATES.dataSource), logical, g),
  ];
  if (format) quads.push(quad(logical, namedNode(PREDICATES.format), literal(format), g));
  await client.insertData(quads);
}

beforeAll(async () => {
  endpoint = await integrationEndpoint();
  client = createSparqlClient({ endpoint: endpoint.url });
  shareDir = await mkdtemp(join(tmpdir(), 'share-'));
  await mkdir(join(shareDir, 'deltas/2025-03-01'), { recursive: true });
  await writeFile(join(shareDir, 'deltas/2025-03-01/delta.json'), '[{"inserts":[],"deletes":[]}]\n');
  await writeFile(join(shareDir, 'dump.ttl'), '<http://a> <http://b> "c" .\n');
  await addFile(filesGraph, 'delta-1', 'share:///deltas/2025-03-01/delta.json', 'application/json');
  await addFile(filesGraph, 'dump-1', shareUriFor('dump.ttl'), 'text/turtle');
  await addFile(filesGraph, 'gone-1', shareUriFor('deltas/2025-03-01/removed.json'));
  await addFile(filesGraph, 'escape-1', 'share://../../etc/passwd');
  await addFile(otherGraph, 'elsewhere-1', shareUriFor('dump.ttl'));
  const routes = createFileDownloadRoutes({ files: new FileRepository(client, [filesGraph]), shareDir, logger });
  server = await startHttpServer(createHttpApp({ logger, routes, jsonLimit: 1024 }), { port: 0, host: '127.0.0.1', requestTimeoutMs: 10_000, logger });
  baseUrl = `http://127.0.0.1:${server.address.port}`;
});

afterAll(async () => {
  await server?.close();
  await client.update(sparql`DELETE WHERE { GRAPH ${namedNode(filesGraph)} { ?s ?p ?o } }`);
  await client.update(sparql`DELETE WHERE { GRAPH ${namedNode(otherGraph)} { ?s ?p ?o } }`);
  await rm(shareDir, { recursive: true, force: true });
  await endpoint.close();
});

describe('GET /files/:id/download', () => {
  it('streams the physical file of the logical file with that mu:uuid (lblod three-slash IRI tolerated)', async () => {
    const response = await fetch(`${baseUrl}/files/delta-1/download`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-length')).toBe('30');
    expect(await response.text()).toBe('[{"inserts":[],"deletes":[]}]\n');
  });

  it('answers ?name= as an attachment with a cleaned file name, and HEAD without a body', async () => {
    const response = await fetch(`${baseUrl}/files/dump-1/download?name=../my "dump".ttl`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/turtle/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="my dump.ttl"/);
    const head = await fetch(`${baseUrl}/files/dump-1/download`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('28');
  });

  it('answers an unknown id, a malformed id and a file of another graph with 404 and a JSON body', async () => {
    for (const id of ['nope', 'elsewhere-1', "x'%20OR%201", '%2e%2e']) {
      const response = await fetch(`${baseUrl}/files/${id}/download`);
      expect(response.status).toBe(404);
      const body = (await response.json()) as { errors: { status: string }[] };
      expect(body.errors[0]!.status).toBe('404');
    }
  });

  it('answers metadata without its file, or naming a path outside the share, with 500 file-missing', async () => {
    for (const id of ['gone-1', 'escape-1']) {
      const response = await fetch(`${baseUrl}/files/${id}/download`);
      expect(response.status).toBe(500);
      const body = (await response.json()) as { errors: { code: string }[] };
      expect(body.errors[0]!.code).toBe('file-missing');
    }
  });
});
