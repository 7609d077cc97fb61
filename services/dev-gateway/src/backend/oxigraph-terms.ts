/**
 * Boundary between oxigraph's wasm-backed terms and the RDF/JS terms the rest of the gateway (and
 * core) works with. Conversions copy; no wasm object leaves the embedded backend.
 */
import factory from '@rdfjs/data-model';
import type { Quad, Term } from '@rdfjs/types';
import oxigraph from 'oxigraph';

export type OxigraphTerm = oxigraph.Term;
export type OxigraphQuad = oxigraph.Quad;

export function fromOxigraphTerm(term: OxigraphTerm): Term {
  switch (term.termType) {
    case 'NamedNode':
      return factory.namedNode(term.value);
    case 'BlankNode':
      return factory.blankNode(term.value);
    case 'Literal':
      return term.language ? factory.literal(term.value, term.language) : factory.literal(term.value, factory.namedNode(term.datatype.value));
    case 'DefaultGraph':
      return factory.defaultGraph();
    case 'Variable':
      return factory.variable(term.value);
    default:
      throw new Error(`unsupported oxigraph term ${term.termType}`);
  }
}

export function fromOxigraphQuad(q: OxigraphQuad): Quad {
  return factory.quad(
    fromOxigraphTerm(q.subject) as Quad['subject'],
    fromOxigraphTerm(q.predicate) as Quad['predicate'],
    fromOxigraphTerm(q.object) as Quad['object'],
    fromOxigraphTerm(q.graph) as Quad['graph'],
  );
}

export function toOxigraphQuad(q: Quad): OxigraphQuad {
  return oxigraph.fromQuad(q) as OxigraphQuad;
}

/** Solutions of `store.query` for a SELECT, as RDF/JS maps. */
export function fromOxigraphSolutions(rows: Map<string, OxigraphTerm>[]): Map<string, Term>[] {
  return rows.map((row) => {
    const solution = new Map<string, Term>();
    for (const [name, term] of row) solution.set(name, fromOxigraphTerm(term));
    return solution;
  });
}
