/**
 * `POST <loginPath>` (http-contracts §6.2, §11): the consumer sends its secret in the header `key`.
 * - no key configured for the stream: `403` (login disabled; the lblod service answered 500);
 * - too many failed attempts from one client: `429` with Retry-After, even with the right key;
 * - missing or wrong key: `401` (compared in constant time; the key is never logged);
 * - right key: `<session> muAccount:account <account>` in the account graph (sudo), then `201` with
 *   `mu-auth-allowed-groups: CLEAR` and the lblod body. The session is mu-identifier's `mu-session-id`;
 *   without it the route issues a session cookie of its own.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, HttpError, isValidIri, JSON_API_CONTENT_TYPE, unauthorized, type Logger } from '@delta-producer/core';
import { Router } from 'express';
import { newCookieSession, type ConsumerSessions } from '../login/consumer-sessions.js';
import { loginKeyMatches } from '../login/login-key.js';
import type { LoginThrottle } from '../login/login-throttle.js';
import type { SessionRepository } from '../login/session-repository.js';

export interface LoginRouteOptions {
  stream: string;
  path: string;
  key: string | undefined;
  sessions: ConsumerSessions;
  repository: SessionRepository;
  throttle: LoginThrottle;
  logger: Logger;
  now?: () => number;
}

export function createLoginRoute(options: LoginRouteOptions): Router {
  const { stream, key, logger } = options;
  const now = options.now ?? Date.now;
  const router = Router();
  router.post(options.path, async (request, response) => {
    if (key === undefined) throw new HttpError({ status: 403, code: 'login-disabled', detail: `login is disabled for stream ${stream}: no key is configured` });
    const client = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const throttleKey = `${stream} ${client}`;
    const waitMs = options.throttle.waitMs(throttleKey, now());
    if (waitMs > 0) {
      logger.warn({ stream, client }, 'consumer login throttled');
      response.set('Retry-After', String(Math.ceil(waitMs / 1000)));
      throw new HttpError({ status: 429, code: 'login-throttled', detail: `too many login attempts; retry in ${Math.ceil(waitMs / 1000)} s` });
    }
    const presented = request.get('key');
    if (presented === undefined || !loginKeyMatches(key, presented)) {
      options.throttle.failed(throttleKey, now());
      logger.warn({ stream, client, keyPresent: presented !== undefined }, 'consumer login refused: wrong key');
      throw unauthorized('wrong or missing key');
    }
    const identifierSession = request.get('mu-session-id');
    if (identifierSession !== undefined && !isValidIri(identifierSession)) throw badRequest('mu-session-id is not an IRI');
    const cookieSession = identifierSession === undefined ? newCookieSession() : undefined;
    const session = identifierSession ?? cookieSession!.session;
    await options.repository.linkAccount(session);
    options.sessions.remember(session);
    logger.info({ stream, client, fromIdentifier: identifierSession !== undefined }, 'consumer logged in');
    if (cookieSession) response.set('Set-Cookie', cookieSession.cookie);
    response
      .status(201)
      .set('mu-auth-allowed-groups', 'CLEAR')
      .type(JSON_API_CONTENT_TYPE)
      .send(JSON.stringify({ links: { self: '/sessions/current' }, data: { type: 'sessions', id: randomUUID() } }));
  });
  return router;
}
