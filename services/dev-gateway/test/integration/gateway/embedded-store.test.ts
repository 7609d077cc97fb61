/**
 * The embedded store itself: durability (snapshot + journal, restart, torn journal, crash copy),
 * Virtuoso's ResultSetMaxRows emulation, graph management on the direct endpoint, the DATA_DIR lock.
 * These tests are about the embedded backend, so they always run on it, whatever
 * TEST_SPARQL_BACKEND selects for the shared tests.
 */
import { appendFile, cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { literal, namedNode, termToSparql } from '@delta-producer/core';
import { startDevGateway } from '../../../src/gateway.js';
import { EX, graphContents, select, startTestGateway, uniqueGraph, update, XSD } from './support.js';

const S = `${EX}s`;
const P = `${EX}p`;
const backend = 'embedded' as const;

describe('embedded store: durability', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-gateway-durability-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const hostile = literal('quote " backslash \\ newline \n tab \t unicode é 😀 } . <x>');

  async function writeSample(url: string, directUrl: string, g: string, cleared: string): Promise<void> {
    await update(url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "hello"@en, "12"^^<${XSD}integer>, ${termToSparql(hostile)}, "gone" } }`);
    await update(url, `DELETE DATA { GRAPH <${g}> { <${S}> <${P}> "gone" } }`);
    await update(directUrl, `INSERT DATA { GRAPH <${g}> { _:b <${P}> "blank" . <${S}> <${EX}ref> _:b } GRAPH <${cleared}> { <${S}> <${P}> "x" } }`);
    await update(directUrl, `CLEAR GRAPH <${cleared}>`);
  }

  async function contents(url: string, g: string): Promise<string[]> {
    const rows = await select(url, `SELECT ?s ?p ?o WHERE { GRAPH <${g}> { ?s ?p ?o } }`);
    return rows.map((row) => `${row.s!.type === 'bnode' ? '_' : row.s!.value} ${row.p!.value} ${row.o!.type === 'bnode' ? '_' : JSON.stringify(row.o)}`).sort();
  }

  it('a restart on the same DATA_DIR keeps every triple (delta and direct writes, blank nodes, CLEAR)', async () => {
    const g = uniqueGraph();
    const cleared = uniqueGraph('cleared');
    const first = await startTestGateway({ backend, dataDir: dir });
    await writeSample(first.gateway.url, first.gateway.directUrl, g, cleared);
    const before = await contents(first.gateway.url, g);
    expect(before).toHaveLength(5);
    await first.stop();
    expect((await stat(join(dir, 'journal.log'))).size).toBeGreaterThan(0);

    const second = await startTestGateway({ backend, dataDir: dir });
    try {
      expect(await contents(second.gateway.url, g)).toEqual(before);
      expect(await graphContents(second.gateway.url, cleared)).toEqual([]);
      // The blank node is still one node: the reference and its description join.
      const joined = await select(second.gateway.url, `SELECT ?o WHERE { GRAPH <${g}> { <${S}> <${EX}ref> ?b . ?b <${P}> ?o } }`);
      expect(joined.map((row) => row.o!.value)).toEqual(['blank']);
      // Start-up compacted the journal into the snapshot.
      expect((await stat(join(dir, 'journal.log'))).size).toBe(0);
      expect((await readFile(join(dir, 'snapshot.nq'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(5);
      // Deleting the blank-node triples after the restart works (labels survived).
      await update(second.gateway.directUrl, `DELETE WHERE { GRAPH <${g}> { ?b <${P}> "blank" . <${S}> <${EX}ref> ?b } }`);
      expect(await contents(second.gateway.url, g)).toHaveLength(3);
    } finally {
      await second.stop();
    }
  });

  it('an update is durable when its answer arrives (a copy of DATA_DIR taken then restores it)', async () => {
    const g = uniqueGraph();
    const running = await startTestGateway({ backend, dataDir: dir });
    const copy = await mkdtemp(join(tmpdir(), 'dev-gateway-crash-copy-'));
    try {
      await update(running.gateway.url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "durable" } }`);
      await cp(dir, copy, { recursive: true }); // what a crash right now would leave (lock file included)
      const restored = await startDevGateway({ dataDir: copy });
      try {
        expect(await graphContents(restored.url, g)).toEqual([`${S} ${P} "durable"`]);
      } finally {
        await restored.stop();
      }
    } finally {
      await running.stop();
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('tolerates a torn last journal line and an unfinished block, and keeps journaling after them', async () => {
    const g = uniqueGraph();
    const first = await startTestGateway({ backend, dataDir: dir });
    await update(first.gateway.url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "kept" } }`);
    await first.stop();
    // A crash while writing the next update: a complete line without its commit marker, then half a line.
    await appendFile(join(dir, 'journal.log'), `+ <${S}> <${P}> "uncommitted" <${g}> .\n+ <${S}> <${P}> "tor`);

    const second = await startTestGateway({ backend, dataDir: dir });
    await update(second.gateway.url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "after" } }`);
    expect(await graphContents(second.gateway.url, g)).toEqual([`${S} ${P} "after"`, `${S} ${P} "kept"`]);
    await second.stop();

    const third = await startTestGateway({ backend, dataDir: dir });
    try {
      expect(await graphContents(third.gateway.url, g)).toEqual([`${S} ${P} "after"`, `${S} ${P} "kept"`]);
    } finally {
      await third.stop();
    }
  });

  it('takes a snapshot when the journal exceeds JOURNAL_COMPACT_BYTES', async () => {
    const g = uniqueGraph();
    const gw = await startTestGateway({ backend, dataDir: dir, journalCompactBytes: 200 });
    await update(gw.gateway.url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "1" } }`); // below the limit
    expect((await stat(join(dir, 'journal.log'))).size).toBeGreaterThan(0);
    await update(gw.gateway.url, `INSERT DATA { GRAPH <${g}> { <${S}> <${P}> "2", "3", "4" } }`); // over it
    expect((await stat(join(dir, 'journal.log'))).size).toBe(0);
    expect((await readFile(join(dir, 'snapshot.nq'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(4);
    await gw.stop();
    const again = await startTestGateway({ backend, dataDir: dir });
    try {
      expect(await graphContents(again.gateway.url, g)).toHaveLength(4);
    } finally {
      await again.stop();
    }
  });

  it('refuses a second gateway on a DATA_DIR in use', async () => {
    const gw = await startTestGateway({ backend, dataDir: dir });
    try {
      await expect(startDevGateway({ dataDir: dir })).rejects.toThrow(/already used by another gateway/);
    } finally {
      await gw.stop();
    }
  });
});

