/**
 * RDF terms: conversion between delta/SPARQL-JSON terms, RDF/JS terms and SPARQL/N-Triples text.
 * This is the suite's one escaper: every term that reaches a query goes through `termToSparql`.
 *
 * Policies (docs/rdf-terms.md):
 * - IRIs must be absolute and contain no character outside SPARQL's IRIREF production; anything else
 *   is a TermError, never written into a query.
 * - `xsd:string`: a literal typed `xsd:string` is the plain string (RDF 1.1). The suite writes it
 *   without datatype everywhere (SPARQL, delta files, dumps) because Virtuoso tells them apart.
 * - Language tags are read from `xml:lang` (SPARQL-JSON) or `lang` and written as `xml:lang`.
 * - Blank nodes can be read from results but are never written into a query (mu-authorization refuses
 *   them in update templates); `termToSparql` throws BlankNodeError for them.
 */
import factory from '@rdfjs/data-model';
import type { BlankNode, Literal, NamedNode, Quad, Term } from '@rdfjs/types';
import { RDF, XSD } from '../vocabulary.js';

export type { BlankNode, Literal, NamedNode, Quad, Term };

export class TermError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'TermError';
  }
}

export class BlankNodeError extends TermError {
  constructor(path?: string) {
    super('blank nodes cannot be written into SPARQL (skolemise them first)', path);
    this.name = 'BlankNodeError';
  }
}

/** A term as found in SPARQL-JSON results and delta messages (input: every variant is accepted). */
export type JsonTerm =
  | { type: 'uri'; value: string }
  | { type: 'literal'; value: string; datatype?: string; 'xml:lang'?: string; lang?: string }
  | { type: 'typed-literal'; value: string; datatype: string }
  | { type: 'bnode'; value: string };

/** A term as the suite writes it (delta messages, delta files): never a blank node, tag as `xml:lang`. */
export type DeltaTerm =
  | { type: 'uri'; value: string }
  | { type: 'literal'; value: string; datatype?: string; 'xml:lang'?: string }
  | { type: 'typed-literal'; value: string; datatype: string };

export interface JsonQuad<T = JsonTerm> {
  subject: T;
  predicate: T;
  object: T;
  graph?: T;
}

// Characters excluded from IRIREF by the SPARQL/N-Triples grammar: <>"{}|^`\ and U+0000–U+0020.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IRI_CHAR = /[<>"{}|^`\\\u0000-\u0020]/;
const IRI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

function describeChar(char: string): string {
  const code = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return char.trim() === '' || char < ' ' ? `U+${code}` : `'${char}' (U+${code})`;
}

/** Returns the IRI if it may be written as `<iri>`; throws TermError naming the problem otherwise. */
export function validateIri(value: unknown, path?: string): string {
  if (typeof value !== 'string') throw new TermError(`IRI must be a string, got ${typeof value}`, path);
  if (value === '') throw new TermError('IRI is empty', path);
  const bad = FORBIDDEN_IRI_CHAR.exec(value);
  if (bad) throw new TermError(`IRI contains ${describeChar(bad[0])}, which is not allowed in an IRI: ${JSON.stringify(value.slice(0, 200))}`, path);
  if (!IRI_SCHEME.test(value)) throw new TermError(`IRI is not absolute (no scheme): ${JSON.stringify(value.slice(0, 200))}`, path);
  if (!value.isWellFormed()) throw new TermError('IRI contains a lone surrogate (invalid Unicode)', path);
  return value;
}

export function isValidIri(value: unknown): value is string {
  try {
    validateIri(value);
    return true;
  } catch {
    return false;
  }
}

export function validateLanguageTag(tag: unknown, path?: string): string {
  if (typeof tag !== 'string' || !LANGUAGE_TAG.test(tag)) {
    throw new TermError(`invalid language tag ${JSON.stringify(tag)}`, path);
  }
  return tag;
}

function checkLexical(value: unknown, path?: string): string {
  if (typeof value !== 'string') throw new TermError(`literal value must be a string, got ${typeof value}`, path);
  if (!value.isWellFormed()) throw new TermError('literal contains a lone surrogate (invalid Unicode)', path);
  return value;
}

