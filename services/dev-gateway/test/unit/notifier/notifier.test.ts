import { jest } from '@jest/globals';
import { createNotifier, type NotifierOptions } from '../../../src/notifier/notifier.js';
import type { DeltaEvent, DeltaEventHeaders } from '../../../src/notifier/types.js';
import type { RawChangeset } from '@delta-producer/core';
import { ADMS_STATUS, changeSet, INITIAL_SYNC, q, recordingFetch, recordingLogger, rules, SCHEDULED } from './fixtures.js';

const SESSION_A = 'http://mu.semte.ch/sessions/a';
const SESSION_B = 'http://mu.semte.ch/sessions/b';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const status = q('task/1', ADMS_STATUS, SCHEDULED);
const name = q('org/1', 'name', 'Gemeente X');
const other = q('org/2', 'name', 'Gemeente Y');

function event(changeSets: RawChangeset[], headers: DeltaEventHeaders = {}): DeltaEvent {
  return { changeSets, headers };
}

function rule(options: Record<string, unknown> = {}, match: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return { match, callback: { url: 'http://localhost:8082/delta', method: 'POST' }, options: { resourceFormat: 'v0.0.1', ...options }, ...extra };
}

function setup(ruleEntries: unknown[], overrides: Partial<NotifierOptions> = {}) {
  const { fetch, requests } = recordingFetch();
  const logger = recordingLogger();
  const notifier = createNotifier({ rules: rules(...ruleEntries), logger, fetch, ...overrides });
  const bodies = () => requests.map((request) => (request.body === undefined ? undefined : JSON.parse(request.body)));
  return { notifier, requests, logger, bodies };
}

/** Lets the notifier's promise chains run (no fake time passes). */
const flush = () => jest.advanceTimersByTimeAsync(0);

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('delivery without grace period', () => {
  it('sends each matching event at once with the delta-notifier headers and a v0.0.1 body', async () => {
    const { notifier, requests, bodies } = setup([rule({}, { predicate: { type: 'uri', value: ADMS_STATUS } })]);
    notifier.publish(
      event([changeSet({ insert: [status], delete: [name], effectiveInsert: [status], allowedGroups: 'sudo', origin: '10.0.0.1', sequenceId: 4 })], {
        'mu-call-id': '42',
        'mu-call-id-trail': '["7"]',
        'mu-session-id': SESSION_A,
      }),
    );
    notifier.publish(event([changeSet({ insert: [name] })], { 'mu-call-id': '43' }));
    await flush();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ url: 'http://localhost:8082/delta', method: 'POST' });
    expect(requests[0]?.headers).toEqual({
      'Content-Type': 'application/json',
      'mu-call-id': expect.stringMatching(UUID),
      'mu-call-id-trail': '["7","42"]',
      'mu-session-id': SESSION_A,
      'mu-auth-allowed-groups': 'sudo',
    });
    expect(bodies()).toEqual([[{ inserts: [status], deletes: [name] }]]);
    await notifier.stop();
  });

  it('sends all surviving changesets of a matching event, not only the matching quads', async () => {
    const { notifier, bodies } = setup([rule({}, { predicate: { value: ADMS_STATUS } })]);
    notifier.publish(event([changeSet({ insert: [name] }), changeSet({ delete: [status] })]));
    await flush();
    expect(bodies()).toEqual([
      [
        { inserts: [name], deletes: [] },
        { inserts: [], deletes: [status] },
      ],
    ]);
    await notifier.stop();
  });

  it('v0.0.0-genesis format', async () => {
    const { notifier, bodies } = setup([rule({ resourceFormat: 'v0.0.0-genesis' })]);
    notifier.publish(event([changeSet({ insert: [status], delete: [name] })]));
    await flush();
    expect(bodies()).toEqual([
      {
        delta: {
          inserts: [{ s: status.subject.value, p: ADMS_STATUS, o: SCHEDULED }],
          deletes: [{ s: name.subject.value, p: name.predicate.value, o: 'Gemeente X' }],
        },
      },
    ]);
    await notifier.stop();
  });

  it('falsy format: a POST without body', async () => {
    const { notifier, requests } = setup([rule({ resourceFormat: false })]);
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': '1' }));
    await flush();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.body).toBeUndefined();
    expect(requests[0]?.headers['mu-call-id-trail']).toBe('["1"]');
    await notifier.stop();
  });

  it('leaves out mu-session-id and mu-auth-allowed-groups when unknown', async () => {
    const { notifier, requests } = setup([rule()]);
    notifier.publish(event([changeSet({ insert: [status] })]));
    await flush();
    expect(Object.keys(requests[0]?.headers ?? {}).sort()).toEqual(['Content-Type', 'mu-call-id', 'mu-call-id-trail']);
    await notifier.stop();
  });
});

