import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blankNode, literal, namedNode, quad, RDF, type Bindings, type Quad } from '@delta-producer/core';
import { parseExportConfig, type ExportConfig, type ExportEntry } from '../../../src/export/export-config.js';
import {
  blankNodeCountQuery,
  exportParts,
  exportQuery,
  exportQueryGroups,
  exportedTriplesFromRows,
  MAX_BRANCHES_PER_QUERY,
  MAX_RESOURCES_PER_QUERY,
  pathImpactQueries,
  readSubjectRangePage,
  scopeQuery,
  type ResourceSelection,
} from '../../../src/export/export-query.js';
import { createSourceGraphPolicy, MAINTAINER_WORKING_GRAPH_PREFIX } from '../../../src/export/source-graphs.js';
import { inZone, summarise, texts } from './sparql-ast.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/export');
const fixture = (name: string): ExportConfig => parseExportConfig(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')));

const organizations = fixture('organizations.json');
const besluiten = fixture('besluiten.json');
const [organization, bestuurseenheid, contactPoint] = organizations.entries as [ExportEntry, ExportEntry, ExportEntry];
const [besluit, behandeling] = besluiten.entries as [ExportEntry, ExportEntry];

const PUB_ORGS = 'http://redpencil.data.gift/id/deltas/producer/organizations';
const PUB_BESLUITEN = 'http://redpencil.data.gift/id/deltas/producer/besluiten';
const JOBS = 'http://mu.semte.ch/graphs/system/jobs';
const FILES = 'http://mu.semte.ch/graphs/public';
const LOGIN = 'http://mu.semte.ch/graphs/diff-producer/login';
const EXCLUDED = 'http://mu.semte.ch/graphs/harvesting';
// JOBS, FILES and LOGIN are the streams' jobs, files and login graphs: source graphs like any other.
const policy = createSourceGraphPolicy({
  streams: [{ publicationGraph: PUB_ORGS }, { publicationGraph: PUB_BESLUITEN }],
  excludedSourceGraphs: [EXCLUDED],
});

const ADMIN = '<http://mu.semte.ch/graphs/administrative-unit>';
const TYPE = `<${RDF.type}>`;
const ORG = '<http://www.w3.org/ns/org#Organization>';
const CLASSIFICATION = '<http://www.w3.org/ns/org#classification>';
const IN_SCHEME = '<http://www.w3.org/2004/02/skos/core#inScheme>';
const CONTACT_POINT = '<http://schema.org/contactPoint>';
const SCHEME = '<http://lblod.data.gift/concept-schemes/0c2f5a10-example>';
const BESLUIT = '<http://data.vlaanderen.be/ns/besluit#Besluit>';

const r = (n: number) => namedNode(`http://data.lblod.info/id/bestuurseenheden/${n}`);
const RESOURCES: ResourceSelection = { kind: 'resources', resources: [r(1), r(2)] };
const ALL: ResourceSelection = { kind: 'all' };
const FIRST_PAGE: ResourceSelection = { kind: 'subjectRange', limit: 100 };
const NEXT_PAGE: ResourceSelection = { kind: 'subjectRange', after: r(7), limit: 100 };

/** The source-graph condition as the AST printer shows it, for a graph variable: no jobs, files or login graph. */
const sourceCondition = (variable: string) =>
  `&&(notin(${variable}, [${[EXCLUDED, PUB_BESLUITEN, PUB_ORGS]
    .sort()
    .map((graph) => `<${graph}>`)
    .join(', ')}]), !(strstarts(str(${variable}), "${MAINTAINER_WORKING_GRAPH_PREFIX}")))`;

describe('source-graph fragments inside the queries', () => {
  it('every path hop and the additionalFilter graph must be a source graph (not a publication, working or excludedSourceGraphs graph)', () => {
    const hop = summarise(exportQuery(organization, policy, ALL));
    expect(texts(inZone(hop.filters, 'scope'))).toEqual(expect.arrayContaining([sourceCondition('?dpHopGraph1'), sourceCondition('?dpHopGraph2')]));
    const filtered = summarise(exportQuery(besluit, policy, ALL));
    expect(texts(inZone(filtered.filters, 'scope'))).toContain(sourceCondition('?dpFilterGraph'));
  });
});

describe('organisations: list filter of one graph, strict type, path of two hops', () => {
  const summary = summarise(exportQuery(organization, policy, ALL));

  it('projects ?resource ?s ?p ?o, DISTINCT', () => {
    expect(summary.query.distinct).toBe(true);
    expect(JSON.stringify(summary.query.variables)).toContain('"resource"');
    expect(summary.query.variables.map((variable) => ('variable' in variable ? variable.variable.value : (variable as { value: string }).value))).toEqual(['resource', 's', 'p', 'o']);
  });

  it('scope: the type in the one allowed graph (a constant GRAPH), each hop in a source graph of its own', () => {
    expect(inZone(summary.triples, 'scope')).toEqual([
      { zone: 'scope', graph: ADMIN, text: `?subject ${TYPE} ${ORG}` },
      { zone: 'scope', graph: '?dpHopGraph1', text: `?subject ${CLASSIFICATION} ?dpHop1` },
      { zone: 'scope', graph: '?dpHopGraph2', text: `?dpHop1 ${IN_SCHEME} ${SCHEME}` },
    ]);
    expect(texts(inZone(summary.filters, 'scope'))).toContain('isiri(?subject)');
  });

  it('exported triples: only the entry type (strict), forward properties, all from the allowed graph', () => {
    const branches = inZone(summary.triples, 'branch');
    expect(branches[0]).toEqual({ zone: 'branch', branch: 0, graph: ADMIN, text: `?subject ${TYPE} ${ORG}` });
    expect(texts(summary.binds)).toEqual(expect.arrayContaining([`?o=${ORG}`, `?p=${TYPE}`]));
    expect(texts(branches)).not.toContain(`?subject ${TYPE} ?o`);
    expect(branches.map((branch) => branch.graph)).toEqual(branches.map(() => ADMIN));
    // The forward properties in one branch: the resource's own triples, filtered by predicate.
    expect(texts(branches).slice(1)).toEqual(['?subject ?p ?o']);
    const forward = ['<http://mu.semte.ch/vocabularies/core/uuid>', '<http://www.w3.org/2004/02/skos/core#prefLabel>', CLASSIFICATION, CONTACT_POINT, '<http://purl.org/dc/terms/modified>', '<http://www.w3.org/2003/01/geo/wgs84_pos#lat>'];
    expect(texts(summary.filters)).toContain(`in(str(?p), [${forward.map((iri) => JSON.stringify(iri.slice(1, -1))).join(', ')}])`);
    // Constant graph: no filter on ?g; blank nodes left out.
    expect(texts(inZone(summary.filters, 'outer'))).toEqual(['&&(!(isblank(?s)), !(isblank(?o)))']);
  });
});

describe('contact points: regex filter, inverse first hop, inverse property, all types', () => {
  const summary = summarise(exportQuery(contactPoint, policy, ALL));

  it('the first hop is reversed', () => {
    expect(texts(inZone(summary.triples, 'scope'))).toEqual([`?subject ${TYPE} <http://schema.org/ContactPoint>`, `?dpHop1 ${CONTACT_POINT} ?subject`, `?dpHop1 ${CLASSIFICATION} ?dpHop2`, `?dpHop2 ${IN_SCHEME} ${SCHEME}`]);
    expect(inZone(summary.triples, 'scope')[0]!.graph).toBe('?dpTypeGraph');
  });

  it('A(E) = source graphs matching a regex, for the type and for every exported triple', () => {
    const regexCondition = (variable: string) => `&&(regex(str(${variable}), "http://mu.semte.ch/graphs/organizations/.*/LoketAdmin"), ${sourceCondition(variable)})`;
    expect(texts(inZone(summary.filters, 'scope'))).toContain(regexCondition('?dpTypeGraph'));
    expect(texts(inZone(summary.filters, 'outer'))).toContain(regexCondition('?g'));
  });

  it('all types of the resource, and the inverse property with the resource as object', () => {
    const branches = texts(inZone(summary.triples, 'branch'));
    expect(branches).toEqual([`?subject ${TYPE} ?o`, '?subject ?p ?o', `?s ${CONTACT_POINT} ?subject`]);
    expect(texts(summary.filters)).toContain('in(str(?p), ["http://mu.semte.ch/vocabularies/core/uuid", "http://schema.org/email"])');
    expect(texts(summary.binds)).toEqual(expect.arrayContaining([`?p=${CONTACT_POINT}`, '?o=?subject']));
    expect(inZone(summary.triples, 'branch').every((triple) => triple.graph === '?g')).toBe(true);
  });

  it('several regexes are OR-ed, and backslashes survive the literal escaping', () => {
    const entry = { ...contactPoint, graphsFilter: ['http://x/a\\.b', '^http://x/(?:c|d)$'] };
    const filters = texts(inZone(summarise(exportQuery(entry, policy, ALL)).filters, 'outer'));
    expect(filters).toContain(`&&(||(regex(str(?g), "http://x/a\\\\.b"), regex(str(?g), "^http://x/(?:c|d)$")), ${sourceCondition('?g')})`);
  });
});

describe('besluiten: additionalFilter, strictTypeExport, rdf:type listed as a property', () => {
  const summary = summarise(exportQuery(besluit, policy, ALL));

  it('the additionalFilter sits inside GRAPH ?dpFilterGraph in the scope sub-select, ?subject being the resource', () => {
    expect(inZone(summary.triples, 'scope')).toEqual([
      { zone: 'scope', graph: '?dpTypeGraph', text: `?subject ${TYPE} ${BESLUIT}` },
      { zone: 'scope', graph: '?dpFilterGraph', text: '?subject <http://schema.org/publication> <http://lblod.data.gift/concepts/published>' },
    ]);
    expect(texts(inZone(summary.triples, 'outer'))).toEqual([]);
    expect(summary.subqueries).toHaveLength(1);
    expect(summary.subqueries[0]!.variables).toEqual([expect.objectContaining({ value: 'subject' })]);
  });

  it('empty graphsFilter: every source graph', () => {
    expect(texts(inZone(summary.filters, 'scope'))).toContain(sourceCondition('?dpTypeGraph'));
    expect(texts(inZone(summary.filters, 'outer'))).toContain(sourceCondition('?g'));
  });

  it('strict: rdf:type in properties still exports only the entry type', () => {
    const branches = texts(inZone(summary.triples, 'branch'));
    expect(branches[0]).toBe(`?subject ${TYPE} ${BESLUIT}`);
    expect(branches.filter((text) => text.includes(TYPE))).toHaveLength(1);
    expect(branches).toContain('?s <http://www.w3.org/ns/prov#generated> ?subject');
  });

  it('a filter with a trailing comment cannot swallow the closing brace', () => {
    const entry = { ...besluit, additionalFilter: '?subject <http://schema.org/publication> ?x . # published only' };
    expect(() => summarise(exportQuery(entry, policy, ALL))).not.toThrow();
  });

  it('without strictTypeExport, rdf:type (listed or not) is every type', () => {
    const loose = { ...besluit, strictTypeExport: false };
    const branches = texts(inZone(summarise(exportQuery(loose, policy, ALL)).triples, 'branch'));
    expect(branches.filter((text) => text.includes(TYPE))).toEqual([`?subject ${TYPE} ?o`]);
    expect(exportParts(behandeling).map((part) => part.kind)).toEqual(['type', 'property', 'property']);
  });
});

describe('graph lists', () => {
  it('listed graphs that are not source graphs are dropped (jobs, files and login graphs stay); several remain → ?g IN (…)', () => {
    const entry = { ...behandeling, graphsFilter: [PUB_ORGS, 'http://x/g1', JOBS, EXCLUDED, 'http://x/g2', `${MAINTAINER_WORKING_GRAPH_PREFIX}tmp`, FILES, PUB_BESLUITEN, LOGIN] };
    const summary = summarise(exportQuery(entry, policy, ALL));
    const listed = [`<http://x/g1>`, `<${JOBS}>`, `<http://x/g2>`, `<${FILES}>`, `<${LOGIN}>`].join(', ');
    expect(texts(inZone(summary.filters, 'outer'))).toContain(`in(?g, [${listed}])`);
    expect(texts(inZone(summary.filters, 'scope'))).toContain(`in(?dpTypeGraph, [${listed}])`);
  });

  it('a list leaving only the files graph (the default http://mu.semte.ch/graphs/public) reads it as a constant GRAPH', () => {
    const entry = { ...behandeling, graphsFilter: [PUB_BESLUITEN, FILES, EXCLUDED] };
    const summary = summarise(exportQuery(entry, policy, ALL));
    expect(inZone(summary.triples, 'scope')).toEqual([{ zone: 'scope', graph: `<${FILES}>`, text: `?subject ${TYPE} <http://data.vlaanderen.be/ns/besluit#BehandelingVanAgendapunt>` }]);
    const branches = inZone(summary.triples, 'branch');
    expect(branches.length).toBeGreaterThan(0);
    expect(branches.map((branch) => branch.graph)).toEqual(branches.map(() => `<${FILES}>`));
  });

  it('a list of publication graphs only allows nothing', () => {
    const entry = { ...behandeling, graphsFilter: [PUB_ORGS] };
    const summary = summarise(exportQuery(entry, policy, ALL));
    expect(texts(inZone(summary.filters, 'scope'))).toContain('"false"^^<http://www.w3.org/2001/XMLSchema#boolean>');
  });

  it('a regex filter never allows a publication graph: the source condition is AND-ed', () => {
    const entry = { ...behandeling, graphsFilter: ['.*'], hasRegexGraphsFilter: true };
    expect(texts(inZone(summarise(exportQuery(entry, policy, ALL)).filters, 'outer'))).toContain(`&&(regex(str(?g), ".*"), ${sourceCondition('?g')})`);
  });
});

describe('selections', () => {
  it('resources: a VALUES list inside the scope sub-select', () => {
    const summary = summarise(exportQuery(organization, policy, RESOURCES));
    expect(summary.values).toEqual([{ zone: 'scope', text: `?subject=<${r(1).value}> | ?subject=<${r(2).value}>` }]);
    expect(summary.query.order).toBeUndefined();
    expect(summary.subqueries[0]!.limit).toBeUndefined();
  });

  it(`resources: 1 … ${MAX_RESOURCES_PER_QUERY}, IRIs only`, () => {
    const many = Array.from({ length: MAX_RESOURCES_PER_QUERY + 1 }, (_, index) => r(index));
    expect(() => exportQuery(organization, policy, { kind: 'resources', resources: many.slice(0, MAX_RESOURCES_PER_QUERY) })).not.toThrow();
    expect(() => exportQuery(organization, policy, { kind: 'resources', resources: many })).toThrow(RangeError);
    expect(() => exportQuery(organization, policy, { kind: 'resources', resources: [] })).toThrow(RangeError);
    expect(() => scopeQuery(organization, policy, { kind: 'resources', resources: [literal('x') as never] })).toThrow(TypeError);
  });

  it('subjectRange: keyset on STR(?subject) in the sub-select (ORDER BY + LIMIT, no OFFSET), rows ordered by resource', () => {
    const first = summarise(exportQuery(organization, policy, FIRST_PAGE));
    const next = summarise(exportQuery(organization, policy, NEXT_PAGE));
    for (const summary of [first, next]) {
      const scope = summary.subqueries[0]!;
      expect(scope.limit).toBe(100);
      expect(scope.offset).toBeUndefined();
      expect(summary.query.offset).toBeUndefined();
      expect(summary.query.limit).toBeUndefined();
      expect(JSON.stringify(scope.order)).toContain('"operator":"str"');
      expect(JSON.stringify(summary.query.order)).toContain('"operator":"str"');
    }
    expect(texts(inZone(first.filters, 'scope')).some((text) => text.startsWith('>('))).toBe(false);
    expect(texts(inZone(next.filters, 'scope'))).toContain(`>(str(?subject), "${r(7).value}")`);
    expect(() => exportQuery(organization, policy, { kind: 'subjectRange', limit: 0 })).toThrow(RangeError);
  });

  it('subjectRange: the entry type branch is always there, even for a single-property group', () => {
    const prefLabel = exportQueryGroups(organization).find((group) => group.queryChunkSize !== undefined)!;
    const paged = texts(inZone(summarise(exportQuery(organization, policy, FIRST_PAGE, { parts: prefLabel.parts })).triples, 'branch'));
    expect(paged).toEqual([`?subject ${TYPE} ${ORG}`, '?subject <http://www.w3.org/2004/02/skos/core#prefLabel> ?o']);
    // One branch only: no UNION, the pattern sits in the outer group.
    const live = summarise(exportQuery(organization, policy, RESOURCES, { parts: prefLabel.parts })).triples.filter((triple) => triple.zone !== 'scope');
    expect(live).toEqual([{ zone: 'outer', graph: ADMIN, text: '?subject <http://www.w3.org/2004/02/skos/core#prefLabel> ?o' }]);
  });

  it('all: neither VALUES nor LIMIT', () => {
    const summary = summarise(exportQuery(organization, policy, ALL));
    expect(summary.values).toEqual([]);
    expect(summary.subqueries[0]!.limit).toBeUndefined();
  });
});

describe('query groups (healingOptions)', () => {
  it('properties with a queryChunkSize get a query of their own', () => {
    const groups = exportQueryGroups(organization);
    expect(groups).toHaveLength(2);
    expect(groups[0]!.queryChunkSize).toBeUndefined();
    expect(groups[0]!.parts).toHaveLength(6);
    expect(groups[1]).toEqual({ parts: [{ kind: 'property', property: { iri: 'http://www.w3.org/2004/02/skos/core#prefLabel', inverse: false } }], queryChunkSize: 50000 });
    expect(exportQueryGroups(besluit).map((group) => group.queryChunkSize)).toEqual([undefined, 10000]);
  });

  it(`at most ${MAX_BRANCHES_PER_QUERY} parts per query`, () => {
    const properties = Array.from({ length: 90 }, (_, index) => ({ iri: `http://x/p${index}`, inverse: index % 2 === 0 }));
    const wide = { ...behandeling, properties };
    const groups = exportQueryGroups(wide);
    expect(groups.map((group) => group.parts.length)).toEqual([40, 40, 11]);
    for (const group of groups) expect(() => summarise(exportQuery(wide, policy, FIRST_PAGE, { parts: group.parts }))).not.toThrow();
    expect(() => exportQuery(wide, policy, ALL)).toThrow(RangeError);
  });
});

describe('scopeQuery and blankNodeCountQuery', () => {
  it('scopeQuery selects only ?subject, with the same scope patterns', () => {
    const summary = summarise(scopeQuery(contactPoint, policy, RESOURCES));
    expect(summary.query.variables).toEqual([expect.objectContaining({ value: 'subject' })]);
    expect(summary.query.distinct).toBe(true);
    expect(inZone(summary.triples, 'branch')).toEqual([]);
    expect(texts(summary.triples)).toContain(`?dpHop1 ${CONTACT_POINT} ?subject`);
    expect(summary.values).toHaveLength(1);
    const page = summarise(scopeQuery(contactPoint, policy, NEXT_PAGE)).query;
    expect(page.limit).toBe(100);
    expect(JSON.stringify(page.order)).toContain('"operator":"str"');
  });

  it('blankNodeCountQuery counts triples with a blank node per predicate, blank resources included', () => {
    const summary = summarise(blankNodeCountQuery(contactPoint, policy, ALL));
    expect(summary.query.group).toBeDefined();
    expect(texts(summary.filters)).toContain('||(isblank(?s), isblank(?o))');
    expect(texts(summary.filters)).not.toContain('isiri(?subject)');
    expect(texts(summarise(blankNodeCountQuery(contactPoint, policy, FIRST_PAGE)).filters)).toContain('isiri(?subject)');
  });
});

describe('Virtuoso-safe shapes (docs/virtuoso-quirks.md)', () => {
  const selections: ResourceSelection[] = [RESOURCES, ALL, FIRST_PAGE, NEXT_PAGE];
  const entries = [organization, bestuurseenheid, contactPoint, besluit, behandeling];
  it('no VALUES in UNION branches, no OPTIONAL/MINUS/NOT EXISTS, no OFFSET, nothing outside a GRAPH', () => {
    for (const entry of entries) {
      for (const selection of selections) {
        for (const query of [exportQuery(entry, policy, selection), scopeQuery(entry, policy, selection), blankNodeCountQuery(entry, policy, selection)]) {
          const summary = summarise(query);
          expect(summary.valuesInUnionBranch).toBe(false);
          for (const kind of ['optional', 'minus', 'service']) expect(summary.kinds.has(kind)).toBe(false);
          expect(query.text).not.toMatch(/NOT\s+EXISTS|OFFSET/i);
          expect(summary.triples.filter((triple) => triple.graph === undefined)).toEqual([]);
        }
      }
    }
  });

  it('a full page of 500 resources stays small', () => {
    const resources = Array.from({ length: MAX_RESOURCES_PER_QUERY }, (_, index) => r(index));
    const text = exportQuery(organization, policy, { kind: 'resources', resources }).text;
    expect(text.split('\n').length).toBeLessThan(100);
    expect(text.length).toBeLessThan(50_000);
  });
});

describe('reading rows', () => {
  const row = (resource: string, s: string, p: string, o: Bindings[string]): Bindings => ({ resource: namedNode(resource), s: namedNode(s), p: namedNode(p), o: o! });

  it('exportedTriplesFromRows: quads in the default graph with their resource', () => {
    const [triple] = exportedTriplesFromRows([row('http://x/r', 'http://x/o', 'http://x/p', namedNode('http://x/r'))]);
    expect(triple!.resource.value).toBe('http://x/r');
    expect(triple!.quad.graph.termType).toBe('DefaultGraph');
    expect(() => exportedTriplesFromRows([{ resource: namedNode('http://x/r'), s: namedNode('http://x/r'), p: namedNode('http://x/p') }])).toThrow(/\?o is unbound/);
  });

  it('readSubjectRangePage: the next key is the last row’s resource when the page is full', () => {
    const rows = [row('http://x/a', 'http://x/a', RDF.type, namedNode('http://x/T')), row('http://x/b', 'http://x/b', RDF.type, namedNode('http://x/T')), row('http://x/b', 'http://x/c', 'http://x/p', namedNode('http://x/b'))];
    expect(readSubjectRangePage(rows, 2).next?.value).toBe('http://x/b');
    expect(readSubjectRangePage(rows, 3).next).toBeUndefined();
    expect(readSubjectRangePage([], 3)).toEqual({ triples: [], resources: [] });
    expect(() => readSubjectRangePage(rows, 1)).toThrow(RangeError);
  });
});

describe('pathImpactQueries: walking the path back from a changed hop', () => {
  const org = namedNode('http://data.lblod.info/id/bestuurseenheden/1');
  const classification = namedNode('http://data.vlaanderen.be/id/concept/BestuurseenheidClassificatieCode/gemeente');
  const cp = namedNode('http://data.lblod.info/id/contact-punten/1');
  const graph = namedNode('http://mu.semte.ch/graphs/administrative-unit');
  const t = (s: Quad['subject'], p: string, o: Quad['object'], g = graph) => quad(s, namedNode(p), o, g);

  it('hop 1 changed: the hop’s near end is the resource; hop 2: walk one hop back', () => {
    const queries = pathImpactQueries(organization, policy, [
      t(org, CLASSIFICATION.slice(1, -1), classification),
      t(classification, IN_SCHEME.slice(1, -1), namedNode(SCHEME.slice(1, -1))),
    ]);
    expect(queries.map((query) => query.hopIndex)).toEqual([1, 2]);
    const [first, second] = queries.map((query) => summarise(query.query));
    expect(first!.values).toEqual([{ zone: 'outer', text: `?subject=<${org.value}>` }]);
    expect(texts(first!.triples)).toEqual([`?subject ${TYPE} ${ORG}`]);
    expect(second!.values).toEqual([{ zone: 'outer', text: `?dpHop1=<${classification.value}>` }]);
    expect(second!.triples).toEqual([
      { zone: 'outer', graph: '?dpHopGraph1', text: `?subject ${CLASSIFICATION} ?dpHop1` },
      { zone: 'outer', graph: ADMIN, text: `?subject ${TYPE} ${ORG}` },
    ]);
  });

  it('the last hop counts only when it ends at the concept scheme; non-source graphs and other predicates are ignored', () => {
    expect(pathImpactQueries(organization, policy, [t(classification, IN_SCHEME.slice(1, -1), namedNode('http://x/other-scheme'))])).toEqual([]);
    expect(pathImpactQueries(organization, policy, [t(org, CLASSIFICATION.slice(1, -1), classification, namedNode(PUB_ORGS))])).toEqual([]);
    expect(pathImpactQueries(organization, policy, [t(org, 'http://x/p', classification)])).toEqual([]);
    expect(pathImpactQueries(besluit, policy, [t(org, CLASSIFICATION.slice(1, -1), classification)])).toEqual([]);
  });

  it('inverse hops: the near end is the object', () => {
    const queries = pathImpactQueries(contactPoint, policy, [t(org, CONTACT_POINT.slice(1, -1), cp), t(org, CLASSIFICATION.slice(1, -1), classification)]);
    expect(queries.map((query) => query.hopIndex)).toEqual([1, 2]);
    const [first, second] = queries.map((query) => summarise(query.query));
    expect(first!.values[0]!.text).toBe(`?subject=<${cp.value}>`);
    expect(second!.values[0]!.text).toBe(`?dpHop1=<${org.value}>`);
    expect(texts(second!.triples)[0]).toBe(`?dpHop1 ${CONTACT_POINT} ?subject`);
  });

  it(`start nodes are deduplicated and chunked by ${MAX_RESOURCES_PER_QUERY}`, () => {
    const triples = Array.from({ length: MAX_RESOURCES_PER_QUERY + 10 }, (_, index) => t(namedNode(`http://x/org${index}`), CLASSIFICATION.slice(1, -1), classification));
    const queries = pathImpactQueries(organization, policy, [...triples, ...triples]);
    expect(queries).toHaveLength(2);
    expect(summarise(queries[1]!.query).values[0]!.text.split(' | ')).toHaveLength(10);
  });

  it('blank-node path nodes are left to healing; literal intermediate nodes can be named', () => {
    expect(pathImpactQueries(organization, policy, [quad(blankNode('b1'), namedNode(CLASSIFICATION.slice(1, -1)), classification, graph)])).toEqual([]);
    // Hop 1 is ^contactPoint (near end: the object), hop 2 classification (near end: the subject).
    expect(pathImpactQueries(contactPoint, policy, [quad(org, namedNode(CONTACT_POINT.slice(1, -1)), blankNode('b2'), graph), quad(blankNode('b3'), namedNode(CLASSIFICATION.slice(1, -1)), classification, graph)])).toEqual([]);
    const deep = { ...organization, pathToConceptScheme: [{ iri: 'http://x/code', inverse: false }, { iri: 'http://x/codeOf', inverse: true }] };
    const queries = pathImpactQueries(deep, policy, [quad(namedNode(SCHEME.slice(1, -1)), namedNode('http://x/codeOf'), literal('G1'))]);
    expect(summarise(queries[0]!.query).values[0]!.text).toBe('?dpHop1="G1"');
  });
});
