import { literal, namedNode, quad, XSD, type Quad } from '@delta-producer/core';
import { chunkChangeset, fileChangesets, groupIntoFiles, serialiseFile, type Changeset } from '../../../src/delta-files/file-content.js';
import { deltaFileProblems } from '../../../src/delta-files/file-schema.js';

const graph = namedNode('http://example.org/publication');
const q = (n: number, object: Quad['object'] = literal(`v${n}`)): Quad => quad(namedNode(`http://example.org/s${n}`), namedNode('http://example.org/p'), object, graph);
const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => q(from + index));
const shape = (changesets: readonly Changeset[]) => changesets.map((changeset) => `${changeset.deletes.length}d${changeset.inserts.length}i`);

describe('delta-file content', () => {
  it('keeps a changeset whose lists fit whole', () => {
    expect(shape(chunkChangeset({ deletes: range(0, 100), inserts: range(100, 100) }, 100))).toEqual(['100d100i']);
  });

  it('splits a too-long changeset into delete-only chunks, then insert-only chunks, in order', () => {
    const changeset = { deletes: range(0, 250), inserts: range(1000, 120) };
    const chunks = chunkChangeset(changeset, 100);
    expect(shape(chunks)).toEqual(['100d0i', '100d0i', '50d0i', '0d100i', '0d20i']);
    expect(chunks.flatMap((chunk) => chunk.deletes)).toEqual(changeset.deletes);
    expect(chunks.flatMap((chunk) => chunk.inserts)).toEqual(changeset.inserts);
  });

  it('drops empty changesets', () => {
    expect(chunkChangeset({ deletes: [], inserts: [] }, 100)).toEqual([]);
  });

  it('groups MAX_DELTAS_PER_FILE changesets per file, keeping apply order', () => {
    const changesets = Array.from({ length: 23 }, (_, index) => ({ deletes: [q(index)], inserts: [q(index + 100)] }));
    const files = groupIntoFiles(changesets, { maxTriplesPerOperation: 100, maxDeltasPerFile: 10 });
    expect(files.map((file) => file.length)).toEqual([10, 10, 3]);
    expect(files.flat()).toEqual(changesets);
  });

  it('writes both keys always, the graph on every triple, tags as xml:lang, plain strings without datatype', () => {
    const content = fileChangesets([
      { deletes: [], inserts: [q(1, literal('x', 'nl')), q(2, literal('2024-01-01T00:00:00.000Z', namedNode(XSD.dateTime))), q(3, literal('plain')), q(4, namedNode('http://example.org/o'))] },
      { deletes: [q(5)], inserts: [] },
    ]);
    expect(content[0]!.deletes).toEqual([]);
    expect(content[1]!.inserts).toEqual([]);
    expect(content[0]!.inserts.map((triple) => triple.object)).toEqual([
      { type: 'literal', value: 'x', 'xml:lang': 'nl' },
      { type: 'literal', value: '2024-01-01T00:00:00.000Z', datatype: XSD.dateTime },
      { type: 'literal', value: 'plain' },
      { type: 'uri', value: 'http://example.org/o' },
    ]);
    for (const triple of [...content[0]!.inserts, ...content[1]!.deletes]) expect(triple.graph).toEqual({ type: 'uri', value: graph.value });
    expect(deltaFileProblems(JSON.parse(serialiseFile(content, false)))).toEqual([]);
  });

  it('refuses a triple without a graph', () => {
    expect(() => fileChangesets([{ deletes: [], inserts: [quad(namedNode('http://example.org/s'), namedNode('http://example.org/p'), literal('o'))] }])).toThrow(/graph/);
  });

  it('compact by default, indented by 2 with PRETTY_PRINT_DIFF_JSON', () => {
    const content = fileChangesets([{ deletes: [], inserts: [q(1)] }]);
    expect(serialiseFile(content, false)).not.toContain('\n');
    expect(serialiseFile(content, true)).toContain('\n  {');
    expect(JSON.parse(serialiseFile(content, true))).toEqual(JSON.parse(serialiseFile(content, false)));
  });
});
