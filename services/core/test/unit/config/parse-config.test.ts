import { z } from 'zod';
import { ConfigError, booleanish, formatConfigPath, integerish, iri, parseConfig, urlPathSegment } from '../../../src/config/index.js';

const streamsConfigSchema = z.strictObject({
  streams: z.array(
    z.strictObject({
      name: urlPathSegment,
      jobsGraph: iri,
      exportEnabled: booleanish.default(false),
      batchSize: integerish({ min: 0 }),
    }),
  ),
});

function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('returns the typed, converted value', () => {
    const config = parseConfig(streamsConfigSchema, {
      streams: [{ name: 'public', jobsGraph: 'http://mu.semte.ch/graphs/jobs', batchSize: '0' }],
    });
    expect(config).toEqual({
      streams: [{ name: 'public', jobsGraph: 'http://mu.semte.ch/graphs/jobs', exportEnabled: false, batchSize: 0 }],
    });
  });

  it('reports every problem at once, each at its path', () => {
    const error = configErrorOf(() =>
      parseConfig(streamsConfigSchema, {
        streams: [
          { name: 'fine', jobsGraph: 'http://x/jobs', batchSize: 10 },
          { name: 'not/fine', jobsGraph: 'http://x/jobs graph', exportEnabled: 'yes', batchSize: '10 items', extra: true },
          { jobsGraph: 'http://x/jobs' },
        ],
        unknownTopLevel: 1,
      }),
    );
    expect(error.problems.map((problem) => problem.path).sort()).toEqual(
      [
        'streams[1].name',
        'streams[1].jobsGraph',
        'streams[1].exportEnabled',
        'streams[1].batchSize',
        'streams[1].extra',
        'streams[2].name',
        'streams[2].batchSize',
        'unknownTopLevel',
      ].sort(),
    );
    expect(error.problems).toContainEqual({ path: 'streams[2].name', message: 'required' });
    expect(error.problems).toContainEqual({ path: 'streams[1].extra', message: 'unknown key' });
    expect(error.problems).toContainEqual({ path: 'streams[1].exportEnabled', message: 'expected true or false, got "yes"' });
  });

  it('lists every problem in the message, one per line', () => {
    const error = configErrorOf(() => parseConfig(streamsConfigSchema, { streams: [{ name: '', jobsGraph: 'x', batchSize: -1 }] }));
    expect(error.message.split('\n')).toEqual([
      'invalid configuration (3 problems):',
      '  streams[0].name: must not be empty',
      '  streams[0].jobsGraph: expected an absolute IRI (starting with a scheme such as "http:"), got "x"',
      '  streams[0].batchSize: must be at least 0, got -1',
    ]);
  });

  it('puts the path prefix in front of every path', () => {
    const error = configErrorOf(() => parseConfig(z.object({ PORT: integerish() }), { PORT: 'eighty' }, { pathPrefix: 'env' }));
    expect(error.problems).toEqual([{ path: 'env.PORT', message: 'expected a number, got "eighty"' }]);
  });

  it('calls an invalid root value (root)', () => {
    const error = configErrorOf(() => parseConfig(streamsConfigSchema, 'not an object'));
    expect(error.problems).toEqual([{ path: '(root)', message: expect.any(String) }]);
  });
});

describe('formatConfigPath', () => {
  it('writes paths as JavaScript would address the value', () => {
    expect(formatConfigPath(['streams', 1, 'jobsGraph'])).toBe('streams[1].jobsGraph');
    expect(formatConfigPath(['prefixes', 'http://x/'], 'config')).toBe('config.prefixes["http://x/"]');
    expect(formatConfigPath([0])).toBe('[0]');
    expect(formatConfigPath([])).toBe('(root)');
    expect(formatConfigPath([], 'env')).toBe('env');
  });
});
