/**
 * Parsing request text with sparqljs. The gateway parses every request itself (as mu-authorization
 * does): the parse tells a query from an update (clients send updates as `query=` too), and a syntax
 * error becomes a 400 before anything reaches the store.
 */
import sparqljs from 'sparqljs';
import type { Query, SparqlQuery, Update } from 'sparqljs';
import { extractLongLiterals, restoreLongLiterals } from './long-literals.js';

export type ParsedSparql = { kind: 'query'; query: Query } | { kind: 'update'; update: Update };

/** The text is not SPARQL 1.1 (or uses something sparqljs does not know). */
export class SparqlSyntaxError extends Error {
  override readonly name = 'SparqlSyntaxError';
}

export function parseSparql(text: string): ParsedSparql {
  let parsed: SparqlQuery;
  try {
    const { text: parseable, values } = extractLongLiterals(text);
    // A parser per request: sparqljs parsers keep blank-node counters between parses.
    parsed = restoreLongLiterals(new sparqljs.Parser({ skipUngroupedVariableCheck: true }).parse(parseable), values);
  } catch (error) {
    throw new SparqlSyntaxError(`invalid SPARQL: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return parsed.type === 'update' ? { kind: 'update', update: parsed } : { kind: 'query', query: parsed };
}

/** Writes a sparqljs AST back as text with full IRIs (no prefixes), so no store's predefined prefixes matter. */
export function generateSparql(ast: SparqlQuery): string {
  return new sparqljs.Generator({ prefixes: {} }).stringify({ ...ast, prefixes: {} } as SparqlQuery);
}
