import type { Term } from '@rdfjs/types';
import { literal, termToNTriples } from '../../../src/index.js';
import { countThenPage, PagingError, selectAll, selectPaged, TruncatedResultError, type JsonBindings, type PageRequest, type PagingSource } from '../../../src/sparql/index.js';

// Pure paging logic over an in-memory "store" that behaves like Virtuoso: it honours LIMIT/OFFSET and
// the keyset filter, and cuts results at `storeMaxRows` (with or without the X-SPARQL-MaxRows header).
// Real stores are exercised in test/integration/sparql.
interface FakeOptions {
  rows: number;
  storeMaxRows?: number;
  header?: boolean;
  ignoreLimit?: boolean;
  ignoreAfter?: boolean;
}

function fakeSource(options: FakeOptions): PagingSource & { requests: PageRequest[] } {
  const keys = Array.from({ length: options.rows }, (_, i) => `k${String(i).padStart(6, '0')}`);
  const requests: PageRequest[] = [];
  return {
    requests,
    async selectJson(query) {
      const text = String(query);
      if (text === 'COUNT') return { vars: ['count'], bindings: [{ count: { type: 'literal', datatype: 'http://www.w3.org/2001/XMLSchema#integer', value: String(options.rows) } }] };
      const request = JSON.parse(text) as { limit?: number; offset: number; after?: string };
      requests.push({ limit: request.limit ?? Infinity, offset: request.offset, after: request.after === undefined ? undefined : literal(request.after), page: requests.length });
      let selected = keys.filter((key) => options.ignoreAfter || request.after === undefined || key > request.after).slice(request.offset);
      if (!options.ignoreLimit && request.limit !== undefined) selected = selected.slice(0, request.limit);
      let storeMaxRows: number | undefined;
      if (options.storeMaxRows !== undefined && selected.length >= options.storeMaxRows) {
        selected = selected.slice(0, options.storeMaxRows);
        if (options.header !== false) storeMaxRows = options.storeMaxRows;
      }
      const bindings: JsonBindings[] = selected.map((key) => ({ key: { type: 'literal', value: key } }));
      return storeMaxRows === undefined ? { vars: ['key'], bindings } : { vars: ['key'], bindings, storeMaxRows };
    },
  };
}

const keysetQuery = (page: PageRequest) => JSON.stringify({ limit: page.limit, offset: page.offset, after: page.after?.value });

async function collect(pages: AsyncGenerator<Record<string, Term>[], unknown>): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of pages) keys.push(...page.map((row) => termToNTriples(row.key!)));
  return keys;
}

describe('selectAll', () => {
  it('returns a result under the limit', async () => {
    const rows = await selectAll(fakeSource({ rows: 10 }), JSON.stringify({ offset: 0 }), { maxRows: 100 });
    expect(rows).toHaveLength(10);
  });

  it('refuses a result that reaches maxRows (it may be cut)', async () => {
    await expect(selectAll(fakeSource({ rows: 250, storeMaxRows: 100, header: false }), JSON.stringify({ offset: 0 }), { maxRows: 100 })).rejects.toThrow(TruncatedResultError);
  });

  it('refuses a result the store flagged with X-SPARQL-MaxRows, even under the configured maxRows', async () => {
    await expect(selectAll(fakeSource({ rows: 250, storeMaxRows: 100 }), JSON.stringify({ offset: 0 }), { maxRows: 1000 })).rejects.toThrow(/row limit \(100\)/);
  });
});

describe('selectPaged', () => {
  it('keyset: returns every row once and stops after a short page', async () => {
    const source = fakeSource({ rows: 2500, storeMaxRows: 1000 });
    const keys = await collect(selectPaged(source, keysetQuery, { key: 'key', pageSize: 1000, maxRows: 1000 }));
    expect(keys).toHaveLength(2500);
    expect(new Set(keys).size).toBe(2500);
    expect(source.requests.map((request) => request.offset)).toEqual([0, 0, 0]);
    expect(source.requests[1]!.after!.value).toBe('k000999');
  });

  it('keyset: one extra request when the row count is a multiple of the page size', async () => {
    const source = fakeSource({ rows: 2000 });
    const pages = selectPaged(source, keysetQuery, { key: (row) => row.key, pageSize: 1000 });
    const keys = await collect(pages);
    expect(keys).toHaveLength(2000);
    expect(source.requests).toHaveLength(3);
  });

  it('offset: advances the offset by the rows received', async () => {
    const source = fakeSource({ rows: 2500 });
    const keys = await collect(selectPaged(source, (page) => JSON.stringify({ limit: page.limit, offset: page.offset }), { pageSize: 1000 }));
    expect(keys).toHaveLength(2500);
    expect(source.requests.map((request) => request.offset)).toEqual([0, 1000, 2000]);
  });

  it('refuses a page size above the store limit', async () => {
    await expect(collect(selectPaged(fakeSource({ rows: 1 }), keysetQuery, { key: 'key', pageSize: 20_000, maxRows: 10_000 }))).rejects.toThrow(RangeError);
  });

  it('detects a page cut at a store limit lower than configured', async () => {
    const source = fakeSource({ rows: 5000, storeMaxRows: 500 });
    await expect(collect(selectPaged(source, keysetQuery, { key: 'key', pageSize: 1000, maxRows: 10_000 }))).rejects.toThrow(TruncatedResultError);
  });

  it('detects a query that ignores LIMIT or the keyset filter', async () => {
    await expect(collect(selectPaged(fakeSource({ rows: 50, ignoreLimit: true }), keysetQuery, { key: 'key', pageSize: 10 }))).rejects.toThrow(PagingError);
    await expect(collect(selectPaged(fakeSource({ rows: 50, ignoreAfter: true }), keysetQuery, { key: 'key', pageSize: 10 }))).rejects.toThrow(/did not advance/);
  });

  it('returns a summary', async () => {
    const pages = selectPaged(fakeSource({ rows: 25 }), keysetQuery, { key: 'key', pageSize: 10 });
    let next = await pages.next();
    while (!next.done) next = await pages.next();
    expect(next.value).toEqual({ pages: 3, rows: 25 });
  });
});

describe('countThenPage', () => {
  it('passes when the rows match the count', async () => {
    const keys = await collect(countThenPage(fakeSource({ rows: 2500 }), 'COUNT', keysetQuery, { key: 'key', pageSize: 1000 }));
    expect(keys).toHaveLength(2500);
  });

  it('throws when a page was cut silently (no header, behind mu-authorization)', async () => {
    // The store cuts at 500 while the client believes 10 000: the first page looks like the last one.
    const source = fakeSource({ rows: 2500, storeMaxRows: 500, header: false });
    await expect(collect(countThenPage(source, 'COUNT', keysetQuery, { key: 'key', pageSize: 1000 }))).rejects.toMatchObject({
      name: 'TruncatedResultError',
      details: { received: 500, expected: 2500 },
    });
  });
});
