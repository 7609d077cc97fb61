/**
 * THE export query builder: Export(source) of docs/export-definition.md as SPARQL, for one export entry
 * and a selection of resources. Live processing, initial sync and healing all read the source through
 * these queries, so they cannot disagree.
 *
 * Query shapes (all variables of the scope part are local to a sub-select):
 *
 *     SELECT DISTINCT (?subject AS ?resource) ?s ?p ?o WHERE {
 *       { SELECT DISTINCT ?subject WHERE {                     ← scope of the entry
 *           VALUES ?subject { … }                              (selection: resources)
 *           GRAPH ?dpTypeGraph { ?subject a <type> }  FILTER(?dpTypeGraph ∈ A(E))  FILTER(isIRI(?subject))
 *           GRAPH ?dpHopGraph1 { ?subject <p1> ?dpHop1 }  FILTER(source graph)     (path, ^p reversed,
 *           GRAPH ?dpHopGraph2 { ?dpHop1 <p2> <conceptScheme> }  FILTER(source graph)  one graph per hop)
 *           GRAPH ?dpFilterGraph { <additionalFilter> }  FILTER(source graph)
 *           FILTER(STR(?subject) > "after")                    (selection: subjectRange)
 *         } ORDER BY STR(?subject) LIMIT n }                   (selection: subjectRange)
 *       { GRAPH ?g { ?subject a ?o }  BIND(?subject AS ?s) BIND(rdf:type AS ?p) }        ← one branch per
 *       UNION { GRAPH ?g { ?subject <p> ?o }  BIND(?subject AS ?s) BIND(<p> AS ?p) }      exported property
 *       UNION { GRAPH ?g { ?s <q> ?subject }  BIND(<q> AS ?p) BIND(?subject AS ?o) }      (^q: inverse)
 *       FILTER(?g ∈ A(E))
 *       FILTER(!isBlank(?s) && !isBlank(?o))
 *     } ORDER BY STR(?subject)                                 (selection: subjectRange)
 *
 * Why this shape:
 * - Inverse properties: one UNION branch per property with the predicate as a constant, so both stores
 *   use a predicate-first index and a resource referenced by a million triples of an unexported
 *   predicate (a concept, a classification) costs nothing. Forward properties: one branch
 *   `?subject ?p ?o FILTER(?p IN …)`, the subject bound, so the store reads the resource's own triples
 *   once (a branch per forward predicate made a page ≈3× slower on Virtuoso). One request per resource
 *   page instead of one per property.
 * - No VALUES inside UNION branches, no `OPTIONAL`/`!BOUND`, no lone `FILTER NOT EXISTS`
 *   (docs/virtuoso-quirks.md). The graph filter of A(E) is written once, after the UNION; a plain list
 *   that leaves one graph becomes a constant `GRAPH <g>`.
 * - The scope is a `SELECT DISTINCT` sub-select (a join, not `FILTER EXISTS`), so several type triples,
 *   paths or filter solutions never multiply rows, and Virtuoso and oxigraph evaluate the
 *   additionalFilter the same way: bottom-up inside `GRAPH ?dpFilterGraph { … }`, `?subject` being
 *   bound by the join. (A filter made of `FILTER(…)` expressions only, with no triple pattern
 *   mentioning ?subject, therefore matches nothing in either store.)
 * - subjectRange pages in-scope resources by keyset on `STR(?subject)` — never OFFSET. Each page returns
 *   every exported triple of up to `limit` resources, ordered by resource; the branch with the entry's
 *   own type triple (always exported, present for every in-scope resource) guarantees that every
 *   resource of the page appears, so the last row's ?resource is the next page's `after`
 *   (`readSubjectRangePage`). The page's triple count is not bounded by `limit`: read pages with
 *   `selectAll` and lower `limit` on TruncatedResultError.
 * - `healingOptions[p].queryChunkSize` (predicates with huge literals): `exportQueryGroups` gives such a
 *   property a query of its own, paged with `queryChunkSize` resources per page, so the huge values are
 *   never fetched together with everything else and the page size can be tuned for that predicate
 *   alone. Other properties share one UNION query per page (at most MAX_BRANCHES_PER_QUERY branches, to
 *   stay far below Virtuoso's 10 000-line SQL limit).
 */