/** A validated named node. */
export function namedNode(iri: string, path?: string): NamedNode {
  return factory.namedNode(validateIri(iri, path));
}

/** A literal: plain (`xsd:string` collapses to plain), language-tagged or typed. */
export function literal(value: string, languageOrDatatype?: string | NamedNode, path?: string): Literal {
  checkLexical(value, path);
  if (languageOrDatatype === undefined) return factory.literal(value);
  if (typeof languageOrDatatype === 'string') return factory.literal(value, validateLanguageTag(languageOrDatatype, path));
  validateIri(languageOrDatatype.value, path);
  if (languageOrDatatype.value === XSD.string) return factory.literal(value);
  return factory.literal(value, languageOrDatatype);
}

export function blankNode(id: string): BlankNode {
  return factory.blankNode(id);
}

export function quad(subject: Quad['subject'], predicate: Quad['predicate'], object: Quad['object'], graph?: Quad['graph']): Quad {
  return factory.quad(subject, predicate, object, graph ?? factory.defaultGraph());
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a SPARQL-JSON / delta term, validating it. `path` names the term in error messages. */
export function termFromJson(json: unknown, path?: string): NamedNode | Literal | BlankNode {
  if (!isObject(json)) throw new TermError('term must be an object with "type" and "value"', path);
  const { type, value } = json;
  switch (type) {
    case 'uri':
      return namedNode(value as string, path);
    case 'bnode':
      if (typeof value !== 'string' || value === '') throw new TermError('blank node needs a non-empty string value', path);
      return factory.blankNode(value);
    case 'literal':
    case 'typed-literal': {
      const lexical = checkLexical(value, path);
      const datatype = json.datatype;
      const language = json['xml:lang'] ?? json.lang;
      if (datatype !== undefined && datatype !== RDF.langString && language !== undefined) {
        throw new TermError('literal carries both a datatype and a language tag', path);
      }
      if (language !== undefined) return literal(lexical, validateLanguageTag(language, path), path);
      if (datatype !== undefined) {
        if (datatype === RDF.langString) throw new TermError('rdf:langString literal without a language tag', path);
        return literal(lexical, namedNode(datatype as string, path), path);
      }
      if (type === 'typed-literal') throw new TermError('typed-literal without datatype', path);
      return factory.literal(lexical);
    }
    default:
      throw new TermError(`unknown term type ${JSON.stringify(type)} (expected uri, literal, typed-literal or bnode)`, path);
  }
}

export function quadFromJson(json: unknown, path?: string, defaultGraph?: NamedNode): Quad {
  if (!isObject(json)) throw new TermError('triple must be an object with subject, predicate and object', path);
  const at = (key: string) => (path ? `${path}.${key}` : key);
  const subject = termFromJson(json.subject, at('subject'));
  if (subject.termType === 'Literal') throw new TermError('a literal cannot be a subject', at('subject'));
  const predicate = termFromJson(json.predicate, at('predicate'));
  if (predicate.termType !== 'NamedNode') throw new TermError('predicate must be an IRI', at('predicate'));
  const object = termFromJson(json.object, at('object'));
  let graph: Quad['graph'] = defaultGraph ?? factory.defaultGraph();
  if (json.graph !== undefined) {
    const parsed = termFromJson(json.graph, at('graph'));
    if (parsed.termType !== 'NamedNode') throw new TermError('graph must be an IRI', at('graph'));
    graph = parsed;
  }
  return factory.quad(subject, predicate, object, graph);
}

export interface TermToJsonOptions {
  /** Write datatyped literals as `typed-literal` (the delta-file example form) instead of `literal`. */
  typedLiteral?: boolean;
}

/** Writes a term in the form delta messages and delta files carry. Throws for blank nodes. */
export function termToJson(term: Term, options: TermToJsonOptions = {}): DeltaTerm {
  switch (term.termType) {
    case 'NamedNode':
      return { type: 'uri', value: term.value };
    case 'Literal': {
      const literalTerm = term as Literal;
      if (literalTerm.language) return { type: 'literal', value: literalTerm.value, 'xml:lang': literalTerm.language };
      const datatype = literalTerm.datatype.value;
      if (datatype === XSD.string) return { type: 'literal', value: literalTerm.value };
      return options.typedLiteral ? { type: 'typed-literal', value: literalTerm.value, datatype } : { type: 'literal', value: literalTerm.value, datatype };
    }
    case 'BlankNode':
      throw new BlankNodeError();
    default:
      throw new TermError(`cannot write a ${term.termType} as a delta term`);
  }
}

export function quadToJson(q: Quad, options: TermToJsonOptions = {}): JsonQuad<DeltaTerm> {
  const result: JsonQuad<DeltaTerm> = {
    subject: termToJson(q.subject, options),
    predicate: termToJson(q.predicate, options),
    object: termToJson(q.object, options),
  };
  if (q.graph.termType === 'NamedNode') result.graph = termToJson(q.graph, options);
  return result;
}

const STRING_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001F\u007F]/g;

