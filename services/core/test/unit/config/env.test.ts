import { z } from 'zod';
import { ConfigError, booleanish, readEnv, serviceEnvSchema } from '../../../src/config/index.js';

describe('readEnv', () => {
  it('applies the defaults of serviceEnvSchema when nothing is set', () => {
    expect(readEnv(serviceEnvSchema, {})).toEqual({
      PORT: 80,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      MAX_BODY_SIZE: 100 * 1024,
      REQUEST_TIMEOUT_MS: 120_000,
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it('treats an empty string as unset, so the default applies', () => {
    const env = readEnv(serviceEnvSchema, { PORT: '', LOG_LEVEL: '', MAX_BODY_SIZE: '' });
    expect(env.PORT).toBe(80);
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.MAX_BODY_SIZE).toBe(102_400);
  });

  it('reports an empty string for a variable without default as required', () => {
    expect(() => readEnv(z.object({ JOBS_GRAPH: z.string() }), { JOBS_GRAPH: '' })).toThrow('env.JOBS_GRAPH: required');
  });

  it('reads 0 as 0, not as the default', () => {
    expect(readEnv(serviceEnvSchema, { PORT: '0' }).PORT).toBe(0);
  });

  it('converts the values that are set', () => {
    const env = readEnv(serviceEnvSchema.extend({ EXPORT_ENABLED: booleanish }), {
      PORT: '8080',
      LOG_LEVEL: 'DEBUG',
      LOG_FORMAT: 'pretty',
      MAX_BODY_SIZE: '10mb',
      EXPORT_ENABLED: 'False',
      UNRELATED: 'ignored',
    });
    expect(env).toMatchObject({ PORT: 8080, LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty', MAX_BODY_SIZE: 10 * 1024 * 1024, EXPORT_ENABLED: false });
  });

  it('reports every bad variable at once, at env.NAME', () => {
    let thrown: unknown;
    try {
      readEnv(serviceEnvSchema, { PORT: '80a', LOG_LEVEL: 'loud', LOG_FORMAT: 'xml', SHUTDOWN_TIMEOUT_MS: '0' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual([
      { path: 'env.PORT', message: 'expected a number, got "80a"' },
      { path: 'env.LOG_LEVEL', message: 'expected one of fatal, error, warn, info, debug, trace, silent, got "loud"' },
      { path: 'env.LOG_FORMAT', message: 'expected one of json, pretty, got "xml"' },
      { path: 'env.SHUTDOWN_TIMEOUT_MS', message: 'must be at least 1, got 0' },
    ]);
  });
});
