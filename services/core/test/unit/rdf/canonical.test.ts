import { canonicalLexical, canonicalQuadKey, canonicalTermKey, literal, namedNode, quad, XSD } from '../../../src/index.js';

const typed = (value: string, datatype: string) => literal(value, namedNode(datatype));

describe('canonical literal keys (one comparison rule for live, healing and files)', () => {
  it.each([
    ['dateTime without fraction vs .000', typed('2024-01-03T02:00:00Z', XSD.dateTime), typed('2024-01-03T02:00:00.000Z', XSD.dateTime)],
    ['dateTime with offset vs UTC', typed('2024-01-03T03:00:00+01:00', XSD.dateTime), typed('2024-01-03T02:00:00Z', XSD.dateTime)],
    ['dateTime sub-ms trailing zeros', typed('2024-01-03T02:00:00.120000Z', XSD.dateTime), typed('2024-01-03T02:00:00.12Z', XSD.dateTime)],
    ['integer with sign and zeros', typed('+0012', XSD.integer), typed('12', XSD.integer)],
    ['big integer', typed('123456789012345678901234567890', XSD.integer), typed('0123456789012345678901234567890', XSD.integer)],
    ['decimal trailing zeros', typed('1.50', XSD.decimal), typed('01.5', XSD.decimal)],
    ['double exponent forms', typed('12e5', XSD.double), typed('1.2E6', XSD.double)],
    ['boolean 1 vs true', typed('1', XSD.boolean), typed('true', XSD.boolean)],
    ['language tag case', literal('x', 'nl-BE'), literal('x', 'nl-be')],
  ])('%s are equal', (_name, a, b) => {
    expect(canonicalTermKey(a)).toBe(canonicalTermKey(b));
  });

  it.each([
    ['different instants', typed('2024-01-03T02:00:00Z', XSD.dateTime), typed('2024-01-03T02:00:01Z', XSD.dateTime)],
    ['sub-millisecond difference', typed('2024-01-03T02:00:00.0001Z', XSD.dateTime), typed('2024-01-03T02:00:00Z', XSD.dateTime)],
    ['plain vs language-tagged', literal('x'), literal('x', 'nl')],
    ['different tags', literal('x', 'nl'), literal('x', 'fr')],
    ['plain vs integer', literal('1'), typed('1', XSD.integer)],
    ['string vs IRI', literal('http://x.org/a'), namedNode('http://x.org/a')],
    ['different decimals', typed('1.5', XSD.decimal), typed('1.05', XSD.decimal)],
  ])('%s differ', (_name, a, b) => {
    expect(canonicalTermKey(a)).not.toBe(canonicalTermKey(b));
  });

  it('keeps invalid lexical forms as they are (no false equality)', () => {
    expect(canonicalLexical('abc', XSD.integer)).toBeUndefined();
    expect(canonicalTermKey(typed('abc', XSD.integer))).toBe('"abc"^^<http://www.w3.org/2001/XMLSchema#integer>');
  });

  it('treats a dateTime without time zone as not an instant', () => {
    expect(canonicalTermKey(typed('2024-01-03T02:00:00', XSD.dateTime))).toContain('2024-01-03T02:00:00"');
  });

  it('keys quads by graph too', () => {
    const s = namedNode('http://x.org/s');
    const p = namedNode('http://x.org/p');
    const o = typed('1', XSD.integer);
    expect(canonicalQuadKey(quad(s, p, o, namedNode('http://g/1')))).not.toBe(canonicalQuadKey(quad(s, p, o, namedNode('http://g/2'))));
  });
});
