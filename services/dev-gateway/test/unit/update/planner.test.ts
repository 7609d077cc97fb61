/**
 * The pure update planner: templates, WITH/USING, instantiation rules, dedupe, effective changes,
 * refusals. No store, no HTTP: solutions and presence are given by hand.
 */
import { canonicalQuadKey, literal, namedNode, quad, quadToNQuads, type Quad, type Term } from '@delta-producer/core';
import { generateSparql, parseSparql } from '../../../src/update/parse.js';
import {
  boundVariables,
  computeEffective,
  instantiate,
  planUpdate,
  UpdateRefusedError,
  type Endpoint,
  type GraphManagementPlan,
  type ModifyPlan,
  type OperationPlan,
  type Solution,
} from '../../../src/update/planner.js';

const EX = 'http://example.org/';
const DEFAULT_GRAPH = 'http://mu.semte.ch/application';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const ex = (local: string) => namedNode(EX + local);

function plan(text: string, endpoint: Endpoint = 'delta'): OperationPlan[] {
  const parsed = parseSparql(text);
  if (parsed.kind !== 'update') throw new Error('not an update');
  return planUpdate(parsed.update, { endpoint, defaultGraph: namedNode(DEFAULT_GRAPH) });
}

function modify(text: string, endpoint: Endpoint = 'delta'): ModifyPlan {
  const [first] = plan(text, endpoint);
  if (first?.kind !== 'modify') throw new Error('expected a modify plan');
  return first;
}

const solution = (bindings: Record<string, Term>): Solution => new Map(Object.entries(bindings));
const lines = (quads: readonly Quad[]) => quads.map((q) => quadToNQuads(q));