describe('embedded store: RESULT_SET_MAX_ROWS (Virtuoso truncation emulation)', () => {
  const count = 12;
  const g = uniqueGraph('rows');
  const values = (rows: { o?: { value: string } }[]) => rows.map((row) => Number(row.o!.value));

  async function withGateway(resultSetMaxRows: number, run: (url: string) => Promise<void>): Promise<void> {
    const gw = await startTestGateway({ backend, resultSetMaxRows });
    try {
      const triples = Array.from({ length: count }, (_, i) => `<${S}> <${P}> ${i} .`).join('\n');
      await update(gw.gateway.url, `INSERT DATA { GRAPH <${g}> { ${triples} } }`);
      await run(gw.gateway.url);
    } finally {
      await gw.stop();
    }
  }

  it('cuts a SELECT at the limit silently; LIMIT below it, OFFSET paging and COUNT behave as on Virtuoso', async () => {
    await withGateway(5, async (url) => {
      const pattern = `GRAPH <${g}> { <${S}> <${P}> ?o }`;
      const all = await fetch(`${url}?query=${encodeURIComponent(`SELECT ?o WHERE { ${pattern} }`)}`);
      expect(all.status).toBe(200);
      expect(((await all.json()) as { results: { bindings: unknown[] } }).results.bindings).toHaveLength(5);
      expect(await select(url, `SELECT ?o WHERE { ${pattern} } LIMIT 3`)).toHaveLength(3);
      expect(await select(url, `SELECT ?o WHERE { ${pattern} } LIMIT 100`)).toHaveLength(5);
      expect(values(await select(url, `SELECT ?o WHERE { ${pattern} } ORDER BY ?o OFFSET 10`))).toEqual([10, 11]);
      const paged: number[] = [];
      for (let offset = 0; ; offset += 5) {
        const page = values(await select(url, `SELECT ?o WHERE { ${pattern} } ORDER BY ?o LIMIT 5 OFFSET ${offset}`));
        paged.push(...page);
        if (page.length < 5) break;
      }
      expect(paged).toEqual(Array.from({ length: count }, (_, i) => i));
      const [row] = await select(url, `SELECT (COUNT(*) AS ?n) WHERE { ${pattern} }`);
      expect(Number(row!.n!.value)).toBe(count);
      // The gateway's own WHERE evaluation is not cut.
      await update(url, `DELETE WHERE { GRAPH <${g}> { <${S}> <${P}> ?o } }`);
      expect(await select(url, `SELECT ?o WHERE { ${pattern} }`)).toEqual([]);
    });
  });

  it('0 switches the emulation off', async () => {
    await withGateway(0, async (url) => {
      expect(await select(url, `SELECT ?o WHERE { GRAPH <${g}> { <${S}> <${P}> ?o } }`)).toHaveLength(count);
    });
  });
});

describe('embedded store: graph management on the direct endpoint', () => {
  it('ADD, COPY and MOVE between graphs; CLEAR DEFAULT clears the default graph IRI', async () => {
    const gw = await startTestGateway({ backend });
    const direct = gw.gateway.directUrl;
    const [a, b, c] = [uniqueGraph('a'), uniqueGraph('b'), uniqueGraph('c')];
    try {
      await update(direct, `INSERT DATA { GRAPH <${a}> { <${S}> <${P}> "a" } GRAPH <${b}> { <${S}> <${P}> "b" } }`);
      await update(direct, `ADD <${a}> TO <${b}>`);
      expect(await graphContents(gw.gateway.url, b)).toEqual([`${S} ${P} "a"`, `${S} ${P} "b"`]);
      await update(direct, `COPY <${a}> TO <${c}>`);
      expect(await graphContents(gw.gateway.url, c)).toEqual([`${S} ${P} "a"`]);
      await update(direct, `MOVE <${b}> TO <${c}>`);
      expect(await graphContents(gw.gateway.url, b)).toEqual([]);
      expect(await graphContents(gw.gateway.url, c)).toEqual([`${S} ${P} "a"`, `${S} ${P} "b"`]);
      expect(gw.events).toEqual([]);

      const subject = namedNode(`${EX}default/${Math.random()}`);
      await update(direct, `INSERT DATA { ${termToSparql(subject)} <${P}> "in the default graph" }`);
      expect((await graphContents(gw.gateway.url, 'http://mu.semte.ch/application')).filter((row) => row.startsWith(subject.value))).toHaveLength(1);
      await update(direct, 'CLEAR DEFAULT');
      expect(await graphContents(gw.gateway.url, 'http://mu.semte.ch/application')).toEqual([]);
      expect(await graphContents(gw.gateway.url, c)).toHaveLength(2);
    } finally {
      await gw.stop();
    }
  });
});
