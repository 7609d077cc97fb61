/**
 * Request headers for mu-authorization (shared/reference/http-contracts.md §1.2). Pure.
 *
 * `mu-auth-sudo` is sent as `true` only when `sudo === true`: presence alone switches sudo on in both
 * mu-authorization implementations, so `mu-auth-sudo: false` must never be sent. The header can only be
 * set through the `sudo` option; putting it in `defaultHeaders` or `headers` is refused.
 */

/** One entry of `mu-auth-allowed-groups`. */
export interface AllowedGroup {
  name: string;
  variables: readonly string[];
}

export interface MuHeaderOptions {
  /** Sudo query: header `mu-auth-sudo: true`. Nothing is sent otherwise. */
  sudo?: boolean;
  /** `mu-call-id`. */
  callId?: string;
  /** `mu-call-scope-id` (Elixir service-roam image: tags the changesets of this write). */
  callScopeId?: string;
  /** `mu-auth-scope` (sparql-parser). */
  authScope?: string;
  /** `mu-session-id`. Never logged. */
  sessionId?: string;
  /** `mu-auth-allowed-groups`: the JSON string, or the groups to serialise. */
  allowedGroups?: string | readonly AllowedGroup[];
  /** Extra headers for this call (e.g. `mu-call-id-trail`). */
  headers?: Readonly<Record<string, string>>;
}

export const SUDO_HEADER = 'mu-auth-sudo';

/** Headers whose values are never written to logs or errors. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['mu-session-id', 'authorization', 'cookie', 'mu-auth-allowed-groups']);

export class HeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeaderError';
  }
}

function checkValue(name: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\r\n\u0000]/.test(value)) throw new HeaderError(`header ${name} contains a line break or NUL`);
  return value;
}

/** Lower-cases header names and refuses `mu-auth-sudo` (use the `sudo` option). */
export function normaliseHeaders(headers: Readonly<Record<string, string>> | undefined, origin: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers ?? {})) {
    const name = rawName.toLowerCase();
    if (name === SUDO_HEADER) throw new HeaderError(`${origin} must not set ${SUDO_HEADER}: use the sudo option (sends "true" only when sudo is true)`);
    result[name] = checkValue(name, String(value));
  }
  return result;
}

/** The headers of one request: defaults, then per-call extra headers, then the mu-* options. */
export function buildRequestHeaders(options: MuHeaderOptions, defaultHeaders?: Readonly<Record<string, string>>, accept?: string): Record<string, string> {
  const headers: Record<string, string> = {
    ...normaliseHeaders(defaultHeaders, 'defaultHeaders'),
    ...normaliseHeaders(options.headers, 'headers'),
  };
  if (accept) headers.accept = accept;
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') headers[name] = checkValue(name, value);
  };
  set('mu-call-id', options.callId);
  set('mu-call-scope-id', options.callScopeId);
  set('mu-auth-scope', options.authScope);
  set('mu-session-id', options.sessionId);
  set('mu-auth-allowed-groups', typeof options.allowedGroups === 'string' || options.allowedGroups === undefined ? options.allowedGroups : JSON.stringify(options.allowedGroups));
  if (options.sudo === true) headers[SUDO_HEADER] = 'true';
  return headers;
}

/** Header names for logs: values of secret headers are never included. */
export function describeHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_HEADERS.has(name.toLowerCase()) ? '[redacted]' : value]));
}
