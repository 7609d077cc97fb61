import { namedNode } from '@delta-producer/core';
import { createSourceGraphPolicy } from '../../../src/export/source-graphs.js';
import { currentTriplesQuery, pagedQuery, prefilterQuery, publicationPrefilterQuery, sourcePrefilterQuery } from '../../../src/live/live-queries.js';

const EX = 'http://example.org/';
const pub = namedNode(`${EX}pub`);
const policy = createSourceGraphPolicy({ streams: [{ publicationGraph: pub.value }] });
const resources = [namedNode(`${EX}r1`), namedNode(`${EX}r2`)];

/** The text of each top-level UNION branch. */
const branches = (text: string) => text.split('\n  UNION ');

describe('live queries', () => {
  it('prefilter: one VALUES outside the UNION, a branch per type (source graphs only) and per owned publication triple', () => {
    const text = prefilterQuery(resources, [`${EX}Org`, `${EX}Person`], policy, pub, [`${EX}memberOf`]).text;
    expect(text.match(/VALUES/g)).toHaveLength(1);
    expect(text.indexOf('VALUES')).toBeLessThan(text.indexOf('{ GRAPH'));
    const parts = branches(text);
    expect(parts).toHaveLength(4);
    expect(parts.slice(1).every((part) => !part.includes('VALUES'))).toBe(true);
    expect(parts[0]).toContain(`?resource a <${EX}Org>`);
    expect(parts[0]).toContain(`?dpGraph NOT IN (<${pub.value}>)`);
    expect(parts[0]).toContain(`BIND(<${EX}Org> AS ?dpType)`);
    expect(parts[2]).toContain(`GRAPH <${pub.value}> { ?resource ?dpP ?dpO }`);
    expect(parts[3]).toContain(`GRAPH <${pub.value}> { ?dpS <${EX}memberOf> ?resource }`);
  });

  it('prefilter halves for a publication graph in another store', () => {
    expect(sourcePrefilterQuery(resources, [], policy)).toBeUndefined();
    expect(branches(sourcePrefilterQuery(resources, [`${EX}Org`], policy)!.text)).toHaveLength(1);
    expect(branches(publicationPrefilterQuery(resources, pub, []).text)).toHaveLength(1);
    expect(() => publicationPrefilterQuery([], pub, [])).toThrow(RangeError);
  });

  it('current triples: subject branch plus one branch per inverse predicate (a constant), VALUES outside', () => {
    const text = currentTriplesQuery(resources, pub, [`${EX}b`, `${EX}a`]).text;
    expect(text.match(/VALUES/g)).toHaveLength(1);
    const parts = branches(text);
    expect(parts).toHaveLength(3);
    expect(parts[1]).toContain(`?s <${EX}a> ?resource } BIND(<${EX}a> AS ?p) BIND(?resource AS ?o)`);
    expect(parts[2]).toContain(`<${EX}b>`);
  });

  it('paged query: ordered sub-select, OFFSET and LIMIT outside (Virtuoso\'s scrollable-cursor form)', () => {
    const text = pagedQuery(currentTriplesQuery(resources, pub, []), ['s', 'p', 'o'], 5000, 5000).text;
    expect(text.startsWith('SELECT ?s ?p ?o WHERE {\n  { SELECT ?s ?p ?o WHERE {')).toBe(true);
    expect(text).toMatch(/\} ORDER BY \?s \?p \?o \}\n\} OFFSET 5000 LIMIT 5000$/);
    expect(() => pagedQuery(currentTriplesQuery(resources, pub, []), ['s o'], 0, 1)).toThrow(RangeError);
  });
});
