/**
 * sparqljs's lexer overflows the stack on string literals of about 1 MB (docs/rdf-terms.md). Before
 * parsing, long string literals are cut out of the text and replaced by short placeholder literals;
 * after parsing, the placeholders in the syntax tree are replaced by the real values. Language tags and
 * datatypes follow the literal in the text, so they stay where they are and are kept.
 */
import { randomUUID } from 'node:crypto';

/** Literals longer than this (in characters of source text) are taken out before parsing. */
export const LONG_LITERAL_THRESHOLD = 8 * 1024;

// eslint-disable-next-line no-control-regex -- IRIREF excludes U+0000–U+0020
const IRI_REF = /<[^<>"{}|^`\\\u0000-\u0020]*>/y;
const ECHAR: Record<string, string> = { t: '\t', b: '\b', n: '\n', r: '\r', f: '\f', '"': '"', "'": "'", '\\': '\\' };

/** The value of a SPARQL string literal's body (between the quotes): ECHAR and UCHAR escapes decoded. */
export function unescapeSparqlString(body: string): string {
  return body.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/gs, (whole, u4: string | undefined, u8: string | undefined, char: string | undefined) => {
    if (u4 ?? u8) return String.fromCodePoint(parseInt((u4 ?? u8)!, 16));
    const decoded = char === undefined ? undefined : ECHAR[char];
    if (decoded === undefined) throw new SyntaxError(`invalid escape ${whole} in a string literal`);
    return decoded;
  });
}

export interface ExtractedLiterals {
  text: string;
  /** Placeholder value → real value. */
  values: Map<string, string>;
}

/** Replaces string literals longer than the threshold by placeholders; other text is left untouched. */
export function extractLongLiterals(text: string, threshold = LONG_LITERAL_THRESHOLD): ExtractedLiterals {
  const values = new Map<string, string>();
  if (text.length < threshold) return { text, values };
  const token = randomUUID();
  let output = '';
  let copiedUpTo = 0;
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '#') {
      const end = text.indexOf('\n', index);
      index = end === -1 ? text.length : end + 1;
      continue;
    }
    if (char === '<') {
      IRI_REF.lastIndex = index;
      index = IRI_REF.test(text) ? IRI_REF.lastIndex : index + 1;
      continue;
    }
    if (char !== '"' && char !== "'") {
      index += 1;
      continue;
    }
    const long = text.startsWith(char.repeat(3), index);
    const quote = long ? char.repeat(3) : char;
    const bodyStart = index + quote.length;
    let cursor = bodyStart;
    while (cursor < text.length && !text.startsWith(quote, cursor)) cursor += text[cursor] === '\\' ? 2 : 1;
    if (cursor >= text.length) break; // unterminated: leave it to the parser's error
    const body = text.slice(bodyStart, cursor);
    index = cursor + quote.length;
    if (body.length <= threshold) continue;
    const placeholder = `dp-long-literal-${token}-${values.size}`;
    values.set(placeholder, unescapeSparqlString(body));
    output += `${text.slice(copiedUpTo, bodyStart - quote.length)}"${placeholder}"`;
    copiedUpTo = index;
  }
  return values.size === 0 ? { text, values } : { text: output + text.slice(copiedUpTo), values };
}

interface LiteralLike {
  termType: 'Literal';
  value: string;
}

/** Puts the real values back into a parsed syntax tree (in place), keeping tags and datatypes. */
export function restoreLongLiterals<T>(tree: T, values: Map<string, string>): T {
  if (values.size === 0) return tree;
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      node.forEach((item, position) => (node[position] = visit(item)));
      return node;
    }
    if (typeof node !== 'object' || node === null) return node;
    const term = node as Partial<LiteralLike>;
    if (term.termType === 'Literal' && typeof term.value === 'string' && values.has(term.value)) {
      // Keep sparqljs's own term object (its class and fields); only the value changes.
      (term as { value: string }).value = values.get(term.value)!;
      return term;
    }
    for (const key of Object.keys(node)) (node as Record<string, unknown>)[key] = visit((node as Record<string, unknown>)[key]);
    return node;
  };
  return visit(tree) as T;
}
