/**
 * Who a consumer request comes from, and whether it logged in. Behind mu-identifier the session is
 * the `mu-session-id` header; without it (locally, or any stack without mu-identifier) the login
 * issues a cookie holding a random session id, and the session is `http://mu.semte.ch/sessions/<id>`.
 * Logged-in sessions are remembered for a while (a consumer polls every minute; one ASK per poll is
 * not needed), unknown ones are asked again each time.
 */
import { randomUUID } from 'node:crypto';
import type { SessionRepository } from './session-repository.js';

export const SESSION_COOKIE = 'delta_producer_session';
export const SESSION_BASE = 'http://mu.semte.ch/sessions/';
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface SessionSource {
  header(name: string): string | undefined;
}

export interface RequestSession {
  /** Session IRI. */
  session: string;
  /** From mu-identifier's header (true) or our cookie (false). */
  fromIdentifier: boolean;
}

function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The request's session, if it has one. */
export function requestSession(request: SessionSource): RequestSession | undefined {
  const header = request.header('mu-session-id');
  if (header) return { session: header, fromIdentifier: true };
  const id = cookieValue(request.header('cookie'), SESSION_COOKIE);
  if (id && SESSION_ID.test(id)) return { session: `${SESSION_BASE}${id}`, fromIdentifier: false };
  return undefined;
}

/** A new session for a login without mu-identifier: its IRI and the cookie that names it. */
export function newCookieSession(): { session: string; cookie: string } {
  const id = randomUUID();
  return { session: `${SESSION_BASE}${id}`, cookie: `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict` };
}

export class ConsumerSessions {
  readonly #repository: SessionRepository;
  readonly #known = new Map<string, number>();
  readonly #rememberMs: number;
  readonly #now: () => number;

  constructor(repository: SessionRepository, options: { rememberMs?: number; now?: () => number } = {}) {
    this.#repository = repository;
    this.#rememberMs = options.rememberMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  async isLoggedIn(session: string): Promise<boolean> {
    const until = this.#known.get(session);
    if (until !== undefined && until > this.#now()) return true;
    const loggedIn = await this.#repository.isLoggedIn(session);
    if (loggedIn) this.remember(session);
    else this.#known.delete(session);
    return loggedIn;
  }

  remember(session: string): void {
    this.#known.set(session, this.#now() + this.#rememberMs);
    if (this.#known.size > 10_000) this.#known.delete(this.#known.keys().next().value!);
  }
}