import {
  canonicalTermKey,
  joinSparql,
  literal,
  namedNode,
  quad as makeQuad,
  RDF,
  sparql,
  trustedSparql,
  type Bindings,
  type NamedNode,
  type Quad,
  type SparqlText,
  type Term,
} from '@delta-producer/core';
import { propertyKey, type ExportEntry, type PropertyRef } from './export-config.js';
import { allowedGraphFilter, isSourceGraph, singleAllowedGraph, sourceGraphFilter, type SourceGraphPolicy } from './source-graphs.js';

/** Most resources in one `resources` selection (a VALUES list; Virtuoso refuses more than 4094). */
export const MAX_RESOURCES_PER_QUERY = 500;
/** Most property branches in one export query. */
export const MAX_BRANCHES_PER_QUERY = 40;

/** Which resources a query is about. */
export type ResourceSelection =
  /** Live: the given resources (at most MAX_RESOURCES_PER_QUERY; the caller chunks). */
  | { readonly kind: 'resources'; readonly resources: readonly NamedNode[] }
  /**
   * The given resources, already known to be in scope (rows of `scopeQuery` for the same entry, read
   * just before): no scope part, so the store only reads their triples — several times faster on
   * Virtuoso than joining the scope sub-select with the branches (at most MAX_RESOURCES_PER_QUERY).
   */
  | { readonly kind: 'inScope'; readonly resources: readonly NamedNode[] }
  /** Initial sync / healing: the next `limit` in-scope resources after `after`, by STR order. */
  | { readonly kind: 'subjectRange'; readonly after?: NamedNode; readonly limit: number }
  /** Every in-scope resource, unpaged (small data only, e.g. tests). */
  | { readonly kind: 'all' };

/** One exported "property kind" of an entry: its type rule, or one configured property. */
export type ExportPart = { readonly kind: 'type' } | { readonly kind: 'property'; readonly property: PropertyRef };

export interface ExportQueryGroup {
  readonly parts: readonly ExportPart[];
  /** Resources per page for this group (from healingOptions); undefined: the caller's default. */
  readonly queryChunkSize?: number;
}

export interface ExportQueryOptions {
  /** Only these parts of the entry (default: all, `exportParts(entry)`). */
  readonly parts?: readonly ExportPart[];
}

const RDF_TYPE = namedNode(RDF.type);
const SUBJECT = sparql`?subject`;
const GRAPH_VARIABLE = sparql`?g`;

/**
 * The parts of an entry: its type rule, then each property in file order. A forward `rdf:type` listed in
 * `properties` is the type rule itself (so `strictTypeExport` still limits it to the entry's type, as
 * the lblod healing did).
 */
export function exportParts(entry: ExportEntry): ExportPart[] {
  const properties = entry.properties.filter((property) => property.inverse || property.iri !== RDF.type);
  return [{ kind: 'type' }, ...properties.map((property): ExportPart => ({ kind: 'property', property }))];
}

function partKey(part: ExportPart): string {
  return part.kind === 'type' ? RDF.type : propertyKey(part.property);
}

/**
 * The queries one full read of an entry needs: the parts without healing options together (split
 * every MAX_BRANCHES_PER_QUERY), then one group per part with a `queryChunkSize`.
 */
export function exportQueryGroups(entry: ExportEntry): ExportQueryGroup[] {
  const shared: ExportPart[] = [];
  const own: ExportQueryGroup[] = [];
  for (const part of exportParts(entry)) {
    const options = entry.healingOptions[partKey(part)];
    if (options) own.push({ parts: [part], queryChunkSize: options.queryChunkSize });
    else shared.push(part);
  }
  const groups: ExportQueryGroup[] = [];
  for (let start = 0; start < shared.length; start += MAX_BRANCHES_PER_QUERY) groups.push({ parts: shared.slice(start, start + MAX_BRANCHES_PER_QUERY) });
  return [...groups, ...own];
}

function checkSelection(selection: ResourceSelection): void {
  if (selection.kind === 'resources' || selection.kind === 'inScope') {
    if (selection.resources.length === 0) throw new RangeError('a resources selection needs at least one resource (skip the query instead)');
    if (selection.resources.length > MAX_RESOURCES_PER_QUERY) {
      throw new RangeError(`a resources selection takes at most ${MAX_RESOURCES_PER_QUERY} resources, got ${selection.resources.length}: chunk them`);
    }
    for (const resource of selection.resources) {
      if (resource.termType !== 'NamedNode') throw new TypeError(`resources must be IRIs, got a ${resource.termType}`);
    }
  }
  if (selection.kind === 'subjectRange' && (!Number.isSafeInteger(selection.limit) || selection.limit < 1)) {
    throw new RangeError(`subjectRange.limit must be a positive integer, got ${selection.limit}`);
  }
}

