import fc from 'fast-check';
import { z } from 'zod';
import {
  booleanish,
  byteSize,
  describeCharacter,
  httpUrl,
  integerish,
  invalidIriReason,
  iri,
  nonEmptyString,
  numberish,
  urlPathSegment,
} from '../../../src/config/index.js';

function issueMessages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('booleanish', () => {
  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
    ['TRUE', true],
    ['False', false],
    ['  true\n', true],
  ])('reads %j as %j', (input, expected) => {
    expect(booleanish.parse(input)).toBe(expected);
  });

  it.each(['yes', 'no', '1', '0', '', 1, 0, null, {}])('rejects %j', (input) => {
    expect(issueMessages(booleanish, input)).toEqual([expect.stringMatching(/^expected true or false, got /)]);
  });

  it('shows the rejected value', () => {
    expect(issueMessages(booleanish, 'yes')).toEqual(['expected true or false, got "yes"']);
    expect(issueMessages(booleanish, 1)).toEqual(['expected true or false, got number 1']);
  });
});

describe('numberish', () => {
  it.each([
    [0, 0],
    ['0', 0],
    ['1000', 1000],
    [' 42 ', 42],
    ['-1.5', -1.5],
    ['1e3', 1000],
    [2.5, 2.5],
  ])('reads %j as %j', (input, expected) => {
    expect(numberish.parse(input)).toBe(expected);
  });

  it.each(['1000ms', '', '   ', 'NaN', 'Infinity', '0x10', '1,000', NaN, Infinity, true, null])('rejects %j', (input) => {
    expect(issueMessages(numberish, input)).toHaveLength(1);
  });

  it('reads back every finite number written with String()', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(numberish.parse(String(value))).toBe(Object.is(value, -0) ? 0 : value);
      }),
    );
  });
});

describe('integerish', () => {
  const port = integerish({ min: 0, max: 65535 });

  it('accepts 0 and the bounds', () => {
    expect(port.parse('0')).toBe(0);
    expect(port.parse(0)).toBe(0);
    expect(port.parse('65535')).toBe(65535);
  });

  it('rejects fractions and values out of range, saying why', () => {
    expect(issueMessages(port, '1.5')).toEqual(['expected an integer, got "1.5"']);
    expect(issueMessages(port, -1)).toEqual(['must be at least 0, got -1']);
    expect(issueMessages(port, '70000')).toEqual(['must be at most 65535, got 70000']);
    expect(issueMessages(port, '80ms')).toEqual(['expected a number, got "80ms"']);
  });
});

describe('byteSize', () => {
  it.each([
    [0, 0],
    ['100kb', 102_400],
    ['1MB', 1_048_576],
    ['512', 512],
    ['1.5kb', 1536],
  ])('reads %j as %j bytes', (input, expected) => {
    expect(byteSize.parse(input)).toBe(expected);
  });

  it.each(['', 'big', '10 parsecs', -1, 1.5])('rejects %j', (input) => {
    expect(issueMessages(byteSize, input)).toHaveLength(1);
  });
});

describe('iri', () => {
  it.each(['http://example.org/a#b', 'urn:uuid:6b7a0c8e-1f0e-4b0e-9d55-2b5c1a4d2f3e', 'http://例え.jp/ä', 'mailto:someone@example.org'])(
    'accepts %s',
    (value) => {
      expect(iri.parse(value)).toBe(value);
    },
  );

  it.each([
    ['http://example.org/a b', 'a space (U+0020)'],
    ['http://example.org/a>b', "'>'"],
    ['http://example.org/a<b', "'<'"],
    ['http://example.org/"quoted"', `'"'`],
    ['http://example.org/{id}', "'{'"],
    ['http://example.org/a\nb', 'a line feed (U+000A)'],
    ['http://example.org/a\tb', 'a tab (U+0009)'],
    ['http://example.org/a|b', "'|'"],
    ['http://example.org/a^b', "'^'"],
    ['http://example.org/a`b', "'`'"],
    ['http://example.org/a\\b', "'\\'"],
    ['http://example.org/\u0001', 'a control character (U+0001)'],
  ])('rejects %j, naming %s', (value, characterName) => {
    const [message] = issueMessages(iri, value);
    expect(message).toContain(characterName);
  });

  it('names each bad character once, with its first index', () => {
    expect(invalidIriReason('http://x/a b c>')).toBe(
      'IRI "http://x/a b c>" contains characters not allowed in a SPARQL IRI: a space (U+0020) at index 10, \'>\' at index 14',
    );
  });

  it('rejects relative and empty IRIs', () => {
    expect(issueMessages(iri, '/relative/path')).toEqual([expect.stringContaining('expected an absolute IRI')]);
    expect(issueMessages(iri, '')).toEqual(['expected an absolute IRI, got an empty string']);
    expect(issueMessages(iri, 42)).toEqual(['expected an IRI string, got number 42']);
  });

  it('rejects every IRI that contains a character SPARQL does not allow in an IRIREF', () => {
    const forbidden = fc.constantFrom(...'<>"{}|^`\\', ...Array.from({ length: 0x21 }, (_, code) => String.fromCharCode(code)));
    fc.assert(
      fc.property(fc.webPath(), forbidden, fc.webPath(), (before, bad, after) => {
        expect(invalidIriReason(`http://example.org${before}${bad}${after}`)).toContain(describeCharacter(bad));
      }),
    );
  });
});

describe('urlPathSegment', () => {
  it.each(['public', 'mandatarissen-2024', 'a_b.c'])('accepts %s', (value) => {
    expect(urlPathSegment.parse(value)).toBe(value);
  });

  it.each([
    ['a/b', "contains '/'"],
    ['a b', 'contains a space'],
    ['ä', "contains 'ä'"],
    ['', 'must not be empty'],
    ['..', 'relative path'],
    ['.', 'relative path'],
  ])('rejects %j (%s)', (value, reason) => {
    expect(issueMessages(urlPathSegment, value)).toEqual([expect.stringContaining(reason)]);
  });
});

describe('httpUrl', () => {
  it.each(['http://database:8890/sparql', 'https://example.org'])('accepts %s', (value) => {
    expect(httpUrl.parse(value)).toBe(value);
  });

  it.each(['database:8890/sparql', 'ftp://example.org', 'not a url', ''])('rejects %j', (value) => {
    expect(issueMessages(httpUrl, value)).toEqual([expect.stringContaining('expected an absolute http(s) URL')]);
  });
});

describe('nonEmptyString', () => {
  it('accepts text and rejects blank strings', () => {
    expect(nonEmptyString.parse('x')).toBe('x');
    expect(issueMessages(nonEmptyString, '')).toEqual(['must not be empty']);
    expect(issueMessages(nonEmptyString, '  ')).toEqual(['must not be empty']);
  });
});
