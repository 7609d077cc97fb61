/**
 * SPARQL 1.1 JSON results: whole documents and an incremental scanner for huge SELECT results.
 *
 * Terms are read with `termFromJson` (validated; `typed-literal`, `xml:lang`, `lang` and `bnode`
 * accepted, B1 #8).
 *
 * Why not sparql-http-client's StreamClient/ResultParser for streaming: (1) it drops rows without
 * bindings (`{}`), which are real rows and break row counts and truncation checks; (2) its JSON parser
 * (@bergos/jsonparse) keeps every parsed row in its document tree, so memory grows with the result;
 * (3) it builds terms without validation. The scanner below keeps only the row being read.
 */
import type { Term } from '@rdfjs/types';
import { termFromJson } from '../rdf/terms.js';

/** One row of a SELECT result as RDF/JS terms, keyed by variable name (unbound variables absent). */
export type Bindings = Record<string, Term>;

/** One row as SPARQL-JSON terms. */
export type JsonBindings = Record<string, unknown>;

export class SparqlResultFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SparqlResultFormatError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Converts one SPARQL-JSON row; `index` names the row in errors. */
export function bindingsFromJson(row: JsonBindings, index?: number): Bindings {
  if (!isObject(row)) throw new SparqlResultFormatError(`result row ${index ?? ''} is not an object`);
  const result: Bindings = {};
  for (const [name, value] of Object.entries(row)) {
    result[name] = termFromJson(value, `results.bindings[${index ?? '?'}].${name}`);
  }
  return result;
}

export interface ParsedSelect {
  vars: string[];
  bindings: JsonBindings[];
}

/** Parses a SELECT document (head.vars optional, results.bindings required). */
export function parseSelectJson(text: string): ParsedSelect {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new SparqlResultFormatError(`SELECT answer is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(document) || !isObject(document.results) || !Array.isArray(document.results.bindings)) {
    throw new SparqlResultFormatError('SELECT answer has no results.bindings array');
  }
  const head = isObject(document.head) ? document.head : {};
  const vars = Array.isArray(head.vars) ? head.vars.filter((name): name is string => typeof name === 'string') : [];
  return { vars, bindings: document.results.bindings as JsonBindings[] };
}

/** Parses an ASK document. */
export function parseAskJson(text: string): boolean {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new SparqlResultFormatError(`ASK answer is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(document) || typeof document.boolean !== 'boolean') throw new SparqlResultFormatError('ASK answer has no boolean');
  return document.boolean;
}

interface Frame {
  kind: 'object' | 'array';
  /** Key under which this container sits in its parent object. */
  key?: string;
}

/**
 * Incremental scanner for a SPARQL-JSON SELECT document. Feed decoded text with `push` (any split,
 * even inside a string or an escape); it returns the rows completed so far as parsed JSON. Memory is
 * bounded by the largest single row. `end()` checks that the document was complete.
 */
export class SelectJsonScanner {
  private readonly stack: Frame[] = [];
  private inString = false;
  private escaped = false;
  private stringIsKey = false;
  private keyText = '';
  private pendingKey: string | undefined;
  private expectKey = false;
  private started = false;
  private finished = false;
  private sawBindings = false;
  /** Captured text of the row being read (or of `head`). */
  private capture: { parts: string[]; depth: number; target: 'row' | 'head' } | undefined;
  private headVars: string[] | undefined;
  rows = 0;

  /** Variables from `head.vars`, once read. */
  get vars(): string[] | undefined {
    return this.headVars;
  }

