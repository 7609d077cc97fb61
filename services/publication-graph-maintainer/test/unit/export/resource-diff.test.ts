import { blankNode, literal, namedNode, quad, quadToNQuads, RDF, XSD, type Quad } from '@delta-producer/core';
import { parseExportConfig } from '../../../src/export/export-config.js';
import { diffTriples, impactedResources } from '../../../src/export/resource-diff.js';
import { createSourceGraphPolicy } from '../../../src/export/source-graphs.js';

const s = namedNode('http://data.lblod.info/id/besluiten/1');
const p = namedNode('http://purl.org/dc/terms/description');
const typed = (value: string, datatype: string) => literal(value, namedNode(datatype));
const t = (object: Quad['object'], subject: Quad['subject'] = s, predicate = p) => quad(subject, predicate, object);
const PUB = namedNode('http://redpencil.data.gift/id/deltas/producer/besluiten');
const lines = (quads: readonly Quad[]) => quads.map(quadToNQuads);

describe('diffTriples: by value, store terms for deletes, source terms for inserts', () => {
  it('value-equal literals are not a diff', () => {
    const pairs: [Quad['object'], Quad['object']][] = [
      [typed('1.50', XSD.decimal), typed('1.5', XSD.decimal)],
      [typed('007', XSD.integer), typed('7', XSD.integer)],
      [typed('2024-01-03T02:00:00Z', XSD.dateTime), typed('2024-01-03T03:00:00.000+01:00', XSD.dateTime)],
      [typed('true', XSD.boolean), typed('1', XSD.boolean)],
      [typed('1.0E0', XSD.double), typed('1', XSD.double)],
      [typed('x', XSD.string), literal('x')],
    ];
    for (const [source, stored] of pairs) expect(diffTriples([t(source)], [t(stored)])).toEqual({ inserts: [], deletes: [], blankNodeTriples: 0 });
  });

  it('language tags compare case-insensitively', () => {
    expect(diffTriples([t(literal('Gent', 'nl-BE'))], [t(literal('Gent', 'nl-be'))])).toMatchObject({ inserts: [], deletes: [] });
  });

  it('a changed literal: delete the stored form, insert the source form', () => {
    const diff = diffTriples([t(typed('2.50', XSD.decimal))], [t(typed('1.5', XSD.decimal))], { graph: PUB });
    expect(lines(diff.deletes)).toEqual([`<${s.value}> <${p.value}> "1.5"^^<${XSD.decimal}> <${PUB.value}> .`]);
    expect(lines(diff.inserts)).toEqual([`<${s.value}> <${p.value}> "2.50"^^<${XSD.decimal}> <${PUB.value}> .`]);
  });

  it('a changed tag, typed vs plain, and a different datatype are diffs', () => {
    expect(lines(diffTriples([t(literal('x', 'nl'))], [t(literal('x', 'en'))]).inserts)).toEqual([`<${s.value}> <${p.value}> "x"@nl .`]);
    expect(diffTriples([t(literal('x', 'nl'))], [t(literal('x'))]).deletes).toHaveLength(1);
    const typedVsPlain = diffTriples([t(typed('5', XSD.integer))], [t(literal('5'))]);
    expect(lines(typedVsPlain.deletes)).toEqual([`<${s.value}> <${p.value}> "5" .`]);
    expect(lines(typedVsPlain.inserts)).toEqual([`<${s.value}> <${p.value}> "5"^^<${XSD.integer}> .`]);
    expect(diffTriples([t(typed('5', XSD.integer))], [t(typed('5', XSD.decimal))]).inserts).toHaveLength(1);
    expect(diffTriples([t(namedNode('http://x/5'))], [t(literal('http://x/5'))]).inserts).toHaveLength(1);
  });

  it('deletes keep the store’s lexical form, so DELETE DATA matches', () => {
    const stored = t(typed('2024-01-03T02:00:00Z', XSD.dateTime));
    const diff = diffTriples([], [stored]);
    expect(diff.deletes[0]!.object).toBe(stored.object);
  });

  it('extra stored forms of one value are deleted, the source form kept when stored', () => {
    const diff = diffTriples([t(typed('1.5', XSD.decimal))], [t(typed('1.50', XSD.decimal)), t(typed('1.5', XSD.decimal)), t(typed('1.5', XSD.decimal))]);
    expect(diff.inserts).toEqual([]);
    expect(lines(diff.deletes)).toEqual([`<${s.value}> <${p.value}> "1.50"^^<${XSD.decimal}> .`]);
    const neither = diffTriples([t(typed('1.500', XSD.decimal))], [t(typed('1.50', XSD.decimal)), t(typed('01.5', XSD.decimal))]);
    expect(lines(neither.deletes)).toEqual([`<${s.value}> <${p.value}> "01.5"^^<${XSD.decimal}> .`]);
  });

  it('duplicate expected triples (several entries, several graphs) are inserted once', () => {
    const diff = diffTriples([t(literal('a')), t(literal('a')), quad(s, p, literal('a'), namedNode('http://g/2')), t(typed('1.0', XSD.decimal)), t(typed('1', XSD.decimal))], []);
    expect(lines(diff.inserts)).toEqual([`<${s.value}> <${p.value}> "1.0"^^<${XSD.decimal}> .`, `<${s.value}> <${p.value}> "a" .`]);
  });

  it('stable order: sorted by canonical key, whatever the input order', () => {
    const many = [3, 1, 2].map((n) => t(literal(`v${n}`), namedNode(`http://x/r${n}`)));
    const forward = diffTriples(many, []);
    const backward = diffTriples([...many].reverse(), []);
    expect(lines(forward.inserts)).toEqual(lines(backward.inserts));
    expect(forward.inserts.map((triple) => triple.subject.value)).toEqual(['http://x/r1', 'http://x/r2', 'http://x/r3']);
    expect(diffTriples([], many).deletes.map((triple) => triple.subject.value)).toEqual(['http://x/r1', 'http://x/r2', 'http://x/r3']);
  });

  it('graphs are ignored when comparing; the output carries the given graph', () => {
    const diff = diffTriples([quad(s, p, literal('a'), namedNode('http://source/g'))], [quad(s, p, literal('b'), PUB)], { graph: PUB });
    expect([...diff.inserts, ...diff.deletes].every((triple) => triple.graph.equals(PUB))).toBe(true);
    expect(diffTriples([quad(s, p, literal('a'), namedNode('http://source/g'))], [quad(s, p, literal('a'), PUB)]).inserts).toEqual([]);
  });

  it('blank-node triples are left out on both sides and counted', () => {
    const diff = diffTriples([t(blankNode('b1')), t(literal('a'))], [quad(blankNode('b2'), p, literal('a')), t(literal('a'))]);
    expect(diff).toEqual({ inserts: [], deletes: [], blankNodeTriples: 2 });
  });
});