describe('scope filtering', () => {
  it('opt-out drops events of a listed scope (header), sends others and unscoped ones', async () => {
    const { notifier, requests } = setup([rule({ optOutMuScopeIds: [INITIAL_SYNC] })]);
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': 'sync', 'mu-call-scope-id': INITIAL_SYNC }));
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': 'sync-sparql-parser', 'mu-auth-scope': INITIAL_SYNC }));
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': 'other', 'mu-call-scope-id': 'http://other/scope' }));
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': 'none' }));
    await flush();
    expect(requests.map((request) => request.headers['mu-call-id-trail'])).toEqual(['["other"]', '["none"]']);
    await notifier.stop();
  });

  it('opt-in sends only events of a listed scope, and unscoped ones', async () => {
    const { notifier, requests } = setup([rule({ optInMuScopeIds: [INITIAL_SYNC] })]);
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': 'sync', 'mu-auth-scope': INITIAL_SYNC }));
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': 'other', 'mu-auth-scope': 'http://other/scope' }));
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': 'none' }));
    await flush();
    expect(requests.map((request) => request.headers['mu-call-id-trail'])).toEqual(['["sync"]', '["none"]']);
    await notifier.stop();
  });
});

describe('ignoreFromSelf', () => {
  it('drops changesets from the callback host and matches on the rest only', async () => {
    const lookupIPv4 = jest.fn(async (_hostname: string) => '127.0.0.1');
    const { notifier, bodies } = setup([rule({ ignoreFromSelf: true }, { predicate: { value: ADMS_STATUS } })], { lookupIPv4 });
    notifier.publish(event([changeSet({ insert: [status], origin: '127.0.0.1' }), changeSet({ insert: [name], origin: '10.0.0.2' })]));
    notifier.publish(event([changeSet({ insert: [status], origin: '10.0.0.2' }), changeSet({ insert: [name], origin: '::ffff:127.0.0.1' })]));
    await flush();
    expect(bodies()).toEqual([[{ inserts: [status], deletes: [] }]]);
    expect(lookupIPv4).toHaveBeenCalledTimes(1);
    expect(lookupIPv4).toHaveBeenCalledWith('localhost');
    await notifier.stop();
  });

  it('fails open when the host cannot be resolved', async () => {
    const lookupIPv4 = async () => {
      throw new Error('ENOTFOUND');
    };
    const { notifier, requests, logger } = setup([rule({ ignoreFromSelf: true })], { lookupIPv4 });
    notifier.publish(event([changeSet({ insert: [status], origin: '127.0.0.1' })]));
    await flush();
    expect(requests).toHaveLength(1);
    expect(logger.messages('warn')).toEqual([expect.stringContaining('fail open')]);
    await notifier.stop();
  });
});

