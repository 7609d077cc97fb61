/**
 * The files listing, pure: parsing `since` as consumers send it, and one page of the listing from the
 * stream's files in created order (http-contracts §6.1, §12).
 */

export class SinceParameterError extends Error {
  override readonly name = 'SinceParameterError';
}

// YYYY-MM-DDTHH:MM[:SS[.fraction]] then Z or ±HH:MM (or ±HHMM); a space before the offset is a `+`
// that arrived unencoded in the query string.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `since` as ms since the epoch, truncated to the millisecond (created values have ms precision, so
 * `created > since` ⇔ `created > truncated since`). A missing zone is read as UTC. Throws
 * SinceParameterError naming what is wrong.
 */
export function parseSince(raw: unknown): number {
  if (raw === undefined) throw new SinceParameterError('since is required: an ISO-8601 date-time such as 2024-01-01T00:00:00.000Z (the created value of the last file you applied)');
  if (typeof raw !== 'string') throw new SinceParameterError('since must be given once, as an ISO-8601 date-time');
  const text = raw.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const match = ISO_DATE_TIME.exec(text);
  if (!match) throw new SinceParameterError(`since ${JSON.stringify(raw.slice(0, 64))} is not an ISO-8601 date-time such as 2024-01-01T00:00:00.000Z`);
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone = 'Z'] = match;
  const millis = (fraction + '000').slice(0, 3);
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${offset}`;
  const ms = Date.parse(iso);
  const fieldsValid = Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= 31 && Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59;
  // Date.parse rolls 2024-02-30 over to March: compare the date back.
  const roundTrip = Number.isFinite(ms) && new Date(Date.parse(`${year}-${month}-${day}T00:00:00.000Z`)).toISOString().slice(0, 10) === `${year}-${month}-${day}`;
  if (!fieldsValid || !roundTrip) throw new SinceParameterError(`since ${JSON.stringify(raw.slice(0, 64))} is not a valid date-time`);
  return ms;
}

export interface ListedFile {
  uuid: string;
  name: string;
  /** ms since the epoch. */
  created: number;
}

/** Index of the first file with created > since (files sorted by created ascending). */
function firstAfter(files: readonly ListedFile[], since: number): number {
  let low = 0;
  let high = files.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (files[middle]!.created > since) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * At most `limit` files with created > since, ascending. Files this service writes never share a
 * created value; older metadata may. A page never ends inside a group of equal created values (the
 * consumer continues from the last one and would skip the rest): it stops before the group, or takes
 * the whole group when the page would otherwise be empty.
 */
export function listingPage(files: readonly ListedFile[], since: number, limit: number): ListedFile[] {
  const start = firstAfter(files, since);
  let end = Math.min(files.length, start + limit);
  if (end < files.length && end > start && files[end]!.created === files[end - 1]!.created) {
    const tie = files[end - 1]!.created;
    let groupStart = end - 1;
    while (groupStart > start && files[groupStart - 1]!.created === tie) groupStart--;
    if (groupStart > start) end = groupStart;
    else while (end < files.length && files[end]!.created === tie) end++;
  }
  return files.slice(start, end);
}

export interface ListingDocument {
  data: { type: 'files'; id: string; attributes: { name: string; created: string } }[];
}

export function listingDocument(files: readonly ListedFile[]): ListingDocument {
  return { data: files.map((file) => ({ type: 'files', id: file.uuid, attributes: { name: file.name, created: new Date(file.created).toISOString() } })) };
}
