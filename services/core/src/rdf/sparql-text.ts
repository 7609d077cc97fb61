/**
 * Building SPARQL text safely. Repository modules write queries with the `sparql` tag:
 * interpolated RDF terms are escaped by `termToSparql`, nested `sparql` fragments are spliced, numbers
 * must be integers, and a bare string is refused (wrap it with `iri()`, `literal()` or, for trusted
 * configuration text such as `additionalFilter`, `trustedSparql()`). `withPrefixes` then declares every
 * known prefix the text uses, so no query depends on a store's predefined prefixes.
 */
import type { Term } from '@rdfjs/types';
import { PREFIXES, type PrefixName } from '../vocabulary.js';
import { TermError, termToSparql } from './terms.js';

export class SparqlText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type SparqlValue = Term | SparqlText | number | bigint | readonly (Term | SparqlText)[];

function render(value: SparqlValue): string {
  if (value instanceof SparqlText) return value.text;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TermError(`only integers can be interpolated into SPARQL, got ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((item: Term | SparqlText) => render(item)).join(' ');
  if (typeof value === 'object' && value !== null && 'termType' in value) return termToSparql(value as Term);
  throw new TermError(`refusing to interpolate a ${typeof value} into SPARQL: wrap it as a term`);
}

/** Tagged template for SPARQL text; see the module comment. */
export function sparql(strings: TemplateStringsArray, ...values: SparqlValue[]): SparqlText {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '');
  });
  return new SparqlText(text);
}

/** Trusted SPARQL text from configuration (e.g. export `additionalFilter`); never user input. */
export function trustedSparql(text: string): SparqlText {
  return new SparqlText(text);
}

/** Joins fragments with a separator (e.g. UNION blocks, VALUES rows). */
export function joinSparql(parts: readonly SparqlText[], separator = '\n'): SparqlText {
  return new SparqlText(parts.map((part) => part.text).join(separator));
}

// Strips IRIs and string literals so prefix detection only looks at syntax.
const IRIS_AND_STRINGS = /<[^<>\s]*>|"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g;
const PREFIX_NAMES = Object.keys(PREFIXES) as PrefixName[];
const PREFIX_USE = new RegExp(`(?<![\\w:@?$-])(${PREFIX_NAMES.join('|')}):`, 'g');
const DECLARED = /PREFIX\s+([A-Za-z][\w-]*)?:/gi;

/** Prefix names from the suite's vocabulary that the text uses. */
export function usedPrefixes(text: string): PrefixName[] {
  const syntax = text.replace(IRIS_AND_STRINGS, ' ');
  const declared = new Set([...syntax.matchAll(DECLARED)].map((match) => match[1] ?? ''));
  const used = new Set<PrefixName>();
  for (const match of syntax.matchAll(PREFIX_USE)) {
    const name = match[1] as PrefixName;
    if (!declared.has(name)) used.add(name);
  }
  return PREFIX_NAMES.filter((name) => used.has(name));
}

/** The text with a PREFIX declaration for every vocabulary prefix it uses and does not declare. */
export function withPrefixes(query: SparqlText | string): string {
  const text = typeof query === 'string' ? query : query.text;
  const declarations = usedPrefixes(text).map((name) => `PREFIX ${name}: <${PREFIXES[name]}>`);
  return declarations.length ? `${declarations.join('\n')}\n${text}` : text;
}
