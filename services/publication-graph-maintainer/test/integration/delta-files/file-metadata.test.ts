/**
 * The file index is loaded from the files graph in keyset pages on `dct:created`. Files that share a
 * created time across a page boundary, more of them than a page holds, a logical file with two
 * physical resources and another publisher's files in the same graph: every file of this publisher
 * comes back exactly once, in created-then-uuid order, with its physical file.
 */
import { randomUUID } from 'node:crypto';
import { createSparqlClient, namedNode, quad, literal, type SparqlClient } from '@delta-producer/core';
import { pino } from 'pino';
import { clearGraph, integrationEndpoint, type IntegrationEndpoint } from '../../../../core/test/support/sparql-endpoint.js';
import { FileMetadataRepository } from '../../../src/delta-files/file-metadata-repository.js';
import { deltaFileName, deltaFileRelativePath, logicalFileIri, physicalFileIri } from '../../../src/delta-files/file-naming.js';

const base = `http://example.org/file-metadata-test/${randomUUID()}/`;
const filesGraph = `${base}files`;
let endpoint: IntegrationEndpoint;
let client: SparqlClient;

function fileAt(created: number, counter: number) {
  const name = deltaFileName(created, 'test', counter);
  return { uuid: randomUUID(), physicalUuid: randomUUID(), name, relativePath: deltaFileRelativePath('deltas', created, name), created };
}

function repository(publisher: string, listPageSize: number): FileMetadataRepository {
  return new FileMetadataRepository({ client, filesGraph, publisherUri: publisher, scope: `${base}scope`, listPageSize });
}

beforeAll(async () => {
  endpoint = await integrationEndpoint();
  client = createSparqlClient({ endpoint: endpoint.url, logger: pino({ level: 'silent' }) });
});

afterAll(async () => {
  await clearGraph(client, namedNode(filesGraph));
  await endpoint.close();
});

test('every file once, in created then uuid order, across pages and ties larger than a page', async () => {
  const t0 = Date.parse('2026-03-01T10:00:00.000Z');
  // created times: 2 single files, then 7 files sharing one millisecond, then 4 more single files
  const createdTimes = [t0, t0 + 1, ...Array.from({ length: 7 }, () => t0 + 2), t0 + 3, t0 + 4, t0 + 5, t0 + 6];
  const files = createdTimes.map((created, counter) => fileAt(created, counter));
  const ours = repository(`${base}publisher`, 3);
  await ours.insert(files.map((file) => ({ file, size: 10 })));
  // another publisher's files in the same graph, at the same times
  await repository(`${base}other-publisher`, 3).insert([fileAt(t0 + 2, 99), fileAt(t0 + 4, 98)].map((file) => ({ file, size: 10 })));
  // a second physical resource for the first file
  const extraPhysical = namedNode(physicalFileIri('deltas/extra.json'));
  await client.insertData([quad(extraPhysical, namedNode('http://www.semanticdesktop.org/ontologies/2007/01/19/nie#dataSource'), namedNode(logicalFileIri(files[0]!.uuid)), namedNode(filesGraph)), quad(extraPhysical, namedNode('http://mu.semte.ch/vocabularies/core/uuid'), literal('x'), namedNode(filesGraph))]);

  for (const pageSize of [3, 5, 1000]) {
    const listed = await repository(`${base}publisher`, pageSize).list();
    const expected = [...files].sort((a, b) => a.created - b.created || (a.uuid < b.uuid ? -1 : 1));
    expect(listed.map((file) => [file.uuid, file.created, file.name])).toEqual(expected.map((file) => [file.uuid, file.created, file.name]));
    for (const [index, file] of listed.entries()) {
      const physicals = [physicalFileIri(expected[index]!.relativePath), ...(file.uuid === files[0]!.uuid ? [extraPhysical.value] : [])];
      expect(physicals).toContain(file.physical);
    }
  }
});
