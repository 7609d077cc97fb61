import { Parser } from 'n3';
import { DATASET, PREDICATES } from '@delta-producer/core';
import { dumpFileName, newDumpInsert, type DumpFile } from '../../../src/metadata/dump-metadata.js';
import { datasetResource, distributionResource } from '../../../src/http/json-api.js';

const file = (compressed: boolean, index: number): DumpFile => ({
  fileName: compressed ? 'd.ttl.gz' : 'd.ttl',
  shareUri: `share://delta-producer-dumps/d/${compressed ? 'd.ttl.gz' : 'd.ttl'}`,
  bytes: 100 + index,
  format: compressed ? 'application/gzip' : 'text/turtle',
  extension: compressed ? 'gz' : 'ttl',
  compressed,
  distributionUuid: `dist-${index}`,
  logicalUuid: `logical-${index}`,
  physicalUuid: `physical-${index}`,
});

/** The INSERT DATA body as quads (n3 reads the TriG-like `GRAPH <g> {…}` blocks of the body). */
function quadsOf(update: string) {
  const body = update.replace(/^\s*INSERT DATA\s*\{/, '').replace(/\}\s*$/, '');
  const prefixes = 'PREFIX mu: <http://mu.semte.ch/vocabularies/core/> PREFIX dct: <http://purl.org/dc/terms/> PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX nfo: <http://www.semanticdesktop.org/ontologies/2007/03/22/nfo#> PREFIX nie: <http://www.semanticdesktop.org/ontologies/2007/01/19/nie#> PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX task: <http://redpencil.data.gift/vocabularies/tasks/>\n';
  return new Parser({ format: 'application/trig' }).parse(prefixes + body);
}

describe('published dump metadata (data-model §11)', () => {
  const issued = new Date('2025-03-01T01:04:59.123Z');
  const now = new Date('2025-03-01T01:05:00.000Z');
  const update = newDumpInsert({
    datasetUuid: 'ds',
    subject: 'http://subject',
    issued,
    now,
    files: [file(false, 0), file(true, 1)],
    creator: 'http://lblod.data.gift/services/delta-producer-dump-file-publisher',
    previous: 'http://data.lblod.info/id/dataset/prev',
    dcatGraph: 'http://dcat',
    filesGraph: 'http://files',
    task: { uri: 'http://task', graph: 'http://jobs', containerUuid: 'c' },
  }).text;
  const quads = quadsOf(update);
  const values = (subject: string, predicate: string) => quads.filter((q) => q.subject.value === subject && q.predicate.value === predicate).map((q) => q.object.value);

  it('writes the dataset with issued = snapshot start, the revision link and both distributions', () => {
    const dataset = 'http://data.lblod.info/id/dataset/ds';
    expect(values(dataset, PREDICATES.issued)).toEqual([issued.toISOString()]);
    expect(values(dataset, PREDICATES.created)).toEqual([now.toISOString()]);
    expect(values(dataset, PREDICATES.type)).toEqual([DATASET.dumpType]);
    expect(values(dataset, PREDICATES.title)).toEqual([DATASET.dumpTitle]);
    expect(values(dataset, PREDICATES.wasRevisionOf)).toEqual(['http://data.lblod.info/id/dataset/prev']);
    expect(values(dataset, PREDICATES.distribution)).toEqual(['http://data.lblod.info/id/distribution/dist-0', 'http://data.lblod.info/id/distribution/dist-1']);
    expect(quads.filter((q) => q.subject.value === dataset).every((q) => q.graph.value === 'http://dcat')).toBe(true);
  });

  it('writes files with an absolute creator, sizes as integers and the share:// physical file', () => {
    const logical = 'http://data.lblod.info/id/file/logical-0';
    expect(values(logical, PREDICATES.creator)).toEqual(['http://lblod.data.gift/services/delta-producer-dump-file-publisher']);
    expect(quads.find((q) => q.subject.value === logical && q.predicate.value === PREDICATES.fileSize)!.object).toMatchObject({ value: '100', datatype: { value: 'http://www.w3.org/2001/XMLSchema#integer' } });
    expect(values('share://delta-producer-dumps/d/d.ttl', PREDICATES.dataSource)).toEqual([logical]);
    expect(values('http://data.lblod.info/id/distribution/dist-1', PREDICATES.compressFormat)).toEqual([DATASET.gzipFormat]);
    expect(values('http://data.lblod.info/id/distribution/dist-0', PREDICATES.compressFormat)).toEqual([]);
    expect(values('http://task', PREDICATES.resultsContainer)).toHaveLength(1);
  });

  it('names files <base>-<YYYYMMDDhhmmssSSS>-<uuid>.ttl', () => {
    expect(dumpFileName('dump-organizations', issued, 'u')).toBe('dump-organizations-20250301010459123-u.ttl');
  });
});

describe('JSON:API shapes the delta-consumer reads', () => {
  it('dataset: title, release-date and a relative related link', () => {
    const resource = datasetResource({ uri: 'http://d', uuid: 'u1', subject: 'http://s', issued: new Date('2025-03-01T01:05:00Z'), previous: [], next: [] });
    expect(resource.attributes).toMatchObject({ title: DATASET.dumpTitle, 'release-date': '2025-03-01T01:05:00.000Z', subject: 'http://s' });
    expect(resource.relationships.distributions.links.related).toBe('/datasets/u1/distributions');
  });

  it('distribution: subject data is the file download id', () => {
    const resource = distributionResource({ uri: 'http://x', uuid: 'd1', format: 'text/turtle', byteSize: 5, file: { uri: 'http://f', uuid: 'f1' } });
    expect(resource.relationships.subject.data).toEqual({ type: 'files', id: 'f1' });
    expect(resource.attributes['byte-size']).toBe(5);
  });
});