describe('grace-period bundling', () => {
  it('bundles two events 100 ms apart into one request after the grace period', async () => {
    const { notifier, requests, bodies } = setup([rule({ gracePeriod: 250 })]);
    notifier.publish(event([changeSet({ insert: [status], allowedGroups: 'sudo' })], { 'mu-call-id': '1', 'mu-session-id': SESSION_A }));
    await jest.advanceTimersByTimeAsync(100);
    notifier.publish(event([changeSet({ insert: [name], allowedGroups: 'sudo' }), changeSet({ delete: [other], allowedGroups: 'sudo' })], { 'mu-call-id': '2', 'mu-call-id-trail': '["0"]', 'mu-session-id': SESSION_A }));
    await jest.advanceTimersByTimeAsync(149);
    expect(requests).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(1);
    expect(bodies()[0]).toEqual([
      { inserts: [status], deletes: [] },
      { inserts: [name], deletes: [] },
      { inserts: [], deletes: [other] },
    ]);
    expect(requests[0]?.headers).toMatchObject({
      'mu-call-id-trail': '["1"]',
      'mu-bundled-call-id-trails': '["0","2"]',
      'mu-session-id': SESSION_A,
      'mu-auth-allowed-groups': 'sudo',
    });
    await notifier.stop();
  });

  it('appends duplicates as they come (no dedup)', async () => {
    const { notifier, bodies } = setup([rule({ gracePeriod: 250 })]);
    notifier.publish(event([changeSet({ insert: [status] })]));
    notifier.publish(event([changeSet({ insert: [status] })]));
    await jest.advanceTimersByTimeAsync(250);
    expect(bodies()).toEqual([
      [
        { inserts: [status], deletes: [] },
        { inserts: [status], deletes: [] },
      ],
    ]);
    await notifier.stop();
  });

  it('sends events of different sessions in separate requests', async () => {
    const { notifier, requests } = setup([rule({ gracePeriod: 250 })]);
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-session-id': SESSION_A }));
    await jest.advanceTimersByTimeAsync(100);
    notifier.publish(event([changeSet({ insert: [name] })], { 'mu-session-id': SESSION_B }));
    await jest.advanceTimersByTimeAsync(400);
    expect(requests.map((request) => request.headers['mu-session-id'])).toEqual([SESSION_A, SESSION_B]);
    expect(requests.every((request) => request.headers['mu-bundled-call-id-trails'] === undefined)).toBe(true);
    await notifier.stop();
  });

  it('sends events with different allowedGroups in separate requests', async () => {
    const { notifier, requests } = setup([rule({ gracePeriod: 250 })]);
    notifier.publish(event([changeSet({ insert: [status], allowedGroups: 'sudo' })], { 'mu-session-id': SESSION_A }));
    notifier.publish(event([changeSet({ insert: [name], allowedGroups: '[{"name":"public","variables":[]}]' })], { 'mu-session-id': SESSION_A }));
    await jest.advanceTimersByTimeAsync(500);
    expect(requests.map((request) => request.headers['mu-auth-allowed-groups'])).toEqual(['sudo', '[{"name":"public","variables":[]}]']);
    await notifier.stop();
  });

  it('closes an open bundle when an event with another key comes in, so order is kept', async () => {
    const { notifier, requests, bodies } = setup([rule({ gracePeriod: 250 })]);
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-session-id': SESSION_A }));
    await jest.advanceTimersByTimeAsync(50);
    notifier.publish(event([changeSet({ insert: [name] })], { 'mu-session-id': SESSION_B }));
    await flush();
    expect(requests).toHaveLength(1);
    notifier.publish(event([changeSet({ insert: [other] })], { 'mu-session-id': SESSION_A }));
    await jest.advanceTimersByTimeAsync(250);
    expect(bodies()).toEqual([[{ inserts: [status], deletes: [] }], [{ inserts: [name], deletes: [] }], [{ inserts: [other], deletes: [] }]]);
    await notifier.stop();
  });

  it('starts a new bundle after the window closed', async () => {
    const { notifier, requests } = setup([rule({ gracePeriod: 250 })]);
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': '1' }));
    await jest.advanceTimersByTimeAsync(300);
    notifier.publish(event([changeSet({ insert: [name] })], { 'mu-call-id': '2' }));
    await jest.advanceTimersByTimeAsync(300);
    expect(requests.map((request) => request.headers['mu-call-id-trail'])).toEqual(['["1"]', '["2"]']);
    await notifier.stop();
  });

  it('decides matching per event, before bundling', async () => {
    const { notifier, bodies } = setup([rule({ gracePeriod: 250 }, { predicate: { value: ADMS_STATUS } })]);
    notifier.publish(event([changeSet({ insert: [status] })]));
    notifier.publish(event([changeSet({ insert: [name] })]));
    notifier.publish(event([changeSet({ delete: [status] }), changeSet({ insert: [other] })]));
    await jest.advanceTimersByTimeAsync(250);
    expect(bodies()).toEqual([
      [
        { inserts: [status], deletes: [] },
        { inserts: [], deletes: [status] },
        { inserts: [other], deletes: [] },
      ],
    ]);
    await notifier.stop();
  });

  it('keeps one bundle per rule', async () => {
    const { notifier, requests } = setup([rule({ gracePeriod: 250 }), { ...rule({ gracePeriod: 250 }), callback: { url: 'http://localhost:8083/delta', method: 'POST' } }]);
    notifier.publish(event([changeSet({ insert: [status] })]));
    notifier.publish(event([changeSet({ insert: [name] })]));
    await jest.advanceTimersByTimeAsync(250);
    expect(requests.map((request) => request.url)).toEqual(['http://localhost:8082/delta', 'http://localhost:8083/delta']);
    await notifier.stop();
  });
});

