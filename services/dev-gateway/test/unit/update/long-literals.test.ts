import fc from 'fast-check';
import sparqljs from 'sparqljs';
import { escapeStringLiteral, literal, namedNode, termToSparql } from '@delta-producer/core';
import { extractLongLiterals, restoreLongLiterals, unescapeSparqlString } from '../../../src/update/long-literals.js';
import { parseSparql } from '../../../src/update/parse.js';

const parse = (text: string) => new sparqljs.Parser({ skipUngroupedVariableCheck: true }).parse(text);
const viaExtraction = (text: string, threshold: number) => {
  const { text: parseable, values } = extractLongLiterals(text, threshold);
  return restoreLongLiterals(parse(parseable), values);
};
/** Syntax trees compared as JSON (terms serialise their value, language and datatype). */
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe('long literal extraction', () => {
  it('gives the same syntax tree as a plain parse for every kind of literal (threshold 0)', () => {
    const update = `PREFIX ex: <http://ex.org/#frag>
      # a comment with a "quote
      INSERT DATA { GRAPH <http://g/#1> {
        <http://s> <http://p> "short \\"q\\" \\\\ \\n \\u00e9 \\U0001F600", 'single \\'', """long "" with
        newline""", '''has '' and ' inside''', "tagged"@nl-BE, "5"^^<http://www.w3.org/2001/XMLSchema#integer>, "x"^^ex:type .
      } } ;
      DELETE WHERE { GRAPH ?g { ?s <http://p> "y" } }`;
    expect(same(viaExtraction(update, 0), parse(update))).toBe(true);
    expect(extractLongLiterals(update, 0).values.size).toBe(8); // the quote inside the comment is not a literal
  });

  it('round-trips arbitrary strings written by the suite escaper (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.constantFrom(undefined, 'nl', namedNode('http://www.w3.org/2001/XMLSchema#string')), (value, tagOrType) => {
        const text = `INSERT DATA { GRAPH <http://g> { <http://s> <http://p> ${termToSparql(literal(value, tagOrType))} } }`;
        return same(viaExtraction(text, 0), parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('does not mistake comparison operators or comments for IRIs or strings', () => {
    const query = 'SELECT * WHERE { ?s ?p ?o FILTER(?o < 5 && ?o > "a") } # "not a string\n';
    expect(extractLongLiterals(query, 0).values.size).toBe(1);
    expect(same(viaExtraction(query, 0), parse(query))).toBe(true);
  });

  it('lets the gateway parse a 1 MB literal that sparqljs alone cannot', () => {
    const value = 'hostile "quotes" \\ back\nslash 😀 '.repeat(40_000);
    const text = `INSERT DATA { GRAPH <http://g> { <http://s> <http://p> ${escapeStringLiteral(value)}@en } }`;
    expect(() => parse(text)).toThrow(/call stack/);
    const parsed = parseSparql(text);
    expect(parsed.kind).toBe('update');
    const json = JSON.stringify(parsed);
    expect(json.length).toBeGreaterThan(value.length);
    const operation = (parsed as { update: { updates: { insert: { triples: { object: { value: string; language: string } }[] }[] }[] } }).update.updates[0]!;
    expect(operation.insert[0]!.triples[0]!.object.value).toBe(value);
    expect(operation.insert[0]!.triples[0]!.object.language).toBe('en');
  });

  it('leaves short texts alone and rejects invalid escapes', () => {
    expect(extractLongLiterals('SELECT * {}').values.size).toBe(0);
    expect(() => unescapeSparqlString('bad \\q escape')).toThrow(/invalid escape/);
  });
});
