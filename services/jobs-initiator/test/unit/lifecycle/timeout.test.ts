import { assembleJobs, formatMinutes, isTimedOut, lastActivity } from '../../../src/lifecycle/job-state.js';

const MINUTE = 60_000;

describe('isTimedOut (fake clock)', () => {
  const now = new Date('2025-03-01T12:00:00.000Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('times out at exactly the limit, not 1 ms before', () => {
    expect(isTimedOut(ago(30 * MINUTE), now, 30)).toBe(true);
    expect(isTimedOut(ago(30 * MINUTE - 1), now, 30)).toBe(false);
    expect(isTimedOut(ago(30 * MINUTE + 1), now, 30)).toBe(true);
  });

  it('divides, never multiplies: a fresh job is not timed out (B4 #43)', () => {
    expect(isTimedOut(ago(1), now, 30)).toBe(false);
    expect(isTimedOut(ago(29 * MINUTE), now, 30)).toBe(false);
    expect(isTimedOut(ago(31 * MINUTE), now, 30)).toBe(true);
    expect(isTimedOut(ago(59 * MINUTE), now, 60)).toBe(false);
  });

  it('handles sub-minute limits', () => {
    expect(isTimedOut(ago(30_000), now, 0.5)).toBe(true);
    expect(isTimedOut(ago(29_999), now, 0.5)).toBe(false);
    expect(isTimedOut(ago(1_500), now, 0.025)).toBe(true);
    expect(isTimedOut(ago(1_499), now, 0.025)).toBe(false);
  });

  it('a last activity in the future (clock skew) is not timed out', () => {
    expect(isTimedOut(new Date(now.getTime() + MINUTE), now, 0.5)).toBe(false);
  });

  it('formats ages with one decimal', () => {
    expect(formatMinutes(31 * MINUTE)).toBe('31');
    expect(formatMinutes(30_000)).toBe('0.5');
    expect(formatMinutes(31 * MINUTE + 20_000)).toBe('31.3');
  });
});

describe('lastActivity', () => {
  const job = (rows: { job?: Partial<Record<'created' | 'modified', string>>; tasks?: Partial<Record<'created' | 'modified', string>>[] }) =>
    assembleJobs(
      [{ job: 'http://ex/job', operation: 'http://ex/op', status: 'http://redpencil.data.gift/id/concept/JobStatus/busy', ...rows.job }],
      (rows.tasks ?? []).map((task, index) => ({ task: `http://ex/task${index}`, job: 'http://ex/job', ...task })),
      [],
    )[0]!;

  it('is the latest dct:modified of the job and its tasks', () => {
    const state = job({ job: { created: '2025-03-01T10:00:00Z', modified: '2025-03-01T10:00:00Z' }, tasks: [{ created: '2025-03-01T10:00:01Z', modified: '2025-03-01T11:30:00Z' }, { modified: '2025-03-01T11:00:00Z' }] });
    expect(lastActivity(state)?.toISOString()).toBe('2025-03-01T11:30:00.000Z');
  });

  it('falls back to dct:created per resource', () => {
    const state = job({ job: { created: '2025-03-01T10:00:00Z' }, tasks: [{ created: '2025-03-01T10:05:00Z' }] });
    expect(lastActivity(state)?.toISOString()).toBe('2025-03-01T10:05:00.000Z');
  });

  it('is undefined without any date', () => {
    expect(lastActivity(job({ tasks: [{}] }))).toBeUndefined();
  });

  it('reads a dateTime without time zone as UTC', () => {
    expect(lastActivity(job({ job: { modified: '2025-03-01T10:00:00' } }))?.toISOString()).toBe('2025-03-01T10:00:00.000Z');
  });
});