const hopNode = (index: number) => sparql`?dpHop${index}`;
const hopGraph = (index: number) => sparql`?dpHopGraph${index}`;

/** `from <p> to`, or `to <p> from` for an inverse hop. */
function hopTriple(hop: PropertyRef, from: SparqlText, to: SparqlText): SparqlText {
  const predicate = namedNode(hop.iri);
  return hop.inverse ? sparql`${to} ${predicate} ${from}` : sparql`${from} ${predicate} ${to}`;
}

/** The path hops 1..lastHop (1-based), the last ending at `end`, each in a source graph of its own: per hop [GRAPH, FILTER]. */
function pathPatterns(entry: ExportEntry, policy: SourceGraphPolicy, lastHop: number, end: SparqlText): SparqlText[][] {
  const patterns: SparqlText[][] = [];
  for (let index = 1; index <= lastHop; index += 1) {
    const hop = entry.pathToConceptScheme[index - 1]!;
    const from = index === 1 ? SUBJECT : hopNode(index - 1);
    const to = index === lastHop ? end : hopNode(index);
    patterns.push([sparql`GRAPH ${hopGraph(index)} { ${hopTriple(hop, from, to)} }`, sourceGraphFilter(policy, hopGraph(index))]);
  }
  return patterns;
}

/** `GRAPH <g-or-?var> { ?subject a <type> }` with its A(E) filter. */
function typePatterns(entry: ExportEntry, policy: SourceGraphPolicy): SparqlText[] {
  const single = singleAllowedGraph(entry, policy);
  if (single !== undefined) return [sparql`GRAPH ${namedNode(single)} { ?subject ${RDF_TYPE} ${namedNode(entry.type)} }`];
  return [sparql`GRAPH ?dpTypeGraph { ?subject ${RDF_TYPE} ${namedNode(entry.type)} }`, allowedGraphFilter(entry, policy, sparql`?dpTypeGraph`)];
}

interface ScopeOptions {
  /** Keep blank-node resources (only to count what the export skips). */
  allowBlankResources?: boolean;
}

/** The group patterns that bind ?subject to every in-scope resource of the selection (possibly repeated). */
function scopePatterns(entry: ExportEntry, policy: SourceGraphPolicy, selection: ResourceSelection, options: ScopeOptions = {}): SparqlText[] {
  const patterns: SparqlText[] = [];
  if (selection.kind === 'resources') patterns.push(sparql`VALUES ?subject { ${selection.resources} }`);
  patterns.push(...typePatterns(entry, policy));
  if (!options.allowBlankResources || selection.kind === 'subjectRange') patterns.push(sparql`FILTER(isIRI(?subject))`);
  if (entry.pathToConceptScheme.length > 0) {
    if (entry.conceptScheme === undefined) throw new Error(`export entry ${entry.index} has a path to the concept scheme but no conceptScheme`);
    patterns.push(...pathPatterns(entry, policy, entry.pathToConceptScheme.length, sparql`${namedNode(entry.conceptScheme)}`).flat());
  }
  if (entry.additionalFilter !== undefined) {
    // On lines of its own (and never re-indented: it may hold multi-line strings): a trailing
    // `# comment` in the filter cannot swallow the closing brace.
    patterns.push(sparql`GRAPH ?dpFilterGraph {\n${trustedSparql(entry.additionalFilter)}\n}`, sourceGraphFilter(policy, sparql`?dpFilterGraph`));
  }
  if (selection.kind === 'subjectRange' && selection.after !== undefined) patterns.push(sparql`FILTER(STR(?subject) > ${literal(selection.after.value)})`);
  return patterns;
}

/** Patterns one per line, indented. */
function lines(patterns: readonly SparqlText[], indent: string): SparqlText {
  return joinSparql(
    patterns.map((pattern) => sparql`${trustedSparql(indent)}${pattern}`),
    '\n',
  );
}

