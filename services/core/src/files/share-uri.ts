/**
 * `share://` URIs of files on the shared volume (data-model §4): `share://X` is the file `X` under the
 * share directory (`/share` in the containers). We write the clean form `share://<relative path>`
 * (never `share:///`, pitfall 36) and read any number of slashes after `share:`, as mu-file-service does.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

export const SHARE_SCHEME = 'share://';

export class ShareUriError extends Error {
  override readonly name = 'ShareUriError';
}

/** Normalised relative path: no leading/trailing or doubled slashes, no `.`/`..` segments. */
export function normaliseSharePath(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0) throw new ShareUriError(`not a file path: ${JSON.stringify(path)}`);
  if (segments.includes('..')) throw new ShareUriError(`path leaves the share directory: ${JSON.stringify(path)}`);
  return segments.join('/');
}

/** `share://<relative path>` of a path relative to the share directory. */
export function shareUriFor(relativePath: string): string {
  return `${SHARE_SCHEME}${normaliseSharePath(relativePath)}`;
}

/** The relative path a `share:` URI names (extra slashes tolerated); ShareUriError for anything else. */
export function sharePathOf(uri: string): string {
  const match = /^share:\/*(.*)$/s.exec(uri);
  if (!match) throw new ShareUriError(`not a share:// URI: ${JSON.stringify(uri)}`);
  let path: string;
  try {
    path = decodeURIComponent(match[1]!);
  } catch {
    throw new ShareUriError(`malformed percent-encoding in ${JSON.stringify(uri)}`);
  }
  return normaliseSharePath(path);
}

/** Absolute file path of a `share:` URI under `shareDir`; refuses anything outside it. */
export function filePathOfShareUri(shareDir: string, uri: string): string {
  const root = resolve(shareDir);
  const path = resolve(root, sharePathOf(uri));
  const inside = relative(root, path);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) throw new ShareUriError(`${uri} is outside ${root}`);
  return path;
}

/** `share://` URI of an absolute file path under `shareDir`. */
export function shareUriOfFilePath(shareDir: string, filePath: string): string {
  const inside = relative(resolve(shareDir), resolve(filePath));
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw new ShareUriError(`${filePath} is not under ${shareDir}`);
  return shareUriFor(inside.split(sep).join('/'));
}
