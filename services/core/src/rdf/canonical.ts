/**
 * Canonical keys: one comparison rule for terms everywhere (live diffs, healing, files).
 * Stores such as Virtuoso keep values, not lexical forms (`…00Z` reads back as `…00.000Z`, `+01` as
 * `1`, `1.50` as `1.5`), so two literals that are equal as values must get the same key.
 * Keys are N-Triples text of the canonical term; language tags are lower-cased (RDF compares them
 * case-insensitively).
 */
import factory from '@rdfjs/data-model';
import type { Literal, Quad, Term } from '@rdfjs/types';
import { XSD } from '../vocabulary.js';
import { termToNTriples } from './terms.js';

const XSD_NS = 'http://www.w3.org/2001/XMLSchema#';
const INTEGER_TYPES = new Set(
  ['integer', 'int', 'long', 'short', 'byte', 'nonNegativeInteger', 'nonPositiveInteger', 'negativeInteger', 'positiveInteger', 'unsignedLong', 'unsignedInt', 'unsignedShort', 'unsignedByte'].map(
    (name) => XSD_NS + name,
  ),
);
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function canonicalInteger(value: string): string | undefined {
  return INTEGER.test(value.trim()) ? BigInt(value.trim()).toString() : undefined;
}

function canonicalDecimal(value: string): string | undefined {
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const negative = trimmed.startsWith('-');
  const unsigned = trimmed.replace(/^[+-]/, '');
  const [whole = '', fraction = ''] = unsigned.split('.');
  const intPart = whole.replace(/^0+(?=\d)/, '') || '0';
  const fracPart = fraction.replace(/0+$/, '');
  const body = fracPart ? `${intPart}.${fracPart}` : intPart;
  return negative && body !== '0' ? `-${body}` : body;
}

function canonicalDouble(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === 'INF' || trimmed === '+INF') return 'INF';
  if (trimmed === '-INF') return '-INF';
  if (trimmed === 'NaN') return 'NaN';
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number.toExponential() : undefined;
}

/**
 * dateTime with a time zone → the instant in ISO form with the sub-second digits kept (up to ns),
 * trailing zeros dropped. Without a time zone the value is not an instant: keep it as written.
 */
function canonicalDateTime(value: string): string | undefined {
  const trimmed = value.trim();
  const match = DATE_TIME.exec(trimmed);
  if (!match) return undefined;
  const fraction = (match[1] ?? '').slice(1);
  const millis = Date.parse(trimmed.replace(/\.\d+/, ''));
  if (Number.isNaN(millis)) return undefined;
  const base = new Date(millis).toISOString().slice(0, 19);
  const digits = fraction.replace(/0+$/, '');
  return `${base}${digits ? `.${digits}` : ''}Z`;
}

function canonicalBoolean(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === 'true' || trimmed === '1') return 'true';
  if (trimmed === 'false' || trimmed === '0') return 'false';
  return undefined;
}

/** The canonical lexical form of a typed literal's value, or undefined when it is not a valid value. */
export function canonicalLexical(value: string, datatype: string): string | undefined {
  if (INTEGER_TYPES.has(datatype)) return canonicalInteger(value);
  switch (datatype) {
    case XSD.decimal:
      return canonicalDecimal(value);
    case XSD.double:
    case XSD.float:
      return canonicalDouble(value);
    case XSD.dateTime:
      return canonicalDateTime(value);
    case XSD.boolean:
      return canonicalBoolean(value);
    default:
      return undefined;
  }
}

/** The term with a canonical lexical form (language tag lower-cased); other terms unchanged. */
export function canonicalTerm<T extends Term>(term: T): T {
  if (term.termType !== 'Literal') return term;
  const literalTerm = term as unknown as Literal;
  if (literalTerm.language) {
    const lower = literalTerm.language.toLowerCase();
    return (lower === literalTerm.language ? term : factory.literal(literalTerm.value, lower)) as unknown as T;
  }
  const canonical = canonicalLexical(literalTerm.value, literalTerm.datatype.value);
  if (canonical === undefined || canonical === literalTerm.value) return term;
  return factory.literal(canonical, literalTerm.datatype) as unknown as T;
}

/** Key for term identity by value. */
export function canonicalTermKey(term: Term): string {
  return termToNTriples(canonicalTerm(term));
}

/** Key for triple identity by value (graph ignored). */
export function canonicalTripleKey(q: Quad): string {
  return `${canonicalTermKey(q.subject)} ${canonicalTermKey(q.predicate)} ${canonicalTermKey(q.object)}`;
}

/** Key for quad identity by value. */
export function canonicalQuadKey(q: Quad): string {
  return `${canonicalTripleKey(q)} ${q.graph.termType === 'DefaultGraph' ? '' : canonicalTermKey(q.graph)}`;
}
