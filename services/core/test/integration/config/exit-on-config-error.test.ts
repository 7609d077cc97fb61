import { ChildService, fixturePath } from '../../support/child-service.js';

const invalidEnvService = fixturePath('fixtures/config/invalid-env-service.ts');

describe('exitOnConfigError at service start', () => {
  let service: ChildService | undefined;

  afterEach(async () => {
    await service?.stop();
  });

  it('writes every problem to stderr as a JSON line and exits with 78', async () => {
    service = new ChildService(invalidEnvService, { PORT: 'eighty', LOG_LEVEL: 'loud', HOST: '' });

    expect(await service.exited).toEqual({ code: 78, signal: null });
    const reported = service.stderr
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
    expect(reported).toEqual([
      { level: 'fatal', msg: 'invalid configuration', path: 'env.PORT', problem: 'expected a number, got "eighty"' },
      { level: 'fatal', msg: 'invalid configuration', path: 'env.LOG_LEVEL', problem: expect.stringContaining('got "loud"') },
    ]);
    expect(service.logLines).toEqual([]);
  });

  it('reports through the logger when there is one', async () => {
    service = new ChildService(invalidEnvService, { PORT: '-1', REPORT_TO_LOGGER: 'true' });

    expect(await service.exited).toEqual({ code: 78, signal: null });
    expect(service.logLines).toEqual([
      expect.objectContaining({ level: 60, configPath: 'env.PORT', problem: 'must be at least 0, got -1', msg: 'invalid configuration: env.PORT: must be at least 0, got -1' }),
    ]);
  });

  it('starts when the environment is valid', async () => {
    service = new ChildService(invalidEnvService, { PORT: '8080' });

    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.logLines).toEqual([{ msg: 'started' }]);
  });
});
