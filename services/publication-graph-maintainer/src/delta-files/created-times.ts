/**
 * `dct:created` of delta files, pure. Per stream the values are unique and strictly increasing at
 * millisecond precision (http-contracts §8 rule 10): each file gets max(clock, last + 1 ms), so a clock
 * that stands still or goes backwards never produces a tie or a step back.
 */

/** The next `count` created times (ms since the epoch) after `last`, given the clock reading `now`. */
export function nextCreatedTimes(last: number | undefined, now: number, count: number): number[] {
  const times: number[] = [];
  let previous = last ?? Number.NEGATIVE_INFINITY;
  for (let index = 0; index < count; index++) {
    previous = Math.max(Math.floor(now), previous + 1);
    times.push(previous);
  }
  return times;
}

/** ISO-8601 UTC with exactly three fractional digits and `Z` (a JS Date's form). */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}
