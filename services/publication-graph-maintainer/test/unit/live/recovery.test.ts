import { planRecovery } from '../../../src/live/recovery.js';

describe('recovery planning', () => {
  it('nothing to do after a clean stop', () => {
    const plan = planRecovery({ appliedPosition: 3, intakePosition: 40, intakeLastSeq: 45, records: [{ seq: 3, intakeSeqs: [31, 40] }] });
    expect(plan).toEqual({ reapply: [], ackOutboxTo: undefined, ackIntakeTo: undefined, skippedIntakeRecords: 0 });
  });

  it('crash after the outbox append, before (or while) applying: re-apply the record and skip its intake records', () => {
    const plan = planRecovery({
      appliedPosition: 3,
      intakePosition: 40,
      intakeLastSeq: 60,
      records: [
        { seq: 3, intakeSeqs: [31, 40] },
        { seq: 4, intakeSeqs: [41, 47] },
      ],
    });
    expect(plan).toEqual({ reapply: [4], ackOutboxTo: 4, ackIntakeTo: 47, skippedIntakeRecords: 7 });
  });

  it('a split diff (several records of one batch) is re-applied whole, in order', () => {
    const plan = planRecovery({
      appliedPosition: 5,
      intakePosition: 10,
      intakeLastSeq: 20,
      records: [
        { seq: 5, intakeSeqs: [1, 10] },
        { seq: 6, intakeSeqs: [11, 15] },
        { seq: 7, intakeSeqs: [11, 15] },
        { seq: 8, intakeSeqs: [11, 15] },
      ],
    });
    expect(plan.reapply).toEqual([6, 7, 8]);
    expect(plan.ackOutboxTo).toBe(8);
    expect(plan.ackIntakeTo).toBe(15);
  });

  it('a split diff interrupted after some records were applied: only the rest is re-applied', () => {
    const plan = planRecovery({
      appliedPosition: 7,
      intakePosition: 10,
      intakeLastSeq: 20,
      records: [
        { seq: 7, intakeSeqs: [11, 15] },
        { seq: 8, intakeSeqs: [11, 15] },
      ],
    });
    expect(plan).toEqual({ reapply: [8], ackOutboxTo: 8, ackIntakeTo: 15, skippedIntakeRecords: 5 });
  });

  it('crash after the outbox ack, before the intake ack: nothing to re-apply, the intake records are skipped', () => {
    const plan = planRecovery({ appliedPosition: 4, intakePosition: 40, intakeLastSeq: 50, records: [{ seq: 4, intakeSeqs: [41, 47] }] });
    expect(plan).toEqual({ reapply: [], ackOutboxTo: undefined, ackIntakeTo: 47, skippedIntakeRecords: 7 });
  });

  it('an empty outbox (fresh start, or no diff ever) changes nothing', () => {
    expect(planRecovery({ appliedPosition: 0, intakePosition: 0, intakeLastSeq: 9, records: [] })).toEqual({ reapply: [], ackOutboxTo: undefined, ackIntakeTo: undefined, skippedIntakeRecords: 0 });
  });

  it('records before the applied position are ignored; the intake ack never goes beyond the intake log', () => {
    const plan = planRecovery({
      appliedPosition: 2,
      intakePosition: 3,
      intakeLastSeq: 12,
      records: [
        { seq: 1, intakeSeqs: [1, 99] },
        { seq: 2, intakeSeqs: [4, 8] },
        { seq: 3, intakeSeqs: [9, 30] },
      ],
    });
    expect(plan.reapply).toEqual([3]);
    expect(plan.ackIntakeTo).toBe(12);
  });

  it('never moves the intake cursor backwards', () => {
    const plan = planRecovery({ appliedPosition: 1, intakePosition: 50, intakeLastSeq: 60, records: [{ seq: 1, intakeSeqs: [1, 10] }, { seq: 2, intakeSeqs: [11, 20] }] });
    expect(plan.reapply).toEqual([2]);
    expect(plan.ackIntakeTo).toBeUndefined();
  });
});