  push(text: string): JsonBindings[] {
    const out: JsonBindings[] = [];
    let captureFrom = this.capture ? 0 : -1;
    for (let i = 0; i < text.length; i += 1) {
      const char = text[i]!;
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          if (this.stringIsKey) this.keyText += char;
        } else if (char === '\\') {
          this.escaped = true;
          if (this.stringIsKey) this.keyText += char;
        } else if (char === '"') {
          this.inString = false;
          if (this.stringIsKey) {
            this.pendingKey = JSON.parse(`"${this.keyText}"`) as string;
            this.stringIsKey = false;
          }
        } else if (this.stringIsKey) {
          this.keyText += char;
        }
        continue;
      }
      switch (char) {
        case ' ':
        case '\n':
        case '\r':
        case '\t':
          break;
        case '"':
          this.inString = true;
          this.stringIsKey = this.top()?.kind === 'object' && this.expectKey;
          this.keyText = '';
          break;
        case ':':
          this.expectKey = false;
          break;
        case ',':
          if (this.top()?.kind === 'object') {
            this.expectKey = true;
            this.pendingKey = undefined;
          }
          break;
        case '{':
        case '[': {
          if (this.finished) throw new SparqlResultFormatError('data after the end of the SELECT answer');
          if (!this.started) {
            if (char !== '{') throw new SparqlResultFormatError('SELECT answer is not a JSON object');
            this.started = true;
          }
          const parent = this.top();
          const key = parent?.kind === 'object' ? this.pendingKey : undefined;
          const depth = this.stack.length;
          if (!this.capture) {
            if (char === '[' && key === 'bindings' && depth === 2 && this.stack[1]?.key === 'results') this.sawBindings = true;
            if (char === '{' && depth === 3 && parent?.kind === 'array' && this.isBindingsArray()) {
              this.capture = { parts: [], depth: depth + 1, target: 'row' };
              captureFrom = i;
            } else if (char === '{' && depth === 1 && key === 'head') {
              this.capture = { parts: [], depth: depth + 1, target: 'head' };
              captureFrom = i;
            }
          }
          this.stack.push({ kind: char === '{' ? 'object' : 'array', key });
          this.expectKey = char === '{';
          this.pendingKey = undefined;
          break;
        }
        case '}':
        case ']': {
          const frame = this.stack.pop();
          if (!frame || frame.kind !== (char === '}' ? 'object' : 'array')) throw new SparqlResultFormatError(`unbalanced '${char}' in SELECT answer`);
          if (this.capture && this.stack.length === this.capture.depth - 1) {
            this.capture.parts.push(text.slice(captureFrom, i + 1));
            this.finishCapture(out);
            captureFrom = -1;
          }
          if (this.stack.length === 0) this.finished = true;
          this.expectKey = false;
          this.pendingKey = undefined;
          break;
        }
        default:
          if (!this.started) throw new SparqlResultFormatError('SELECT answer is not a JSON object');
          if (this.finished) throw new SparqlResultFormatError('data after the end of the SELECT answer');
      }
    }
    if (this.capture && captureFrom >= 0) this.capture.parts.push(text.slice(captureFrom));
    return out;
  }

  /** Throws unless a complete document with `results.bindings` was read. */
  end(): void {
    if (!this.finished || this.inString) throw new SparqlResultFormatError('SELECT answer ended early (incomplete JSON)');
    if (!this.sawBindings) throw new SparqlResultFormatError('SELECT answer has no results.bindings array');
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  private isBindingsArray(): boolean {
    return this.stack.length === 3 && this.stack[1]?.key === 'results' && this.stack[2]?.key === 'bindings';
  }

  private finishCapture(out: JsonBindings[]): void {
    const capture = this.capture!;
    this.capture = undefined;
    let value: unknown;
    try {
      value = JSON.parse(capture.parts.join(''));
    } catch (error) {
      throw new SparqlResultFormatError(`invalid JSON in SELECT answer: ${(error as Error).message}`);
    }
    if (capture.target === 'head') {
      const vars = isObject(value) ? value.vars : undefined;
      this.headVars = Array.isArray(vars) ? vars.filter((name): name is string => typeof name === 'string') : undefined;
      return;
    }
    this.rows += 1;
    out.push(value as JsonBindings);
  }
}
