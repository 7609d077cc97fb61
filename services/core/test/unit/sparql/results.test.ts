import fc from 'fast-check';
import { blankNode, literal, namedNode, XSD } from '../../../src/index.js';
import { bindingsFromJson, parseAskJson, parseSelectJson, SelectJsonScanner, SparqlResultFormatError } from '../../../src/sparql/index.js';

const document = {
  head: { link: [], vars: ['s', 'o', 'n'] },
  results: {
    distinct: false,
    ordered: true,
    bindings: [
      { s: { type: 'uri', value: 'http://example.org/a' }, o: { type: 'literal', value: 'he said "hi" \\ {[}]', 'xml:lang': 'nl-BE' } },
      {},
      { s: { type: 'bnode', value: 'nodeID://b10006' }, n: { type: 'typed-literal', datatype: 'http://www.w3.org/2001/XMLSchema#integer', value: '42' } },
      { o: { type: 'literal', value: 'émoji 🎉 עברית\n\t"""' } },
    ],
  },
};

function scanAll(text: string, cuts: number[]): { rows: unknown[]; scanner: SelectJsonScanner } {
  const scanner = new SelectJsonScanner();
  const rows: unknown[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    rows.push(...scanner.push(text.slice(start, cut)));
    start = cut;
  }
  rows.push(...scanner.push(text.slice(start)));
  scanner.end();
  return { rows, scanner };
}

describe('SelectJsonScanner', () => {
  it('yields every row, empty rows included, with the head vars', () => {
    const { rows, scanner } = scanAll(JSON.stringify(document, null, 2), []);
    expect(rows).toEqual(document.results.bindings);
    expect(scanner.vars).toEqual(['s', 'o', 'n']);
    expect(scanner.rows).toBe(4);
  });

  it('property: any split of the text (inside strings, escapes, surrogate pairs) gives the same rows', () => {
    const text = JSON.stringify(document);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 20 }), (cuts) => {
        expect(scanAll(text, cuts).rows).toEqual(document.results.bindings);
      }),
    );
  });

  it('property: arbitrary string values round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 10 }), fc.integer({ min: 1, max: 7 }), (values, step) => {
        const bindings = values.map((value) => ({ v: { type: 'literal', value } }));
        const text = JSON.stringify({ results: { bindings }, head: { vars: ['v'] } });
        const cuts = Array.from({ length: Math.floor(text.length / step) }, (_, i) => (i + 1) * step);
        expect(scanAll(text, cuts).rows).toEqual(bindings);
      }),
    );
  });

  it('reads Virtuoso formatting and ignores other keys named bindings', () => {
    const text =
      '\n{ "head": { "link": [], "vars": ["c"] },\n  "results": { "distinct": false, "ordered": true, "bindings": [\n    { "c": { "type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "30641" }} ] } }';
    expect(scanAll(text, [10, 50]).rows).toEqual([{ c: { type: 'typed-literal', datatype: 'http://www.w3.org/2001/XMLSchema#integer', value: '30641' } }]);
    const tricky = JSON.stringify({ head: { vars: [], bindings: [{ x: 1 }] }, results: { bindings: [{ a: { type: 'uri', value: 'http://x.org/' } }] } });
    expect(scanAll(tricky, []).rows).toEqual([{ a: { type: 'uri', value: 'http://x.org/' } }]);
  });

  it('detects incomplete and malformed documents', () => {
    const text = JSON.stringify(document);
    const scanner = new SelectJsonScanner();
    scanner.push(text.slice(0, text.length - 5));
    expect(() => scanner.end()).toThrow(SparqlResultFormatError);
    expect(() => new SelectJsonScanner().push('Virtuoso 37000 Error')).toThrow(SparqlResultFormatError);
    expect(() => scanAll('{"head":{"vars":[]}}', [])).toThrow(/no results.bindings/);
    expect(() => new SelectJsonScanner().push('{"results":{"bindings":[}]}}')).toThrow(SparqlResultFormatError);
  });
});

describe('whole documents', () => {
  it('parses SELECT and ASK answers', () => {
    expect(parseSelectJson(JSON.stringify(document)).bindings).toHaveLength(4);
    expect(parseSelectJson(JSON.stringify(document)).vars).toEqual(['s', 'o', 'n']);
    expect(parseAskJson('{  "head": { "link": [] }, "boolean": true}')).toBe(true);
    expect(() => parseAskJson('{"head":{}}')).toThrow(SparqlResultFormatError);
    expect(() => parseSelectJson('not json')).toThrow(SparqlResultFormatError);
  });

  it('converts rows to RDF/JS terms (typed-literal, xml:lang, bnode)', () => {
    const [first, empty, third] = document.results.bindings.map((row, index) => bindingsFromJson(row, index));
    expect(first!.o!.equals(literal('he said "hi" \\ {[}]', 'nl-BE'))).toBe(true);
    expect(empty).toEqual({});
    expect(third!.s!.equals(blankNode('nodeID://b10006'))).toBe(true);
    expect(third!.n!.equals(literal('42', namedNode(XSD.integer)))).toBe(true);
  });
});