describe('foldEffectiveChanges', () => {
  it('folds the bundle: an insert deleted again within the window sends nothing', async () => {
    const { notifier, requests } = setup([rule({ gracePeriod: 250, foldEffectiveChanges: true })]);
    notifier.publish(event([changeSet({ insert: [status], effectiveInsert: [status] })]));
    notifier.publish(event([changeSet({ delete: [status], effectiveDelete: [status] })]));
    await jest.advanceTimersByTimeAsync(250);
    expect(requests).toHaveLength(0);
    await notifier.stop();
  });

  it('sends the folded effective changes, deletes first', async () => {
    const { notifier, bodies, requests } = setup([rule({ gracePeriod: 250, foldEffectiveChanges: true })]);
    notifier.publish(event([changeSet({ insert: [status, name], effectiveInsert: [status], allowedGroups: 'sudo' })]));
    notifier.publish(event([changeSet({ delete: [other], effectiveDelete: [other], allowedGroups: 'sudo' })]));
    await jest.advanceTimersByTimeAsync(250);
    expect(bodies()).toEqual([
      [
        { deletes: [other], inserts: [] },
        { deletes: [], inserts: [status] },
      ],
    ]);
    expect(requests[0]?.headers['mu-auth-allowed-groups']).toBe('sudo');
    await notifier.stop();
  });

  it('sends nothing for changesets without effective lists (Elixir mu-authorization)', async () => {
    const { notifier, requests, logger } = setup([rule({ foldEffectiveChanges: true })]);
    notifier.publish(event([changeSet({ insert: [status] })]));
    await flush();
    expect(requests).toHaveLength(0);
    expect(logger.messages('debug')).toContainEqual(expect.stringContaining('nothing left after folding'));
    await notifier.stop();
  });
});

describe('errors and stop', () => {
  it('logs a failed delivery and never throws to the publisher', async () => {
    const logger = recordingLogger();
    const fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const notifier = createNotifier({ rules: rules(rule()), logger, fetch });
    expect(() => notifier.publish(event([changeSet({ insert: [status] })]))).not.toThrow();
    await flush();
    expect(logger.messages('error')).toEqual([expect.stringMatching(/gave no response \(fetch failed\); giving up/)]);
    await notifier.stop();
  });

  it('logs an event that cannot be processed and goes on with the next one', async () => {
    const { notifier, requests, logger } = setup([rule({}, { predicate: { value: ADMS_STATUS } })]);
    notifier.publish(event([changeSet({ insert: [null as never] })], { 'mu-call-id': 'broken' }));
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': 'fine' }));
    await flush();
    expect(logger.messages('error')).toEqual(['delta event could not be processed']);
    expect(requests.map((request) => request.headers['mu-call-id-trail'])).toEqual(['["fine"]']);
    await notifier.stop();
  });

  it('does not retry a 4xx answer', async () => {
    const { fetch, requests } = recordingFetch([400, 204]);
    const logger = recordingLogger();
    const notifier = createNotifier({ rules: rules(rule({ retry: 3 })), logger, fetch });
    notifier.publish(event([changeSet({ insert: [status] })]));
    await jest.advanceTimersByTimeAsync(2000);
    expect(requests).toHaveLength(1);
    expect(logger.messages('error')).toEqual([expect.stringContaining('answered 400; not retried')]);
    await notifier.stop();
  });

  it('retries a 5xx answer after the rule retryTimeout, with a fresh mu-call-id', async () => {
    const { fetch, requests } = recordingFetch([503, 502, 204]);
    const notifier = createNotifier({ rules: rules(rule({ retry: 2 }, {}, { retryTimeout: 1000 })), logger: recordingLogger(), fetch });
    notifier.publish(event([changeSet({ insert: [status] })]));
    await flush();
    expect(requests).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(requests).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1000);
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.headers['mu-call-id'])).size).toBe(3);
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    await notifier.stop();
  });

  it('stop() sends pending bundles at once, then ignores new events with a warning', async () => {
    const { notifier, requests, logger } = setup([rule({ gracePeriod: 10_000 })]);
    notifier.publish(event([changeSet({ insert: [status] })], { 'mu-call-id': '1' }));
    notifier.publish(event([changeSet({ insert: [name] })], { 'mu-call-id': '2' }));
    await notifier.stop();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers['mu-bundled-call-id-trails']).toBe('["2"]');
    notifier.publish(event([changeSet({ insert: [other] })], { 'mu-call-id': '3' }));
    await jest.advanceTimersByTimeAsync(20_000);
    expect(requests).toHaveLength(1);
    expect(logger.messages('warn')).toEqual([expect.stringContaining('ignored')]);
    await expect(notifier.stop()).resolves.toBeUndefined();
  });

  it('stop() gives up on deliveries that outlast the deadline', async () => {
    const logger = recordingLogger();
    const fetch = (_url: string, init: { signal?: AbortSignal }) =>
      new Promise<never>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const notifier = createNotifier({ rules: rules(rule(), rule()), logger, fetch, stopTimeoutMs: 1000 });
    notifier.publish(event([changeSet({ insert: [status] })]));
    await flush();
    const stopped = notifier.stop();
    await jest.advanceTimersByTimeAsync(1000);
    await stopped;
    expect(logger.messages('warn')).toEqual([
      expect.stringContaining('deliveries still pending at the deadline'),
      'delta delivery aborted: notifier stopped',
      'delta delivery dropped: notifier stopped before it could be sent',
    ]);
  });
});