function scopeSelect(entry: ExportEntry, policy: SourceGraphPolicy, selection: ResourceSelection, indent: string, options: ScopeOptions = {}): SparqlText {
  if (selection.kind === 'inScope') throw new RangeError('an inScope selection has no scope part');
  const page = selection.kind === 'subjectRange' ? sparql` ORDER BY STR(?subject) LIMIT ${selection.limit}` : sparql``;
  const closing = trustedSparql(indent.slice(2));
  return sparql`SELECT DISTINCT ?subject WHERE {\n${lines(scopePatterns(entry, policy, selection, options), indent)}\n${closing}}${page}`;
}

/**
 * Which resources of the selection are in scope of the entry: rows `?subject`. With a subjectRange the
 * rows are the page, ordered (usable with the SPARQL client's keyset `selectPaged`, key `subject`).
 */
export function scopeQuery(entry: ExportEntry, policy: SourceGraphPolicy, selection: ResourceSelection): SparqlText {
  checkSelection(selection);
  if (selection.kind === 'inScope') throw new RangeError('an inScope selection is already scoped');
  return scopeSelect(entry, policy, selection, '  ');
}

/** Row ?count: how many resources are in scope of the entry. */
export function scopeCountQuery(entry: ExportEntry, policy: SourceGraphPolicy): SparqlText {
  return sparql`SELECT (COUNT(*) AS ?count) WHERE {
  { ${scopeSelect(entry, policy, { kind: 'all' }, '    ')} }
}`;
}

type Branch =
  | { kind: 'types' }
  | { kind: 'entryType' }
  | { kind: 'forward'; predicate: NamedNode }
  /** Several forward properties read together: the resource's own triples, by subject. */
  | { kind: 'forwardSet'; predicates: NamedNode[] }
  | { kind: 'inverse'; predicate: NamedNode };

function branchesOf(entry: ExportEntry, parts: readonly ExportPart[], withEntryType: boolean): Branch[] {
  const branches: Branch[] = [];
  const seen = new Set<string>();
  const add = (branch: Branch) => {
    const key = branch.kind === 'forward' || branch.kind === 'inverse' ? `${branch.kind} ${branch.predicate.value}` : branch.kind === 'forwardSet' ? `forwardSet ${branch.predicates.map((p) => p.value).join(' ')}` : branch.kind;
    if (seen.has(key)) return;
    seen.add(key);
    branches.push(branch);
  };
  if (withEntryType && !parts.some((part) => part.kind === 'type')) add({ kind: 'entryType' });
  for (const part of parts) {
    if (part.kind === 'type') add(entry.strictTypeExport ? { kind: 'entryType' } : { kind: 'types' });
    else if (!part.property.inverse && part.property.iri === RDF.type) add(entry.strictTypeExport ? { kind: 'entryType' } : { kind: 'types' });
    else add({ kind: part.property.inverse ? 'inverse' : 'forward', predicate: namedNode(part.property.iri) });
  }
  // Forward properties in one branch: `?subject ?p ?o` with the subject bound is one subject-index read,
  // where a branch per predicate is one read each (≈3× slower for a page on Virtuoso).
  const forward = branches.flatMap((branch) => (branch.kind === 'forward' ? [branch.predicate] : []));
  if (forward.length < 2) return branches;
  const merged: Branch[] = branches.filter((branch) => branch.kind !== 'forward');
  const at = branches.findIndex((branch) => branch.kind === 'forward');
  merged.splice(at, 0, { kind: 'forwardSet', predicates: forward });
  return merged;
}

function branchText(entry: ExportEntry, branch: Branch, graph: SparqlText): SparqlText {
  switch (branch.kind) {
    case 'types':
      return sparql`{ GRAPH ${graph} { ?subject ${RDF_TYPE} ?o } BIND(?subject AS ?s) BIND(${RDF_TYPE} AS ?p) }`;
    case 'entryType': {
      const type = namedNode(entry.type);
      return sparql`{ GRAPH ${graph} { ?subject ${RDF_TYPE} ${type} } BIND(?subject AS ?s) BIND(${RDF_TYPE} AS ?p) BIND(${type} AS ?o) }`;
    }
    case 'forward':
      return sparql`{ GRAPH ${graph} { ?subject ${branch.predicate} ?o } BIND(?subject AS ?s) BIND(${branch.predicate} AS ?p) }`;
    case 'forwardSet':
      // STR(?p) against strings, not ?p against IRIs: Virtuoso turns `?p IN (<iri>, …)` into a scan of
      // each predicate over the whole graph (3 s per page at 1M triples); compared as strings the
      // filter runs on the resource's own triples (0.1 s).
      return sparql`{ GRAPH ${graph} { ?subject ?p ?o } FILTER(STR(?p) IN (${joinSparql(branch.predicates.map((predicate) => sparql`${literal(predicate.value)}`), ', ')})) BIND(?subject AS ?s) }`;
    case 'inverse':
      return sparql`{ GRAPH ${graph} { ?s ${branch.predicate} ?subject } BIND(${branch.predicate} AS ?p) BIND(?subject AS ?o) }`;
  }
}

