/**
 * Healing's own queries (the export is read with the export module's builder, the comparison with the
 * live path's): the resources that own a triple of the publication graph — every IRI subject, and the
 * IRI object of every inverse property (ownership.ts) — keyset-paged by `STR()`, and counts for progress.
 */
import { joinSparql, literal, namedNode, sparql, type NamedNode, type SparqlText } from '@delta-producer/core';

function ownerBranches(publicationGraph: NamedNode, inversePredicates: Iterable<string>): SparqlText {
  return joinSparql(
    [
      sparql`{ GRAPH ${publicationGraph} { ?resource ?dpP ?dpO } }`,
      ...[...inversePredicates].sort().map((iri) => sparql`{ GRAPH ${publicationGraph} { ?dpS ${namedNode(iri)} ?resource } }`),
    ],
    '\n  UNION ',
  );
}

/** Rows ?resource: the next `limit` owners after `after`, ordered by STR(). */
export function publicationOwnersPageQuery(publicationGraph: NamedNode, inversePredicates: Iterable<string>, after: NamedNode | undefined, limit: number): SparqlText {
  const keyset = after ? sparql`\n  FILTER(STR(?resource) > ${literal(after.value)})` : sparql``;
  return sparql`SELECT DISTINCT ?resource WHERE {
  ${ownerBranches(publicationGraph, inversePredicates)}
  FILTER(isIRI(?resource))${keyset}
} ORDER BY STR(?resource) LIMIT ${limit}`;
}

/** Row ?count: how many resources own a published triple. */
export function publicationOwnersCountQuery(publicationGraph: NamedNode, inversePredicates: Iterable<string>): SparqlText {
  return sparql`SELECT (COUNT(DISTINCT ?resource) AS ?count) WHERE {
  ${ownerBranches(publicationGraph, inversePredicates)}
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
