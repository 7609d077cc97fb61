import type { DatasetRecord } from '../../../src/metadata/dataset-repository.js';
import { expiredDatasets, headRepairLinks } from '../../../src/metadata/revision-chain.js';

const dataset = (uri: string, issued: string, next: { uri: string; created?: string }[] = []): DatasetRecord => ({
  uri,
  uuid: uri,
  subject: 'http://s',
  issued: new Date(issued),
  previous: [],
  next: next.map((entry) => ({ uri: entry.uri, created: entry.created ? new Date(entry.created) : undefined })),
});

describe('head repair', () => {
  it('chains heads oldest → newest so the newest is the only head', () => {
    const heads = [dataset('http://c', '2025-03-01T00:00:00Z'), dataset('http://a', '2025-01-01T00:00:00Z'), dataset('http://b', '2025-02-01T00:00:00Z')];
    expect(headRepairLinks(heads)).toEqual([
      { next: 'http://b', previous: 'http://a' },
      { next: 'http://c', previous: 'http://b' },
    ]);
  });

  it('does nothing for one head or none', () => {
    expect(headRepairLinks([dataset('http://a', '2025-01-01T00:00:00Z')])).toEqual([]);
    expect(headRepairLinks([])).toEqual([]);
  });

  it('breaks ties on issued by IRI, deterministically', () => {
    const heads = [dataset('http://b', '2025-01-01T00:00:00Z'), dataset('http://a', '2025-01-01T00:00:00Z')];
    expect(headRepairLinks(heads)).toEqual([{ next: 'http://b', previous: 'http://a' }]);
  });
});

describe('clean-up after the grace period', () => {
  const now = new Date('2025-01-01T12:00:00Z');
  const hour = 3_600_000;

  it('keeps the head and dumps superseded less than the grace period ago', () => {
    const datasets = [
      dataset('http://head', '2025-01-01T11:30:00Z'),
      dataset('http://recent', '2025-01-01T10:00:00Z', [{ uri: 'http://head', created: '2025-01-01T11:30:00Z' }]),
      dataset('http://old', '2025-01-01T09:00:00Z', [{ uri: 'http://recent', created: '2025-01-01T10:00:00Z' }]),
      dataset('http://unknown', '2025-01-01T08:00:00Z', [{ uri: 'http://old' }]),
    ];
    expect(expiredDatasets(datasets, now, hour).map((entry) => entry.uri)).toEqual(['http://old']);
    expect(expiredDatasets(datasets, now, 0).map((entry) => entry.uri)).toEqual(['http://recent', 'http://old']);
  });
});
