/*
 * V8's JSON.parse messages only sometimes include a position ("Unexpected token '}', ... is not
 * valid JSON" has none), so config errors locate the first syntax error themselves.
 */

export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

class SyntaxErrorAt extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const ESCAPABLE = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /[0-9a-fA-F]{4}/y;

/** The line, column (both 1-based) and nature of the first JSON syntax error in `text`, or `undefined` if it is valid JSON. */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new JsonScanner(text).document();
    return undefined;
  } catch (error) {
    if (!(error instanceof SyntaxErrorAt)) throw error;
    return { ...lineAndColumn(text, error.index), message: error.message };
  }
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: index - lineStart + 1 };
}

class JsonScanner {
  private index = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    this.skipWhitespace();
    if (this.index < this.text.length) this.fail('expected the end of the document');
  }

  private value(): void {
    this.skipWhitespace();
    const character = this.text[this.index];
    if (character === '{') this.object();
    else if (character === '[') this.array();
    else if (character === '"') this.string();
    else if (character === '-' || (character !== undefined && character >= '0' && character <= '9')) this.number();
    else if (character === 't' || character === 'f' || character === 'n') this.literal();
    else this.fail('expected a value');
  }

  private object(): void {
    this.index++;
    this.skipWhitespace();
    if (this.text[this.index] === '}') return void this.index++;
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.index] !== '"') this.fail('expected a double-quoted property name');
      this.string();
      this.skipWhitespace();
      if (this.text[this.index] !== ':') this.fail("expected ':' after the property name");
      this.index++;
      this.value();
      this.skipWhitespace();
      if (this.text[this.index] === '}') return void this.index++;
      if (this.text[this.index] !== ',') this.fail("expected ',' or '}' after the property value");
      this.index++;
    }
  }

  private array(): void {
    this.index++;
    this.skipWhitespace();
    if (this.text[this.index] === ']') return void this.index++;
    for (;;) {
      this.value();
      this.skipWhitespace();
      if (this.text[this.index] === ']') return void this.index++;
      if (this.text[this.index] !== ',') this.fail("expected ',' or ']' after the array element");
      this.index++;
    }
  }

  private string(): void {
    this.index++;
    for (;;) {
      const character = this.text[this.index];
      if (character === undefined) this.fail('unterminated string');
      else if (character === '"') return void this.index++;
      else if (character < ' ') this.fail('unescaped control character in string');
      else if (character === '\\') this.escape();
      else this.index++;
    }
  }

  private escape(): void {
    const escaped = this.text[this.index + 1];
    if (escaped === 'u') {
      HEX4.lastIndex = this.index + 2;
      if (!HEX4.test(this.text)) this.fail('invalid \\u escape in string');
      this.index += 6;
    } else if (escaped !== undefined && ESCAPABLE.has(escaped)) {
      this.index += 2;
    } else {
      this.fail('invalid escape in string');
    }
  }

  private number(): void {
    NUMBER.lastIndex = this.index;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail('invalid number');
    else this.index += match[0].length;
  }

  private literal(): void {
    const word = ['true', 'false', 'null'].find((candidate) => this.text.startsWith(candidate, this.index));
    if (word === undefined) this.fail('expected a value');
    else this.index += word.length;
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.index;
    WHITESPACE.test(this.text);
    this.index = WHITESPACE.lastIndex;
  }

  private fail(message: string): never {
    const found = this.text[this.index];
    const detail = found === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(found)}`;
    throw new SyntaxErrorAt(this.index, `${detail}, ${message}`);
  }
}
