/**
 * Healing's own queries (the export is read with the export module's builder, the comparison with the
 * live path's): the resources that own a triple of the publication graph — every IRI subject, and the
 * IRI object of every inverse property (ownership.ts) — keyset-paged by `STR()`, and counts for progress.
 */
import { joinSparql, literal, namedNode, sparql, type NamedNode, type SparqlText } from '@delta-producer/core';

/** Predicates owned by their objects: `inverse` (owned by the object too); `inverseOnly` (by the object alone, ownership.ts). */
export interface OwnerPredicates {
  inverse: Iterable<string>;
  inverseOnly: Iterable<string>;
}

function ownerBranches(publicationGraph: NamedNode, predicates: OwnerPredicates): SparqlText {
  const inverseOnly = [...predicates.inverseOnly].sort().map((iri) => namedNode(iri));
  // A subject owns its triples, except those of a predicate exported only inversely with an IRI object.
  const subjectFilter = inverseOnly.length > 0 ? sparql` FILTER(!isIRI(?dpO) || ?dpP NOT IN (${joinSparql(inverseOnly.map((predicate) => sparql`${predicate}`), ', ')}))` : sparql``;
  const inversePredicates = predicates.inverse;
  return joinSparql(
    [
      sparql`{ GRAPH ${publicationGraph} { ?resource ?dpP ?dpO }${subjectFilter} }`,
      ...[...inversePredicates].sort().map((iri) => sparql`{ GRAPH ${publicationGraph} { ?dpS ${namedNode(iri)} ?resource } }`),
    ],
    '\n  UNION ',
  );
}

/** Rows ?resource: the next `limit` owners after `after`, ordered by STR(). */
export function publicationOwnersPageQuery(publicationGraph: NamedNode, predicates: OwnerPredicates, after: NamedNode | undefined, limit: number): SparqlText {
  const keyset = after ? sparql`\n  FILTER(STR(?resource) > ${literal(after.value)})` : sparql``;
  return sparql`SELECT DISTINCT ?resource WHERE {
  ${ownerBranches(publicationGraph, predicates)}
  FILTER(isIRI(?resource))${keyset}
} ORDER BY STR(?resource) LIMIT ${limit}`;
}

/** Row ?count: how many resources own a published triple. */
export function publicationOwnersCountQuery(publicationGraph: NamedNode, predicates: OwnerPredicates): SparqlText {
  return sparql`SELECT (COUNT(DISTINCT ?resource) AS ?count) WHERE {
  ${ownerBranches(publicationGraph, predicates)}
  FILTER(isIRI(?resource))
}`;
}

/** Rows ?p ?count: published triples per predicate (initial sync's result: the counts after minus before). */
export function publicationPredicateCountsQuery(publicationGraph: NamedNode): SparqlText {
  return sparql`SELECT ?p (COUNT(*) AS ?count) WHERE { GRAPH ${publicationGraph} { ?s ?p ?o } } GROUP BY ?p`;
}

/** Rows ?type ?count: published rdf:type triples per type. */
export function publicationTypeCountsQuery(publicationGraph: NamedNode): SparqlText {
  return sparql`SELECT ?type (COUNT(*) AS ?count) WHERE { GRAPH ${publicationGraph} { ?s a ?type } } GROUP BY ?type`;
}

/** Whether the publication graph holds any triple. */
export function publicationHasTriplesQuery(publicationGraph: NamedNode): SparqlText {
  return sparql`ASK { GRAPH ${publicationGraph} { ?s ?p ?o } }`;
}
