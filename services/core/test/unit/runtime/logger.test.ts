import { createCapturingLogger } from '../../support/log-capture.js';

describe('createLogger', () => {
  it('writes JSON lines with the service name', () => {
    const { logger, lines } = createCapturingLogger();
    logger.info({ stream: 'public' }, 'exported');
    expect(lines()).toEqual([expect.objectContaining({ name: 'test', msg: 'exported', stream: 'public', level: 30 })]);
  });

  it('redacts secrets at the top level, one level down and in headers', () => {
    const { logger, lines } = createCapturingLogger();
    logger.info(
      {
        key: 'top-secret',
        password: 'hunter2',
        query: { key: 'from-query', page: '1' },
        config: { secret: 's', token: 't' },
        request: { headers: { authorization: 'Bearer x', cookie: 'a=b', 'content-type': 'application/json' } },
      },
      'with secrets',
    );
    const [line] = lines();
    expect(line).toMatchObject({
      key: '[redacted]',
      password: '[redacted]',
      query: { key: '[redacted]', page: '1' },
      config: { secret: '[redacted]', token: '[redacted]' },
      request: { headers: { authorization: '[redacted]', cookie: '[redacted]', 'content-type': 'application/json' } },
    });
    expect(JSON.stringify(line)).not.toMatch(/top-secret|hunter2|from-query|Bearer/);
  });
});
