import { legacyBooleanQuirk, routePath } from '../../../src/config/values.js';

describe('routePath', () => {
  it.each([
    ['/organizations/files', '/organizations/files'],
    ['/organizations/files/', '/organizations/files'],
    ['/persons-sensitive/login', '/persons-sensitive/login'],
    ['/a.b_c~d', '/a.b_c~d'],
  ])('accepts %s', (input, expected) => {
    expect(routePath.parse(input)).toBe(expected);
  });

  it.each([
    ['organizations/files', /start with "\/"/],
    ['/', /root path/],
    ['/a//b', /empty segment/],
    ['/a/../b', /"\.\." segment/],
    ['/a/./b', /"\." segment/],
    ['/files/:id', /may only hold/],
    ['/files/*path', /may only hold/],
    ['/files?since=x', /may only hold/],
    ['/delta/', /route of the service itself/],
    ['/health', /route of the service itself/],
  ])('rejects %s', (input, message) => {
    const result = routePath.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(message);
  });
});

describe('legacyBooleanQuirk', () => {
  it.each([
    // services.json booleans: true only for true / "true".
    [true, 'trueOrStringTrue', false],
    ['true', 'trueOrStringTrue', false],
    ['false', 'trueOrStringTrue', false],
    ['True', 'trueOrStringTrue', true],
    [' true', 'trueOrStringTrue', true],
    ['FALSE', 'trueOrStringTrue', false],
    // waitForInitialSync: true unless false / "false".
    ['false', 'unlessFalse', false],
    ['FALSE', 'unlessFalse', true],
    [false, 'unlessFalse', false],
    // env flags: only the exact string "true".
    ['true', 'exactStringTrue', false],
    ['TRUE', 'exactStringTrue', true],
    ['false', 'exactStringTrue', false],
    // Values this suite rejects get a problem, not a warning.
    ['yes', 'trueOrStringTrue', false],
    [1, 'trueOrStringTrue', false],
    [undefined, 'unlessFalse', false],
  ] as const)('%j read as %s: warns = %s', (value, reading, warns) => {
    const warning = legacyBooleanQuirk('key', value, reading);
    expect(warning !== undefined).toBe(warns);
  });
});
