/**
 * Regular expressions of `graphsFilter` (with `hasRegexGraphsFilter`): one pattern must mean the same
 * thing in every engine that evaluates it —
 * - SPARQL `REGEX(STR(?g), …)` in Virtuoso (PCRE) and in the embedded store (oxigraph: Rust `regex`),
 *   whose standard dialect is XPath's (F&O `fn:matches`),
 * - JavaScript `RegExp` (without flags), which the maintainer uses to test a single graph IRI.
 *
 * Only the common subset is accepted: literal characters, `.`, `^`, `$`, groups `( )` and `(?: )`,
 * `|`, the quantifiers `* + ? {n} {n,} {n,m}` (optionally lazy with `?`), character classes with
 * ranges and escapes, and the escapes `\d \D \s \S \w \W \n \r \t` and `\` before punctuation.
 * Everything else is refused with the reason — look-ahead and look-behind (oxigraph has none, so the
 * filter silently matches nothing there), named groups and back-references, inline flags, `\b`, `\x`,
 * `\u`, `\p{…}` (different or no meaning without JS's `u` flag), POSIX classes and class set
 * operations (`[[:alpha:]]`, `[a-z&&[^b]]`, `--`: literal text in JS), and unescaped `{ } ]` that do
 * not form a quantifier or close a class.
 * (`\d`, `\w`, `\s` are ASCII in JS and PCRE but Unicode-aware in Rust and XPath; graph IRIs are
 * normally ASCII.)
 */

// XPath's single-character escapes, plus `/` (JSON configs often escape it; every engine reads `\/` as `/`).
const PUNCTUATION_ESCAPES = new Set([...'\\/.^$*+?()[]{}|-']);
const CLASS_ESCAPES = new Set([...'dDsSwW']);
const CONTROL_ESCAPES = new Set([...'nrt']);
const QUANTIFIER_BRACES = /^\{(\d+)(,(\d+)?)?\}/;

const EXPLAINED_ESCAPES: Readonly<Record<string, string>> = {
  b: 'the word boundary \\b is not part of the SPARQL (XPath) regex dialect',
  B: '\\B is not part of the SPARQL (XPath) regex dialect',
  x: '\\x escapes are not part of the SPARQL (XPath) regex dialect; write the character itself',
  u: '\\u escapes are not part of the SPARQL (XPath) regex dialect; write the character itself',
  c: '\\c means a control character in JavaScript but an XML name character in XPath',
  p: '\\p{…} needs the JavaScript u flag (without it \\p is the letter p)',
  P: '\\P{…} needs the JavaScript u flag (without it \\P is the letter P)',
  k: 'named back-references (\\k<name>) are not supported by the SPARQL stores',
  f: '\\f is not part of the SPARQL (XPath) regex dialect',
  v: '\\v is not part of the SPARQL (XPath) regex dialect',
  '0': '\\0 is not part of the SPARQL (XPath) regex dialect',
};

function escapeProblem(next: string | undefined, inClass: boolean): string | undefined {
  if (next === undefined) return 'ends with a lone backslash';
  if (PUNCTUATION_ESCAPES.has(next) || CLASS_ESCAPES.has(next) || CONTROL_ESCAPES.has(next)) return undefined;
  if (/[1-9]/.test(next)) return inClass ? `\\${next} inside a character class means different things in JavaScript and the SPARQL stores` : `back-references (\\${next}) are not supported by the SPARQL store (oxigraph)`;
  return EXPLAINED_ESCAPES[next] ?? `the escape \\${next} is not part of the portable regex subset (JavaScript and SPARQL read it differently)`;
}

/** Problems inside `[...]` starting after the `[`; returns the index after `]` or a problem. */
function scanClass(pattern: string, start: number): { end: number } | { problem: string } {
  let index = start;
  if (pattern[index] === '^') index += 1;
  if (pattern[index] === ']') return { problem: `an empty character class "[]" or "[^]" at index ${start - 1} means different things in JavaScript and the SPARQL stores; escape the "]"` };
  for (; index < pattern.length; index += 1) {
    const character = pattern[index]!;
    if (character === ']') return { end: index + 1 };
    if (character === '\\') {
      const problem = escapeProblem(pattern[index + 1], true);
      if (problem) return { problem };
      index += 1;
      continue;
    }
    if (character === '[') return { problem: `"[" inside a character class (index ${index}) starts a nested class or POSIX class in the SPARQL stores but is a literal in JavaScript; escape it as \\[` };
    const pair = pattern.slice(index, index + 2);
    if (pair === '&&' || pair === '--' || pair === '~~') return { problem: `"${pair}" inside a character class (index ${index}) is a set operation in the SPARQL store (oxigraph) but literal text in JavaScript; escape it` };
  }
  return { problem: `the character class opened at index ${start - 1} is never closed` };
}

/**
 * Why `pattern` cannot be used as a graph filter regex, or undefined when it compiles as a JavaScript
 * RegExp and stays within the subset that Virtuoso, oxigraph and JavaScript read alike.
 */
export function graphRegexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index]!;
    switch (character) {
      case '\\': {
        const problem = escapeProblem(pattern[index + 1], false);
        if (problem) return problem;
        index += 1;
        break;
      }
      case '[': {
        const result = scanClass(pattern, index + 1);
        if ('problem' in result) return result.problem;
        index = result.end - 1;
        break;
      }
      case '(': {
        if (pattern[index + 1] !== '?') break;
        const opener = pattern.slice(index, index + 4);
        if (opener.startsWith('(?:')) break;
        if (opener.startsWith('(?=') || opener.startsWith('(?!')) return `look-ahead "${opener.slice(0, 3)}" is not supported by the SPARQL store (oxigraph) and would silently match nothing there`;
        if (opener === '(?<=' || opener === '(?<!') return `look-behind "${opener}" is not supported by the SPARQL store (oxigraph) and would silently match nothing there`;
        if (opener.startsWith('(?<') || opener.startsWith('(?P')) return 'named groups are not part of the SPARQL (XPath) regex dialect; use ( ) or (?: )';
        return `the group syntax "${opener}" (inline flags or extensions) is not part of the portable regex subset`;
      }
      case '{': {
        const match = QUANTIFIER_BRACES.exec(pattern.slice(index));
        if (!match) return `"{" at index ${index} does not start a quantifier {n}, {n,} or {n,m}; escape it as \\{`;
        if (match[3] !== undefined && Number(match[3]) < Number(match[1])) return `the quantifier ${match[0]} has its bounds out of order`;
        index += match[0].length - 1;
        break;
      }
      case '}':
        return `unescaped "}" at index ${index}; escape it as \\}`;
      case ']':
        return `unescaped "]" at index ${index}; escape it as \\]`;
      default:
        break;
    }
  }
  return undefined;
}
