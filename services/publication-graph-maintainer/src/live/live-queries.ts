/**
 * The live path's own queries (the export itself is read with the export module's builder):
 *
 * - prefilter: which candidate resources matter at all — those with an entry type in a source graph
 *   (rows ?resource ?dpType, one per type), or with a triple they own in the publication graph (as
 *   subject, or as object of an inverse property; rows ?resource, ?dpType unbound). One VALUES outside the UNION,
 *   every branch binding ?resource through its own triple pattern (Virtuoso 7.2.5 evaluates VALUES
 *   inside UNION branches wrongly, docs/virtuoso-quirks.md).
 * - current: the publication-graph triples a set of resources owns (ownership.ts): every triple with
 *   the resource as subject, and `?x p r` for every inverse property p (one branch per predicate, the
 *   predicate a constant so the store uses a predicate index).
 * - pagedQuery: the scrollable-cursor form Virtuoso can page past its sort limit, for the rare result
 *   that does not fit under the store's row limit.
 */
import { joinSparql, namedNode, sparql, trustedSparql, type NamedNode, type SparqlText } from '@delta-producer/core';
import { sourceGraphFilter, type SourceGraphPolicy } from '../export/index.js';

const RESOURCE = sparql`?resource`;

function typeBranches(types: readonly string[], policy: SourceGraphPolicy): SparqlText[] {
  return types.map((type) => {
    const typeTerm = namedNode(type);
    return sparql`{ GRAPH ?dpGraph { ?resource a ${typeTerm} } ${sourceGraphFilter(policy, sparql`?dpGraph`)} BIND(${typeTerm} AS ?dpType) }`;
  });
}

/**
 * The resource has a triple it owns in the publication graph: as subject, or as object of an inverse
 * property. (Not "as object of anything": a type or a concept IRI among the candidates would make the
 * store enumerate every published resource pointing at it, and such triples are not the object's.)
 */
function publicationBranches(publicationGraph: NamedNode, inversePredicates: Iterable<string>): SparqlText[] {
  return [
    sparql`{ GRAPH ${publicationGraph} { ?resource ?dpP ?dpO } }`,
    ...[...inversePredicates].sort().map((iri) => sparql`{ GRAPH ${publicationGraph} { ?dpS ${namedNode(iri)} ?resource } }`),
  ];
}

function prefilter(resources: readonly NamedNode[], branches: readonly SparqlText[]): SparqlText {
  if (resources.length === 0) throw new RangeError('a prefilter query needs at least one resource');
  return sparql`SELECT DISTINCT ?resource ?dpType WHERE {
  VALUES ${RESOURCE} { ${resources} }
  ${joinSparql(branches, '\n  UNION ')}
}`;
}

/** Candidates with an entry type in a source graph or an owned triple in the publication graph: rows ?resource ?dpType. */
export function prefilterQuery(resources: readonly NamedNode[], types: readonly string[], policy: SourceGraphPolicy, publicationGraph: NamedNode, inversePredicates: Iterable<string>): SparqlText {
  return prefilter(resources, [...typeBranches(types, policy), ...publicationBranches(publicationGraph, inversePredicates)]);
}

/** The source half of prefilterQuery (when the publication graph lives in another store). */
export function sourcePrefilterQuery(resources: readonly NamedNode[], types: readonly string[], policy: SourceGraphPolicy): SparqlText | undefined {
  return types.length === 0 ? undefined : prefilter(resources, typeBranches(types, policy));
}

/** The publication half of prefilterQuery. */
export function publicationPrefilterQuery(resources: readonly NamedNode[], publicationGraph: NamedNode, inversePredicates: Iterable<string>): SparqlText {
  return prefilter(resources, publicationBranches(publicationGraph, inversePredicates));
}

/** The publication-graph triples the resources own: rows ?s ?p ?o. */
export function currentTriplesQuery(resources: readonly NamedNode[], publicationGraph: NamedNode, inversePredicates: Iterable<string>): SparqlText {
  if (resources.length === 0) throw new RangeError('a current-triples query needs at least one resource');
  const branches = [
    sparql`{ GRAPH ${publicationGraph} { ?resource ?p ?o } BIND(?resource AS ?s) }`,
    ...[...inversePredicates].sort().map((iri) => {
      const predicate = namedNode(iri);
      return sparql`{ GRAPH ${publicationGraph} { ?s ${predicate} ?resource } BIND(${predicate} AS ?p) BIND(?resource AS ?o) }`;
    }),
  ];
  return sparql`SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ${RESOURCE} { ${resources} }
  ${joinSparql(branches, '\n  UNION ')}
}`;
}

/** One page of `query` (a SELECT projecting `variables`), ordered by those variables. */
export function pagedQuery(query: SparqlText, variables: readonly string[], offset: number, limit: number): SparqlText {
  if (variables.length === 0 || variables.some((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))) throw new RangeError(`bad variable names ${JSON.stringify(variables)}`);
  const names = trustedSparql(variables.map((name) => `?${name}`).join(' '));
  return sparql`SELECT ${names} WHERE {
  { SELECT ${names} WHERE {
    { ${query} }
  } ORDER BY ${names} }
} OFFSET ${offset} LIMIT ${limit}`;
}
