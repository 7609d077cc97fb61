import { literal, namedNode, sparql, trustedSparql, usedPrefixes, withPrefixes, TermError } from '../../../src/index.js';

describe('the sparql tag', () => {
  it('escapes interpolated terms and splices fragments', () => {
    const graph = namedNode('http://example.org/g');
    const filter = sparql`FILTER(?o = ${literal('a "quoted" value')})`;
    const text = sparql`SELECT * WHERE { GRAPH ${graph} { ?s ?p ?o } ${filter} } LIMIT ${10}`.text;
    expect(text).toBe('SELECT * WHERE { GRAPH <http://example.org/g> { ?s ?p ?o } FILTER(?o = "a \\"quoted\\" value") } LIMIT 10');
  });

  it('joins arrays of terms for VALUES blocks', () => {
    const text = sparql`VALUES ?s { ${[namedNode('http://a.org/1'), namedNode('http://a.org/2')]} }`.text;
    expect(text).toBe('VALUES ?s { <http://a.org/1> <http://a.org/2> }');
  });

  it('refuses bare strings, non-integers and invalid IRIs', () => {
    const untrusted = 'http://x.org/> } DROP ALL {' as unknown as never;
    expect(() => sparql`SELECT * WHERE { ${untrusted} ?p ?o }`).toThrow(TermError);
    expect(() => sparql`LIMIT ${1.5}`).toThrow(TermError);
    expect(() => sparql`${{ termType: 'NamedNode', value: 'http://x.org/a b' } as never}`).toThrow(TermError);
  });

  it('passes trusted configuration text through', () => {
    expect(sparql`{ ${trustedSparql('?subject a ?t .')} }`.text).toBe('{ ?subject a ?t . }');
  });
});

describe('prefix declarations', () => {
  it('declares every vocabulary prefix the query uses, xsd included', () => {
    const query = 'SELECT ?job WHERE { ?job a cogs:Job ; adms:status ?s ; dct:modified ?m . FILTER(?m > "2024-01-01T00:00:00Z"^^xsd:dateTime) }';
    expect(usedPrefixes(query)).toEqual(['dct', 'cogs', 'adms', 'xsd']);
    const full = withPrefixes(query);
    expect(full).toContain('PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>');
    expect(full).toContain('PREFIX cogs: <http://vocab.deri.ie/cogs#>');
    expect(full.endsWith(query)).toBe(true);
  });

  it('ignores prefix look-alikes inside IRIs and strings, and declared prefixes', () => {
    const query = 'PREFIX mu: <http://mu.semte.ch/vocabularies/core/>\nSELECT * WHERE { ?s mu:uuid "task:Task" ; <http://x.org/dct:y> ?o . ?s ?p ?task:x }';
    expect(usedPrefixes(query)).toEqual([]);
    expect(withPrefixes(query)).toBe(query);
  });

  it('detects the mu prefix that mu-javascript-template used to predefine wrongly', () => {
    expect(withPrefixes(sparql`SELECT ?u WHERE { ?s mu:uuid ?u }`)).toMatch(/^PREFIX mu: <http:\/\/mu\.semte\.ch\/vocabularies\/core\/>/);
  });
});
