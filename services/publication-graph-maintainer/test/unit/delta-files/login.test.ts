import { requestSession, newCookieSession, SESSION_BASE } from '../../../src/login/consumer-sessions.js';
import { loginKeyMatches } from '../../../src/login/login-key.js';
import { LoginThrottle } from '../../../src/login/login-throttle.js';

describe('login key', () => {
  it('matches only the exact key', () => {
    expect(loginKeyMatches('s3cret', 's3cret')).toBe(true);
    expect(loginKeyMatches('s3cret', 's3cret ')).toBe(false);
    expect(loginKeyMatches('s3cret', '')).toBe(false);
    expect(loginKeyMatches('s3cret', 'S3cret')).toBe(false);
  });
});

describe('login throttle', () => {
  it('refuses a client after too many failures within the window, per client, and lets it in again later', () => {
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 1000 });
    for (const time of [0, 10, 20]) {
      expect(throttle.waitMs('a', time)).toBe(0);
      throttle.failed('a', time);
    }
    expect(throttle.waitMs('a', 30)).toBe(970);
    expect(throttle.waitMs('b', 30)).toBe(0);
    expect(throttle.waitMs('a', 1001)).toBe(0);
  });
});

describe('consumer sessions', () => {
  const request = (headers: Record<string, string>) => ({ header: (name: string) => headers[name] });

  it('prefers mu-identifier\'s session, else reads the cookie the login issued', () => {
    expect(requestSession(request({ 'mu-session-id': 'http://mu.semte.ch/sessions/x' }))).toEqual({ session: 'http://mu.semte.ch/sessions/x', fromIdentifier: true });
    const { session, cookie } = newCookieSession();
    const value = cookie.split(';')[0]!;
    expect(requestSession(request({ cookie: `other=1; ${value}` }))).toEqual({ session, fromIdentifier: false });
    expect(session.startsWith(SESSION_BASE)).toBe(true);
  });

  it('ignores a cookie that is not one of ours', () => {
    expect(requestSession(request({ cookie: 'delta_producer_session=../../etc' }))).toBeUndefined();
    expect(requestSession(request({}))).toBeUndefined();
  });
});