describe('impactedResources', () => {
  const config = parseExportConfig({
    conceptScheme: 'http://x/scheme',
    export: [
      { type: 'http://x/Org', properties: ['http://x/name'], pathToConceptScheme: ['http://x/classification', 'http://x/inScheme'] },
      { type: 'http://x/Contact', properties: ['^http://x/contact'], pathToConceptScheme: ['^http://x/contact', 'http://x/classification', 'http://x/inScheme'] },
      { type: 'http://x/Besluit', properties: ['http://x/title'] },
    ],
  });
  const g = namedNode('http://x/graphs/source');
  const q = (subject: string, predicate: string, object: Quad['object'], graph = g) => quad(namedNode(subject), namedNode(predicate), object, graph);

  it('subjects and IRI objects, deduplicated and sorted; literals and blank nodes are not resources', () => {
    const result = impactedResources(
      [
        q('http://x/b', 'http://x/title', literal('t')),
        q('http://x/a', RDF.type, namedNode('http://x/Org')),
        q('http://x/org', 'http://x/contact', namedNode('http://x/cp')),
        q('http://x/a', 'http://x/name', blankNode('n')),
        quad(blankNode('z'), namedNode('http://x/name'), namedNode('http://x/c')),
      ],
      config,
    );
    expect(result.resources.map((resource) => resource.value)).toEqual(['http://x/Org', 'http://x/a', 'http://x/b', 'http://x/c', 'http://x/cp', 'http://x/org']);
  });

  it('inverse properties: the object of a ^p triple is impacted (its exported triple changed)', () => {
    const result = impactedResources([q('http://x/org', 'http://x/contact', namedNode('http://x/cp'))], config);
    expect(result.resources.map((resource) => resource.value)).toContain('http://x/cp');
  });

  it('path hops are handed over per entry for pathImpactQueries', () => {
    const hop1 = q('http://x/org', 'http://x/classification', namedNode('http://x/code'));
    const hop2 = q('http://x/code', 'http://x/inScheme', namedNode('http://x/scheme'));
    const contact = q('http://x/org', 'http://x/contact', namedNode('http://x/cp'));
    const result = impactedResources([hop1, hop2, hop2, contact, q('http://x/b', 'http://x/title', literal('t'))], config);
    expect(result.pathHops.map((hops) => [hops.entry.index, hops.triples.length])).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it('with a policy, changes in graphs that are not source graphs are ignored', () => {
    const policy = createSourceGraphPolicy({ streams: [{ publicationGraph: PUB.value }] });
    const result = impactedResources([q('http://x/a', 'http://x/name', literal('n'), PUB), q('http://x/b', 'http://x/classification', namedNode('http://x/code'), PUB)], config, { policy });
    expect(result).toEqual({ resources: [], pathHops: [] });
    expect(impactedResources([quad(namedNode('http://x/a'), namedNode('http://x/name'), literal('n'))], config, { policy }).resources).toHaveLength(1);
  });
});
