import { assertDeltaFile, DeltaFileSchemaError, deltaFileProblems } from '../../../src/delta-files/file-schema.js';

const uri = (value: string) => ({ type: 'uri', value });
const triple = (object: unknown, extra: Record<string, unknown> = {}) => ({ subject: uri('http://s'), predicate: uri('http://p'), object, graph: uri('http://g'), ...extra });
const file = (object: unknown) => [{ deletes: [], inserts: [triple(object)] }];

describe('delta-file schema', () => {
  it('accepts the forms of http-contracts §8', () => {
    expect(deltaFileProblems([])).toEqual([]);
    expect(deltaFileProblems(file({ type: 'literal', value: 'x' }))).toEqual([]);
    expect(deltaFileProblems(file({ type: 'literal', value: 'x', 'xml:lang': 'nl-BE' }))).toEqual([]);
    expect(deltaFileProblems(file({ type: 'literal', value: '1', datatype: 'http://www.w3.org/2001/XMLSchema#integer' }))).toEqual([]);
    expect(deltaFileProblems(file({ type: 'typed-literal', value: '1', datatype: 'http://www.w3.org/2001/XMLSchema#integer' }))).toEqual([]);
    expect(deltaFileProblems(file(uri('http://o')))).toEqual([]);
  });

  it.each([
    ['not an array', { inserts: [], deletes: [] }],
    ['a changeset without deletes', [{ inserts: [] }]],
    ['a changeset without inserts', [{ deletes: [] }]],
    ['a triple without graph', [{ deletes: [], inserts: [{ subject: uri('http://s'), predicate: uri('http://p'), object: uri('http://o') }] }]],
    ['a blank node', file({ type: 'bnode', value: 'b0' })],
    ['a numeric value', file({ type: 'literal', value: 1 })],
    ['a boolean value', file({ type: 'literal', value: true })],
    ['datatype and language tag', file({ type: 'literal', value: 'x', datatype: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString', 'xml:lang': 'nl' })],
    ['the key lang', file({ type: 'literal', value: 'x', lang: 'nl' })],
    ['a typed-literal without datatype', file({ type: 'typed-literal', value: 'x' })],
    ['a literal subject', [{ deletes: [triple(uri('http://o'), { subject: { type: 'literal', value: 's' } })], inserts: [] }]],
  ])('refuses %s', (_name, value) => {
    expect(deltaFileProblems(value).length).toBeGreaterThan(0);
  });

  it('assertDeltaFile names the file and the problem, and refuses text that is not JSON', () => {
    expect(() => assertDeltaFile('[{"inserts":[]}]', 'delta-x.json')).toThrow(/delta-x\.json.*deletes/);
    expect(() => assertDeltaFile('{"errors":[', 'delta-y.json')).toThrow(DeltaFileSchemaError);
    expect(() => assertDeltaFile('[]', 'delta-z.json')).not.toThrow();
  });
});