describe('planUpdate', () => {
  it('splits an update into one plan per operation, in order', () => {
    const plans = plan(`INSERT DATA { <${EX}a> <${EX}p> 1 } ; DELETE DATA { <${EX}a> <${EX}p> 2 } ; DELETE WHERE { <${EX}a> <${EX}p> ?o }`);
    expect(plans.map((p) => (p as ModifyPlan).name)).toEqual(['INSERT DATA', 'DELETE DATA', 'DELETE WHERE']);
  });

  it('sends triples outside GRAPH to the default graph IRI and keeps GRAPH blocks', () => {
    const p = modify(`INSERT DATA { <${EX}a> <${EX}p> "x" . GRAPH <${EX}g> { <${EX}b> <${EX}p> "y" } }`);
    const { quads } = instantiate(p.insertTemplate, [new Map()]);
    expect(lines(quads).sort()).toEqual([`<${EX}a> <${EX}p> "x" <${DEFAULT_GRAPH}> .`, `<${EX}b> <${EX}p> "y" <${EX}g> .`]);
    expect(p.where).toBeUndefined();
  });

  it('WITH: template triples without GRAPH go to the WITH graph, WHERE is evaluated inside it', () => {
    const p = modify(`WITH <${EX}w> DELETE { ?s <${EX}p> ?o } INSERT { ?s <${EX}p> "new" . GRAPH <${EX}other> { ?s <${EX}q> ?o } } WHERE { ?s <${EX}p> ?o }`);
    expect(p.deleteTemplate[0]?.graph.value).toBe(`${EX}w`);
    expect(p.insertTemplate.map((t) => `${t.predicate.value} ${t.graph.value}`).sort()).toEqual([`${EX}p ${EX}w`, `${EX}q ${EX}other`]);
    const select = generateSparql(p.where!);
    expect(select).toMatch(new RegExp(`SELECT DISTINCT \\?o \\?s WHERE \\{\\s*GRAPH <${EX}w> \\{`));
    expect(select).not.toMatch(/FROM/);
  });

  it('USING / USING NAMED become FROM / FROM NAMED; WITH then only targets the templates', () => {
    const p = modify(`WITH <${EX}w> INSERT { ?s <${EX}p> ?o } USING <${EX}u> USING NAMED <${EX}n> WHERE { ?s <${EX}p> ?o }`);
    const select = generateSparql(p.where!);
    expect(select).toContain(`FROM <${EX}u>`);
    expect(select).toContain(`FROM NAMED <${EX}n>`);
    expect(select).not.toContain(`GRAPH <${EX}w>`);
    expect(p.insertTemplate[0]?.graph.value).toBe(`${EX}w`);
  });

  it('DELETE WHERE: the pattern is both the template and the WHERE', () => {
    const p = modify(`DELETE WHERE { GRAPH <${EX}g> { <${EX}a> ?p ?o } }`);
    expect(p.deleteTemplate).toHaveLength(1);
    expect(generateSparql(p.where!)).toMatch(new RegExp(`SELECT DISTINCT \\?o \\?p WHERE \\{\\s*GRAPH <${EX}g> \\{`));
  });

  it('projects only template variables the WHERE can bind; none → a constant, LIMIT 1', () => {
    const p = modify(`INSERT { <${EX}a> <${EX}p> ?x . <${EX}a> <${EX}q> ?never } WHERE { ?s ?p ?o . MINUS { ?s <${EX}m> ?never } BIND(1 AS ?x) }`);
    const select = generateSparql(p.where!);
    expect(select).toMatch(/SELECT DISTINCT \?x WHERE/);
    const constant = modify(`INSERT { <${EX}a> <${EX}p> <${EX}b> } WHERE { ?s ?p ?o }`);
    expect(generateSparql(constant.where!)).toMatch(/SELECT \(1\s+AS \?solutionExists\) WHERE[\s\S]*LIMIT 1/);
  });

  it.each([
    ['INSERT DATA', `INSERT DATA { <${EX}a> <${EX}p> _:b }`],
    ['INSERT DATA ([])', `INSERT DATA { [] <${EX}p> "x" }`],
    ['DELETE DATA', `DELETE DATA { _:b <${EX}p> "x" }`],
    ['INSERT template', `INSERT { ?s <${EX}p> [] } WHERE { ?s ?p ?o }`],
    ['DELETE template', `DELETE { ?s <${EX}p> _:x } WHERE { ?s ?p ?o }`],
  ])('refuses blank nodes in %s on the delta endpoint', (_name, text) => {
    expect(() => plan(text)).toThrow(/blank node/);
  });

  it.each(['DROP GRAPH <http://example.org/g>', 'CLEAR ALL', 'CLEAR GRAPH <http://example.org/g>', 'LOAD <http://example.org/x>', 'CREATE GRAPH <http://example.org/g>', 'ADD <http://example.org/a> TO <http://example.org/b>', 'MOVE DEFAULT TO <http://example.org/b>', 'COPY <http://example.org/a> TO DEFAULT'])(
    'refuses %s on the delta endpoint',
    (text) => {
      expect(() => plan(text)).toThrow(UpdateRefusedError);
      expect(() => plan(text)).toThrow(/not supported on the delta endpoint/);
    },
  );

  it('names the operation that is refused in a multi-operation update', () => {
    expect(() => plan(`INSERT DATA { <${EX}a> <${EX}p> 1 } ; CLEAR ALL`)).toThrow(/operation 2 of 2: CLEAR/);
  });

  it('refuses terms that the suite cannot write (an over-long language subtag) as the client\'s error', () => {
    expect(() => plan(`INSERT DATA { <${EX}a> <${EX}p> "x"@abcdefghijk }`)).toThrow(UpdateRefusedError);
    expect(() => plan(`INSERT DATA { <${EX}a> <${EX}p> "x"@abcdefghijk }`)).toThrow(/invalid language tag/);
  });

  it('direct endpoint: graph management becomes graph plans; blank nodes are allowed; LOAD is refused', () => {
    const [clear] = plan(`CLEAR GRAPH <${EX}g>`, 'direct') as GraphManagementPlan[];
    expect(clear).toMatchObject({ kind: 'graph', name: 'CLEAR', deleteFrom: [{ type: 'graph', graph: { value: `${EX}g` } }] });
    const [all] = plan('DROP ALL', 'direct') as GraphManagementPlan[];
    expect(all?.deleteFrom).toEqual([{ type: 'all' }]);
    const [dflt] = plan('CLEAR DEFAULT', 'direct') as GraphManagementPlan[];
    expect(dflt?.deleteFrom).toMatchObject([{ type: 'graph', graph: { value: DEFAULT_GRAPH } }]);
    const [move] = plan(`MOVE <${EX}a> TO <${EX}b>`, 'direct') as GraphManagementPlan[];
    expect(move).toMatchObject({ deleteFrom: [{ graph: { value: `${EX}b` } }, { graph: { value: `${EX}a` } }], copy: { from: { graph: { value: `${EX}a` } }, to: { value: `${EX}b` } } });
    expect(() => plan(`LOAD <${EX}x>`, 'direct')).toThrow(/LOAD is not supported/);
    const insert = modify(`INSERT DATA { GRAPH <${EX}g> { _:b <${EX}p> "x" } }`, 'direct');
    const first = instantiate(insert.insertTemplate, [new Map()]).quads[0]!;
    const second = instantiate(insert.insertTemplate, [new Map()]).quads[0]!;
    expect(first.subject.termType).toBe('BlankNode');
    expect(first.subject.value).not.toBe(second.subject.value); // fresh per update
  });
});

