/**
 * The session a listing or a download needs when the stream has a login key: a logged-in consumer
 * session (mu-identifier's `mu-session-id`, or the cookie our login issued). Anything else is a `400`
 * with a JSON body: delta-consumer clears its cookie and logs in again on a 400, and only on a 400
 * (http-contracts §11, pitfall 105).
 */
import { HttpError, isValidIri, type Logger } from '@delta-producer/core';
import type { Request } from 'express';
import { requestSession, type ConsumerSessions } from '../login/consumer-sessions.js';

export interface StreamLogin {
  stream: string;
  loginPath: string;
  /** undefined: no key configured, the stream's files need no login. */
  key: string | undefined;
  sessions: ConsumerSessions;
}

function sessionRequired(login: StreamLogin, reason: string): HttpError {
  return new HttpError({ status: 400, code: 'session-required', detail: `${reason}: log in first with POST ${login.loginPath} and the header key (then send the session cookie)` });
}

export async function requireConsumerSession(login: StreamLogin, request: Request, logger: Logger): Promise<void> {
  if (login.key === undefined) return;
  const found = requestSession(request);
  if (!found) throw sessionRequired(login, `stream ${login.stream} needs a logged-in session`);
  if (!isValidIri(found.session)) throw sessionRequired(login, 'the session id is not an IRI');
  if (!(await login.sessions.isLoggedIn(found.session))) {
    logger.info({ stream: login.stream, fromIdentifier: found.fromIdentifier }, 'consumer request with a session that is not logged in');
    throw sessionRequired(login, `this session is not logged in for stream ${login.stream}`);
  }
}
