import { tickIds, tickKey, tickTime } from '../../../src/scheduling/tick-key.js';

describe('cron tick keys', () => {
  const tick = new Date('2025-03-01T02:00:00.000Z');

  it('are the same for the same stream, kind and tick, wherever and whenever computed', () => {
    // Two replicas fire a few milliseconds apart within the same scheduled second.
    expect(tickIds('organizations', 'healing', tick)).toEqual(tickIds('organizations', 'healing', new Date('2025-03-01T02:00:00.987Z')));
    expect(tickKey('organizations', 'healing', tick)).toBe('organizations|healing|2025-03-01T02:00:00.000Z');
  });

  it('differ per stream, kind and tick', () => {
    const ids = new Set(
      [
        tickIds('organizations', 'healing', tick),
        tickIds('public', 'healing', tick),
        tickIds('organizations', 'dump', tick),
        tickIds('organizations', 'healing', new Date('2025-03-01T02:00:01.000Z')),
        tickIds('organizations', 'healing', new Date('2025-03-02T02:00:00.000Z')),
      ].flatMap((pair) => [pair.jobUuid, pair.taskUuid]),
    );
    expect(ids.size).toBe(10);
  });

  it('are valid UUIDs (they become mu:uuid values)', () => {
    const { jobUuid, taskUuid } = tickIds('organizations', 'dump', tick);
    expect(jobUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(taskUuid).not.toBe(jobUuid);
  });

  it('truncate to the second', () => {
    expect(tickTime(new Date('2025-03-01T02:00:59.999Z'))).toBe('2025-03-01T02:00:59.000Z');
  });
});