/** The exported-triples part: the UNION of the branches and the A(E) filter on their graph. */
function triplePatterns(entry: ExportEntry, policy: SourceGraphPolicy, parts: readonly ExportPart[], withEntryType: boolean, indent: string): SparqlText {
  const branches = branchesOf(entry, parts, withEntryType);
  if (branches.length === 0) throw new RangeError('an export query needs at least one part');
  if (branches.length > MAX_BRANCHES_PER_QUERY + 1) throw new RangeError(`an export query takes at most ${MAX_BRANCHES_PER_QUERY} parts (use exportQueryGroups)`);
  const single = singleAllowedGraph(entry, policy);
  const graph = single !== undefined ? sparql`${namedNode(single)}` : GRAPH_VARIABLE;
  const union = joinSparql(
    branches.map((branch) => branchText(entry, branch, graph)),
    `\n${indent}UNION `,
  );
  const graphFilter = single !== undefined ? sparql`` : sparql`\n${trustedSparql(indent)}${allowedGraphFilter(entry, policy, GRAPH_VARIABLE)}`;
  return sparql`${trustedSparql(indent)}${union}${graphFilter}`;
}

/**
 * The exported triples of the selection's in-scope resources: rows `?resource ?s ?p ?o` (DISTINCT),
 * blank-node subjects and objects left out. With a subjectRange the rows are ordered by resource and
 * include every page resource's `a <type>` triple (see the module comment).
 */
export function exportQuery(entry: ExportEntry, policy: SourceGraphPolicy, selection: ResourceSelection, options: ExportQueryOptions = {}): SparqlText {
  checkSelection(selection);
  const parts = options.parts ?? exportParts(entry);
  const paged = selection.kind === 'subjectRange';
  const order = paged ? sparql`\nORDER BY STR(?subject)` : sparql``;
  const scope = selection.kind === 'inScope' ? sparql`VALUES ?subject { ${selection.resources} }` : sparql`{ ${scopeSelect(entry, policy, selection, '    ')} }`;
  return sparql`SELECT DISTINCT (?subject AS ?resource) ?s ?p ?o WHERE {
  ${scope}
${triplePatterns(entry, policy, parts, paged, '  ')}
  FILTER(!isBlank(?s) && !isBlank(?o))
}${order}`;
}

/**
 * Counts what the export skips because of blank nodes: rows `?p ?count`, the distinct triples per
 * predicate whose subject or object is a blank node, for in-scope resources of the selection (blank-node
 * resources included, except with a subjectRange, whose keyset is on IRIs).
 */
export function blankNodeCountQuery(entry: ExportEntry, policy: SourceGraphPolicy, selection: ResourceSelection, options: ExportQueryOptions = {}): SparqlText {
  checkSelection(selection);
  const parts = options.parts ?? exportParts(entry);
  return sparql`SELECT ?p (COUNT(*) AS ?count) WHERE {
  { SELECT DISTINCT ?s ?p ?o WHERE {
    { ${scopeSelect(entry, policy, selection, '      ', { allowBlankResources: true })} }
${triplePatterns(entry, policy, parts, false, '    ')}
    FILTER(isBlank(?s) || isBlank(?o))
  } }
} GROUP BY ?p`;
}

/** One exported triple and the resource it was exported for. */
export interface ExportedTriple {
  readonly resource: NamedNode;
  /** In the default graph: the publication graph is the caller's to choose. */
  readonly quad: Quad;
}

function expectTerm<T extends Term['termType']>(row: Bindings, name: string, index: number, types: readonly T[]): Extract<Term, { termType: T }> {
  const term = row[name];
  if (!term || !(types as readonly string[]).includes(term.termType)) {
    throw new TypeError(`export query row ${index}: ?${name} is ${term ? `a ${term.termType}` : 'unbound'}, expected ${types.join(' or ')}`);
  }
  return term as Extract<Term, { termType: T }>;
}