/**
 * A string as a SPARQL / N-Triples short literal `"…"`. Quotes, backslashes, CR, LF and tab get
 * ECHAR escapes; other control characters `\uXXXX` (never a quote or backslash, so the SPARQL
 * pre-parse codepoint unescaping cannot end the string early). Everything else is written as is.
 */
export function escapeStringLiteral(value: string): string {
  checkLexical(value);
  return `"${value.replace(NEEDS_ESCAPE, (char) => STRING_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)}"`;
}

/** The term as SPARQL text (`<iri>`, `"lit"@tag`, `"lit"^^<dt>`). Throws for blank nodes and variables. */
export function termToSparql(term: Term): string {
  switch (term.termType) {
    case 'NamedNode':
      return `<${validateIri(term.value)}>`;
    case 'Literal': {
      const literalTerm = term as Literal;
      const lexical = escapeStringLiteral(literalTerm.value);
      if (literalTerm.language) return `${lexical}@${validateLanguageTag(literalTerm.language)}`;
      const datatype = literalTerm.datatype.value;
      return datatype === XSD.string ? lexical : `${lexical}^^<${validateIri(datatype)}>`;
    }
    case 'BlankNode':
      throw new BlankNodeError();
    default:
      throw new TermError(`cannot write a ${term.termType} into SPARQL`);
  }
}

/** N-Triples form of a term; the key used for term identity (blank nodes as `_:id`). */
export function termToNTriples(term: Term): string {
  if (term.termType === 'BlankNode') return `_:${term.value}`;
  if (term.termType === 'DefaultGraph') return '';
  return termToSparql(term);
}

/** One N-Quads line without the trailing newline. */
export function quadToNQuads(q: Quad): string {
  const graph = q.graph.termType === 'DefaultGraph' ? '' : ` ${termToNTriples(q.graph)}`;
  return `${termToNTriples(q.subject)} ${termToNTriples(q.predicate)} ${termToNTriples(q.object)}${graph} .`;
}

/** The triple part of a quad as SPARQL (`s p o .`). */
export function tripleToSparql(q: Quad): string {
  return `${termToSparql(q.subject)} ${termToSparql(q.predicate)} ${termToSparql(q.object)} .`;
}

/** Quads as the body of INSERT DATA / DELETE DATA: grouped per graph in `GRAPH <g> { … }` blocks. */
export function quadsToSparqlData(quads: Iterable<Quad>): string {
  const byGraph = new Map<string, string[]>();
  for (const q of quads) {
    if (q.graph.termType !== 'NamedNode') throw new TermError('quads written by the suite must name their graph');
    const key = termToSparql(q.graph);
    let lines = byGraph.get(key);
    if (!lines) byGraph.set(key, (lines = []));
    lines.push(tripleToSparql(q));
  }
  return [...byGraph].map(([graph, lines]) => `GRAPH ${graph} {\n${lines.join('\n')}\n}`).join('\n');
}
