import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, locateJsonSyntaxError, readJsonFile } from '../../../src/config/index.js';

describe('readJsonFile', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'read-json-file-'));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function writeFile(name: string, content: string): string {
    const filePath = join(directory, name);
    writeFileSync(filePath, content);
    return filePath;
  }

  function problemsOf(action: () => unknown) {
    try {
      action();
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }

  it('parses a JSON file, ignoring a byte-order mark', () => {
    expect(readJsonFile(writeFile('config.json', '\uFEFF{"streams": [1, 2]}'))).toEqual({ streams: [1, 2] });
  });

  it('names a missing file', () => {
    const missing = join(directory, 'missing.json');
    expect(problemsOf(() => readJsonFile(missing))).toEqual([{ path: missing, message: 'file not found' }]);
  });

  it('gives undefined for a missing optional file', () => {
    expect(readJsonFile(join(directory, 'missing.json'), { optional: true })).toBeUndefined();
  });

  it('still fails on invalid JSON in an optional file', () => {
    const filePath = writeFile('optional-bad.json', '{');
    expect(problemsOf(() => readJsonFile(filePath, { optional: true }))).toHaveLength(1);
  });

  it('reports a directory as unreadable', () => {
    expect(problemsOf(() => readJsonFile(directory))).toEqual([{ path: directory, message: expect.stringContaining('cannot read file') }]);
  });

  it('names the file and the line and column of the syntax error', () => {
    const filePath = writeFile('bad.json', '{\n  "streams": [\n    { "name": "a" }\n    { "name": "b" }\n  ]\n}\n');
    expect(problemsOf(() => readJsonFile(filePath))).toEqual([
      { path: filePath, message: `invalid JSON at line 4, column 5: unexpected "{", expected ',' or ']' after the array element` },
    ]);
  });
});

describe('locateJsonSyntaxError', () => {
  it.each([
    ['{"a": }', 1, 7, 'expected a value'],
    ['{"a": 1,}', 1, 9, 'expected a double-quoted property name'],
    ['', 1, 1, 'unexpected end of input, expected a value'],
    ['{"a" 1}', 1, 6, "expected ':'"],
    ['[1, 2', 1, 6, 'unexpected end of input'],
    ['"abc', 1, 5, 'unterminated string'],
    ['{"a": tru}', 1, 7, 'expected a value'],
    ['{}\nx', 2, 1, 'expected the end of the document'],
    ['"\\x"', 1, 2, 'invalid escape'],
    ['"\\u12"', 1, 2, 'invalid \\u escape'],
    ['"a\nb"', 1, 3, 'unescaped control character'],
    ['01', 1, 2, 'expected the end of the document'],
  ])('locates the error in %j at %i:%i', (text, line, column, message) => {
    expect(locateJsonSyntaxError(text)).toEqual({ line, column, message: expect.stringContaining(message) });
  });

  it.each(['{}', '[]', '0', '-1.5e+3', '"\\u00e4\\n"', ' { "a" : [ true , false , null ] } ', '"ä"'])('finds no error in %j', (text) => {
    expect(locateJsonSyntaxError(text)).toBeUndefined();
  });
});