/** Rows of `exportQuery` as triples. */
export function exportedTriplesFromRows(rows: readonly Bindings[]): ExportedTriple[] {
  return rows.map((row, index) => {
    const resource = expectTerm(row, 'resource', index, ['NamedNode']);
    const subject = expectTerm(row, 's', index, ['NamedNode']);
    const predicate = expectTerm(row, 'p', index, ['NamedNode']);
    const object = expectTerm(row, 'o', index, ['NamedNode', 'Literal']);
    return { resource, quad: makeQuad(subject, predicate, object) };
  });
}

export interface SubjectRangePage {
  readonly triples: ExportedTriple[];
  /** The page's resources, in store order. */
  readonly resources: NamedNode[];
  /** `after` of the next page; undefined when this was the last page. */
  readonly next?: NamedNode;
}

/** Reads one subjectRange page of `exportQuery` (rows as returned, ordered by resource). */
export function readSubjectRangePage(rows: readonly Bindings[], limit: number): SubjectRangePage {
  const triples = exportedTriplesFromRows(rows);
  const resources: NamedNode[] = [];
  const seen = new Set<string>();
  for (const { resource } of triples) {
    if (seen.has(resource.value)) continue;
    seen.add(resource.value);
    resources.push(resource);
  }
  if (resources.length > limit) throw new RangeError(`subjectRange page has ${resources.length} resources for limit ${limit}`);
  const last = triples.at(-1)?.resource;
  return resources.length === limit && last ? { triples, resources, next: last } : { triples, resources };
}

/** A query for the resources whose scope may have changed with changed hop triples. */
export interface PathImpactQuery {
  /** 1-based index of the path hop the triples are. */
  readonly hopIndex: number;
  /** Rows `?subject`: resources typed with the entry's type (in A(E)) that reach a changed hop. */
  readonly query: SparqlText;
}

/**
 * Queries for the resources whose scope may have changed because the given triples (inserted or
 * deleted) are hops of the entry's path. A triple that is hop i (its predicate, in its direction, and for
 * the last hop its end equal to the concept scheme) links path node x(i-1) to x(i); the resources are
 * found by walking the path backwards from x(i-1) over hops i-1 … 1 in source graphs, so a deleted hop
 * is found as well as an inserted one. Triples in a named graph that is not a source graph are ignored;
 * blank-node path nodes cannot be named in a query and are left to healing. At most
 * MAX_RESOURCES_PER_QUERY start nodes per query.
 */
export function pathImpactQueries(entry: ExportEntry, policy: SourceGraphPolicy, changedTriples: Iterable<Quad>): PathImpactQuery[] {
  const path = entry.pathToConceptScheme;
  if (path.length === 0) return [];
  const schemeKey = entry.conceptScheme === undefined ? undefined : canonicalTermKey(namedNode(entry.conceptScheme));
  const starts = path.map(() => new Map<string, NamedNode | Term>());
  for (const triple of changedTriples) {
    if (triple.graph.termType === 'NamedNode' && !isSourceGraph(policy, triple.graph.value)) continue;
    path.forEach((hop, position) => {
      if (triple.predicate.value !== hop.iri) return;
      const [near, far] = hop.inverse ? [triple.object, triple.subject] : [triple.subject, triple.object];
      if (position === path.length - 1 && canonicalTermKey(far) !== schemeKey) return;
      if (near.termType === 'BlankNode' || (position === 0 && near.termType !== 'NamedNode')) return;
      starts[position]!.set(canonicalTermKey(near), near);
    });
  }
  const queries: PathImpactQuery[] = [];
  starts.forEach((nodes, position) => {
    const hopIndex = position + 1;
    const list = [...nodes.values()];
    for (let start = 0; start < list.length; start += MAX_RESOURCES_PER_QUERY) {
      const chunk = list.slice(start, start + MAX_RESOURCES_PER_QUERY);
      const startVariable = hopIndex === 1 ? SUBJECT : hopNode(hopIndex - 1);
      const walk = hopIndex === 1 ? [] : pathPatterns(entry, policy, hopIndex - 1, startVariable);
      const patterns = [sparql`VALUES ${startVariable} { ${chunk} }`, ...walk.reverse().flat(), ...typePatterns(entry, policy), sparql`FILTER(isIRI(?subject))`];
      queries.push({ hopIndex, query: sparql`SELECT DISTINCT ?subject WHERE {\n${lines(patterns, '  ')}\n}` });
    }
  });
  return queries;
}