describe('instantiate', () => {
  const p = modify(`INSERT { GRAPH ?g { ?s <${EX}p> ?o } } WHERE { GRAPH ?g { ?s ?x ?o } }`);

  it('instantiates per solution, in order', () => {
    const { quads, skipped } = instantiate(p.insertTemplate, [
      solution({ g: ex('g'), s: ex('a'), o: literal('1') }),
      solution({ g: ex('g'), s: ex('b'), o: literal('x', 'nl') }),
    ]);
    expect(lines(quads)).toEqual([`<${EX}a> <${EX}p> "1" <${EX}g> .`, `<${EX}b> <${EX}p> "x"@nl <${EX}g> .`]);
    expect(skipped).toBe(0);
  });

  it('skips triples with an unbound variable', () => {
    const { quads, skipped } = instantiate(p.insertTemplate, [solution({ g: ex('g'), s: ex('a') }), solution({ s: ex('a'), o: literal('1') })]);
    expect(quads).toEqual([]);
    expect(skipped).toBe(2);
  });

  it('skips triples whose subject is a literal, or whose graph is not an IRI', () => {
    const { quads, skipped } = instantiate(p.insertTemplate, [solution({ g: ex('g'), s: literal('lit'), o: literal('1') }), solution({ g: literal('g'), s: ex('a'), o: literal('1') })]);
    expect(quads).toEqual([]);
    expect(skipped).toBe(2);
  });

  it('skips triples whose predicate is not an IRI', () => {
    const q = modify(`INSERT { <${EX}a> ?p "x" } WHERE { ?s ?p ?o }`);
    expect(instantiate(q.insertTemplate, [solution({ p: literal('not a predicate') })]).quads).toEqual([]);
  });

  it('deduplicates by value within an operation', () => {
    const integer = namedNode(`${XSD}integer`);
    const { quads, skipped } = instantiate(p.insertTemplate, [
      solution({ g: ex('g'), s: ex('a'), o: literal('1', integer) }),
      solution({ g: ex('g'), s: ex('a'), o: literal('01', integer) }),
      solution({ g: ex('g'), s: ex('a'), o: literal('1', integer) }),
    ]);
    expect(lines(quads)).toEqual([`<${EX}a> <${EX}p> "1"^^<${XSD}integer> <${EX}g> .`]);
    expect(skipped).toBe(2);
  });
});

describe('computeEffective', () => {
  const g = ex('g');
  const existing = quad(ex('a'), ex('p'), literal('old'), g);
  const missing = quad(ex('a'), ex('p'), literal('missing'), g);
  const fresh = quad(ex('a'), ex('p'), literal('new'), g);
  const presentSet = new Set([canonicalQuadKey(existing)]);
  const isPresent = (q: Quad) => presentSet.has(canonicalQuadKey(q));

  it('re-inserting an existing quad is not effective; inserting a new one is', () => {
    expect(computeEffective({ deletes: [], inserts: [existing, fresh] }, isPresent)).toEqual({ deletes: [], inserts: [fresh] });
  });

  it('deleting a missing quad is not effective; deleting an existing one is', () => {
    expect(computeEffective({ deletes: [existing, missing], inserts: [] }, isPresent)).toEqual({ deletes: [existing], inserts: [] });
  });

  it('delete + re-insert of an existing quad in one operation is neither', () => {
    expect(computeEffective({ deletes: [existing], inserts: [existing] }, isPresent)).toEqual({ deletes: [], inserts: [] });
  });

  it('delete + insert of a missing quad is an insert', () => {
    expect(computeEffective({ deletes: [missing], inserts: [missing] }, isPresent)).toEqual({ deletes: [], inserts: [missing] });
  });

  it('compares by value: deleting 1.50 re-inserted as 1.5 is not effective', () => {
    const decimal = namedNode(`${XSD}decimal`);
    const stored = quad(ex('a'), ex('n'), literal('1.5', decimal), g);
    const asWritten = quad(ex('a'), ex('n'), literal('1.50', decimal), g);
    const present = new Set([canonicalQuadKey(stored)]);
    expect(computeEffective({ deletes: [asWritten], inserts: [stored] }, (q) => present.has(canonicalQuadKey(q)))).toEqual({ deletes: [], inserts: [] });
  });
});

describe('boundVariables', () => {
  it('collects variables of triples, GRAPH, BIND, VALUES, OPTIONAL, UNION and sub-select projections, not MINUS or FILTER', () => {
    const parsed = parseSparql(
      `SELECT * WHERE { ?a ?b ?c . GRAPH ?g { ?d <${EX}p> ?e } OPTIONAL { ?f <${EX}p> 1 } { ?h <${EX}p> 1 } UNION { ?i <${EX}p> 1 } ` +
        `BIND(1 AS ?j) VALUES ?k { 1 } { SELECT ?l (COUNT(?m) AS ?n) WHERE { ?l <${EX}p> ?m } GROUP BY ?l } ` +
        `MINUS { ?x <${EX}p> ?y } FILTER NOT EXISTS { ?z <${EX}p> 1 } }`,
    );
    if (parsed.kind !== 'query') throw new Error('not a query');
    expect([...boundVariables(parsed.query.where ?? [])].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'n']);
  });
});
