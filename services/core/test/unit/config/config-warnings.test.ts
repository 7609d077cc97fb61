import { ConfigWarnings, stringFalseQuirk, zeroReplacedByDefaultQuirk, type WarningLogger } from '../../../src/config/index.js';

class RecordingLogger implements WarningLogger {
  readonly lines: { bindings: object; message: string }[] = [];
  warn(bindings: object, message: string): void {
    this.lines.push({ bindings, message });
  }
}

describe('ConfigWarnings', () => {
  it('logs each collected warning once', () => {
    const warnings = new ConfigWarnings();
    warnings.add(stringFalseQuirk('streams[0].exportEnabled', 'false'));
    warnings.add(stringFalseQuirk('streams[1].exportEnabled', true));
    warnings.add(zeroReplacedByDefaultQuirk('env.BATCH_SIZE', '0', 100));
    const logger = new RecordingLogger();

    warnings.logTo(logger);
    warnings.logTo(logger);

    expect(logger.lines).toEqual([
      {
        bindings: { configPath: 'streams[0].exportEnabled' },
        message: 'config streams[0].exportEnabled is the string "false": the lblod service would have read it as true; read as false',
      },
      {
        bindings: { configPath: 'env.BATCH_SIZE' },
        message: 'config env.BATCH_SIZE is 0: the lblod service would have used its default 100; using 0',
      },
    ]);
  });
});

describe('legacy quirk checks', () => {
  it.each(['false', 'FALSE', ' False '])('flag the string %j', (raw) => {
    expect(stringFalseQuirk('x', raw)).toBeDefined();
  });

  it.each([false, true, 'true', 'no', undefined])('do not flag %j as a string "false"', (raw) => {
    expect(stringFalseQuirk('x', raw)).toBeUndefined();
  });

  it.each([0, '0', '0.0'])('flag the zero %j', (raw) => {
    expect(zeroReplacedByDefaultQuirk('x', raw, 5)).toBeDefined();
  });

  it.each([1, '', '  ', undefined, null, 'zero'])('do not flag %j as zero', (raw) => {
    expect(zeroReplacedByDefaultQuirk('x', raw, 5)).toBeUndefined();
  });
});
