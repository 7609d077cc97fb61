import { literal, namedNode, quad, RDF, blankNode, type Quad } from '@delta-producer/core';
import { parseExportConfig } from '../../../src/export/export-config.js';
import { chunks, exportShape, isOwned, outsideOwners, ownedTriples } from '../../../src/live/ownership.js';

const EX = 'http://example.org/';
const n = (local: string) => namedNode(`${EX}${local}`);
const t = (s: string, p: string, o: string | ReturnType<typeof literal>): Quad => quad(n(s), p === 'a' ? namedNode(RDF.type) : n(p), typeof o === 'string' ? n(o) : o);

const config = parseExportConfig(
  {
    export: [
      { type: `${EX}Org`, properties: [`${EX}name`, `${EX}site`, `^${EX}memberOf`] },
      { type: `${EX}Person`, properties: [`${EX}name`, `${EX}memberOf`] },
      { type: `${EX}Org`, properties: [`${EX}uuid`] },
    ],
  },
);
const shape = exportShape(config);
const keys = (triples: Quad[]) => triples.map((triple) => `${triple.subject.value.replace(EX, '')} ${triple.predicate.value.replace(EX, '').replace(RDF.type, 'a')} ${triple.object.value.replace(EX, '')}`);

describe('export shape', () => {
  it('lists every entry type once, inverse and forward predicates (rdf:type always forward)', () => {
    expect(shape.types).toEqual([`${EX}Org`, `${EX}Person`]);
    expect([...shape.inverse]).toEqual([`${EX}memberOf`]);
    expect([...shape.forward].sort()).toEqual([RDF.type, `${EX}memberOf`, `${EX}name`, `${EX}site`, `${EX}uuid`].sort());
  });
});

describe('ownership filter', () => {
  const R = new Set([`${EX}org1`, `${EX}p1`]);

  it('every triple with a subject in R is owned, configured or not (leftovers are removed)', () => {
    expect(isOwned(t('org1', 'name', literal('x')), R, shape)).toBe(true);
    expect(isOwned(t('org1', 'unconfigured', 'thing'), R, shape)).toBe(true);
    expect(isOwned(t('org1', 'a', 'Org'), R, shape)).toBe(true);
  });

  it('a triple pointing at R is owned only through an inverse property', () => {
    expect(isOwned(t('p9', 'memberOf', 'org1'), R, shape)).toBe(true);
    expect(isOwned(t('p9', 'name', 'org1'), R, shape)).toBe(false);
    expect(isOwned(t('org9', 'site', 'p1'), R, shape)).toBe(false);
  });

  it('a predicate exported only inversely belongs to its object alone, not to its subject', () => {
    const inverseOnly = exportShape(parseExportConfig({ export: [{ type: `${EX}Org`, properties: [`^${EX}memberOf`] }] }));
    expect(isOwned(t('p1', 'memberOf', 'org2'), R, inverseOnly)).toBe(false);
    expect(isOwned(t('p1', 'memberOf', 'org1'), R, inverseOnly)).toBe(true);
    expect(isOwned(t('p1', 'memberOf', literal('org2')), R, inverseOnly)).toBe(true);
    // Exported forward by some entry too (above: Person memberOf): the subject owns it as well.
    expect(isOwned(t('p1', 'memberOf', 'org2'), R, shape)).toBe(true);
  });

  it('triples of resources outside R are not owned', () => {
    expect(isOwned(t('org2', 'name', literal('y')), R, shape)).toBe(false);
    expect(isOwned(quad(blankNode('b'), n('memberOf'), n('org2')), R, shape)).toBe(false);
  });

  it('ownedTriples keeps exactly the owned ones, in order', () => {
    const triples = [t('org1', 'name', literal('x')), t('org2', 'name', literal('y')), t('p9', 'memberOf', 'org1'), t('p1', 'memberOf', 'org2'), t('x', 'site', 'org1')];
    expect(keys(ownedTriples(triples, R, shape))).toEqual(['org1 name x', 'p9 memberOf org1', 'p1 memberOf org2']);
  });
});

describe('owners outside R', () => {
  it('names the forward owner of a triple owned through an inverse property, and the inverse owner of a forward one', () => {
    const R = new Set([`${EX}org1`, `${EX}p1`]);
    const owners = outsideOwners([t('p9', 'memberOf', 'org1'), t('p1', 'memberOf', 'org7'), t('org1', 'name', literal('x')), t('org1', 'site', 's1')], R, shape);
    expect(owners.map((owner) => owner.value)).toEqual([`${EX}org7`, `${EX}p9`]);
  });

  it('none when every owner is in R', () => {
    const R = new Set([`${EX}org1`, `${EX}p9`]);
    expect(outsideOwners([t('p9', 'memberOf', 'org1'), t('org1', 'a', 'Org')], R, shape)).toEqual([]);
  });
});

describe('chunks', () => {
  it('slices in order', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
    expect(() => chunks([1], 0)).toThrow(RangeError);
  });
});
