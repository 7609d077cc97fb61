/**
 * Query strings as lblod's delta-consumer sends them: unencoded (`filter[subject]=http://…`, raw `[`,
 * `]`, `:` and `/`), or properly encoded by other clients. Parsed by hand so a `+` in an IRI stays a
 * `+` and a malformed escape is kept as written rather than rejected. Pure.
 */
export class QueryStringError extends Error {
  override readonly name = 'QueryStringError';
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Parameter → value; a parameter given twice is a QueryStringError (which one would win is a guess). */
export function parseQueryString(url: string): Map<string, string> {
  const index = url.indexOf('?');
  const params = new Map<string, string>();
  if (index < 0) return params;
  for (const part of url.slice(index + 1).split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const key = decode(equals < 0 ? part : part.slice(0, equals));
    const value = equals < 0 ? '' : decode(part.slice(equals + 1));
    if (params.has(key)) throw new QueryStringError(`query parameter "${key}" is given more than once`);
    params.set(key, value);
  }
  return params;
}

/** The path with repeated slashes collapsed (consumers whose base URL ends with `/` send `//datasets`). */
export function collapseSlashes(url: string): string {
  const index = url.indexOf('?');
  const path = index < 0 ? url : url.slice(0, index);
  const rest = index < 0 ? '' : url.slice(index);
  return path.replace(/\/{2,}/g, '/') + rest;
}
