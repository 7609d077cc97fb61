import { listingDocument, listingPage, parseSince, SinceParameterError, type ListedFile } from '../../../src/delta-files/listing.js';

const at = (iso: string) => Date.parse(iso);

describe('since', () => {
  it.each([
    ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01T01:00:00.000+01:00', '2024-01-01T00:00:00.000Z'],
    // `+` sent unencoded arrives as a space
    ['2024-01-01T01:00:00.000 01:00', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01T00:00:00.000-0230', '2024-01-01T02:30:00.000Z'],
    ['2024-01-01T00:00', '2024-01-01T00:00:00.000Z'],
    // sub-millisecond digits are cut: created values are whole milliseconds
    ['2024-01-01T00:00:00.1239Z', '2024-01-01T00:00:00.123Z'],
  ])('reads %s', (raw, expected) => {
    expect(new Date(parseSince(raw)).toISOString()).toBe(expected);
  });

  it.each([[undefined], [''], ['yesterday'], ['2024-13-01T00:00:00Z'], ['2024-02-30T00:00:00Z'], ['2024-01-01'], ['2024-01-01T25:00:00Z'], ['"} } DROP ALL #'], [['2024-01-01T00:00:00Z', 'x']]])('refuses %p', (raw) => {
    expect(() => parseSince(raw)).toThrow(SinceParameterError);
  });
});

describe('listing page', () => {
  const file = (n: number, created: number): ListedFile => ({ uuid: `u${n}`, name: `f${n}`, created });
  const files = Array.from({ length: 10 }, (_, n) => file(n, 1000 + n * 10));

  it('lists files created strictly after since, ascending, at most the limit', () => {
    expect(listingPage(files, 1020, 3).map((f) => f.uuid)).toEqual(['u3', 'u4', 'u5']);
    expect(listingPage(files, 1019, 2).map((f) => f.uuid)).toEqual(['u2', 'u3']);
    expect(listingPage(files, 2000, 5)).toEqual([]);
    expect(listingPage(files, 0, 100)).toHaveLength(10);
  });

  it('paging with since = the last created of each page visits every file once', () => {
    const seen: string[] = [];
    let since = 0;
    for (let page = listingPage(files, since, 3); page.length > 0; page = listingPage(files, since, 3)) {
      seen.push(...page.map((f) => f.uuid));
      since = page.at(-1)!.created;
    }
    expect(seen).toEqual(files.map((f) => f.uuid));
  });

  it('never ends a page inside a group of equal created values (older metadata may have ties)', () => {
    const tied = [file(0, 10), file(1, 20), file(2, 20), file(3, 20), file(4, 30)];
    expect(listingPage(tied, 0, 2).map((f) => f.uuid)).toEqual(['u0']);
    // a group larger than the page is listed whole rather than cut
    expect(listingPage(tied, 10, 2).map((f) => f.uuid)).toEqual(['u1', 'u2', 'u3']);
    expect(listingPage(tied, 20, 2).map((f) => f.uuid)).toEqual(['u4']);
  });

  it('answers the JSON:API shape consumers read', () => {
    expect(listingDocument([file(7, at('2025-03-01T10:11:12.351Z'))])).toEqual({ data: [{ type: 'files', id: 'u7', attributes: { name: 'f7', created: '2025-03-01T10:11:12.351Z' } }] });
  });
});
