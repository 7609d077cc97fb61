import { DeltaFormatError, parseDeltaMessage, XSD } from '../../../src/index.js';

const uri = (value: string) => ({ type: 'uri', value });
const triple = (object: unknown = { type: 'literal', value: 'Gemeente X', 'xml:lang': 'nl' }) => ({
  subject: uri('http://data.example/id/org/1'),
  predicate: uri('http://xmlns.com/foaf/0.1/name'),
  object,
  graph: uri('http://mu.semte.ch/graphs/public'),
});

function expectRejected(body: unknown, path: string, reason: RegExp) {
  try {
    parseDeltaMessage(body);
  } catch (error) {
    expect(error).toBeInstanceOf(DeltaFormatError);
    expect((error as DeltaFormatError).path).toBe(path);
    expect((error as DeltaFormatError).reason).toMatch(reason);
    return;
  }
  throw new Error(`expected ${JSON.stringify(body).slice(0, 80)} to be rejected`);
}

describe('parseDeltaMessage: accepted shapes', () => {
  it('reads a delta-notifier v0.0.1 body', () => {
    const [changeset] = parseDeltaMessage([{ inserts: [triple()], deletes: [] }]);
    expect(changeset!.inserts).toHaveLength(1);
    expect(changeset!.deletes).toHaveLength(0);
    expect(changeset!.effectiveInserts).toBeUndefined();
    const object = changeset!.inserts[0]!.object;
    expect(object.termType === 'Literal' && object.language).toBe('nl');
  });

  it('reads the Elixir shape (one list per changeset, the other missing)', () => {
    const changesets = parseDeltaMessage([{ deletes: [triple()] }, { inserts: [triple()] }]);
    expect(changesets.map((c) => [c.deletes.length, c.inserts.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('reads sparql-parser raw keys with effective lists, as array elements and as {changeSets}', () => {
    const raw = { insert: [triple(), triple({ type: 'typed-literal', value: '1', datatype: XSD.integer })], delete: [], effectiveInsert: [triple()], effectiveDelete: [], sequenceId: 4, origin: '127.0.0.1', allowedGroups: 'sudo' };
    for (const body of [[raw], { changeSets: [raw] }]) {
      const [changeset] = parseDeltaMessage(body);
      expect(changeset!.inserts).toHaveLength(2);
      expect(changeset!.effectiveInserts).toHaveLength(1);
      expect(changeset!.effectiveDeletes).toEqual([]);
    }
  });

  it('reads an empty array as no changesets', () => {
    expect(parseDeltaMessage([])).toEqual([]);
  });
});

describe('parseDeltaMessage: rejected bodies name the path of the first bad element', () => {
  it.each([
    ['v0.0.0-genesis', { delta: { inserts: [{ s: 'a', p: 'b', o: 'c' }], deletes: [] } }, '$.delta', /v0\.0\.0-genesis/],
    ['a string', 'hello', '$', /JSON array/],
    ['null', null, '$', /JSON array/],
    ['an object without changeSets', { inserts: [] }, '$', /JSON array/],
    ['changeSets not an array', { changeSets: {} }, '$.changeSets', /array/],
    ['a changeset that is a number', [{ inserts: [] }, 5], '$[1]', /object/],
    ['a changeset without known keys', [{ foo: [] }], '$[0]', /none of the keys/],
    ['mixed key styles', [{ inserts: [], insert: [] }], '$[0]', /mixes/],
    ['inserts not an array', [{ inserts: {}, deletes: [] }], '$[0].inserts', /array/],
    ['a triple without graph', [{ inserts: [{ ...triple(), graph: undefined }], deletes: [] }], '$[0].inserts[0].graph', /graph/],
    ['an unknown term type', [{ inserts: [], deletes: [triple(), triple({ type: 'iri', value: 'x' })] }], '$[0].deletes[1].object', /unknown term type/],
    ['an IRI with a space', [{ inserts: [{ ...triple(), subject: uri('http://x.org/a b') }] }], '$[0].inserts[0].subject', /not allowed/],
    ['a numeric literal value', [{ inserts: [triple({ type: 'literal', value: 5 })] }], '$[0].inserts[0].object', /string/],
    ['a literal subject', [{ inserts: [{ ...triple(), subject: { type: 'literal', value: 'x' } }] }], '$[0].inserts[0].subject', /literal/],
    ['a raw effective list of the wrong type', [{ insert: [], delete: [], effectiveInsert: 'x' }], '$[0].effectiveInsert', /array/],
    ['a triple that is not an object', [{ inserts: [42] }], '$[0].inserts[0]', /object/],
  ])('%s', (_name, body, path, reason) => {
    expectRejected(body, path, reason);
  });
});
