/** Initial sync's own queries: the server-side copy of one export query's triples into the publication graph. */
import { sparql, type NamedNode, type SparqlText } from '@delta-producer/core';

/** `INSERT { GRAPH <pub> { ?s ?p ?o } } WHERE { <export query> }`: the store copies, nothing crosses the wire. */
export function serverSideCopyUpdate(exportQuery: SparqlText, publicationGraph: NamedNode): SparqlText {
  return sparql`INSERT { GRAPH ${publicationGraph} { ?s ?p ?o } } WHERE {
  { ${exportQuery} }
}`;
}
