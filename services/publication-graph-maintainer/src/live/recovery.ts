/**
 * Pure planning of a stream's start-up recovery (see apply.ts for the order of a batch:
 * outbox append → apply → ack `applied` → ack the intake cursor).
 *
 * After a crash at any point of that order, the outbox and the two cursors tell what to do:
 * - outbox records after the `applied` cursor were appended but maybe not (fully) applied: re-apply
 *   them, in order (idempotent: the record is the complete diff, deletes then inserts), then ack them;
 * - the intake cursor may lag behind the intake records an outbox record covers (crash after the
 *   outbox ack, or before it): ack the intake cursor up to the highest `intakeSeqs` last of every
 *   record read, so those intake records are not processed again (their changes are published once).
 * The record at the `applied` position itself is read too when still retained: a crash between its
 * outbox ack and the intake ack leaves the intake cursor behind it.
 */

export interface OutboxRecordSummary {
  /** Outbox seq. */
  seq: number;
  /** First and last intake seq the record's diff covers. */
  intakeSeqs: readonly [number, number];
}

export interface RecoveryInput {
  /** Position of the outbox cursor `applied`. */
  appliedPosition: number;
  /** Position of the stream's intake cursor. */
  intakePosition: number;
  /** Last seq of the intake log (acks cannot go beyond it). */
  intakeLastSeq: number;
  /** Outbox records from the `applied` position on (or from the first retained one), in order. */
  records: readonly OutboxRecordSummary[];
}

export interface RecoveryPlan {
  /** Outbox seqs to re-apply, in order. */
  reapply: number[];
  /** Ack the outbox cursor `applied` to this seq after re-applying; undefined: nothing to ack. */
  ackOutboxTo: number | undefined;
  /** Ack the intake cursor to this seq (its records are already in the outbox); undefined: nothing to ack. */
  ackIntakeTo: number | undefined;
  /** Intake records a later worker skips because an outbox record already covers them. */
  skippedIntakeRecords: number;
}

export function planRecovery(input: RecoveryInput): RecoveryPlan {
  const reapply: number[] = [];
  let coveredTo = input.intakePosition;
  for (const record of input.records) {
    if (record.seq < input.appliedPosition) continue;
    if (record.seq > input.appliedPosition) reapply.push(record.seq);
    coveredTo = Math.max(coveredTo, record.intakeSeqs[1]);
  }
  coveredTo = Math.min(coveredTo, input.intakeLastSeq);
  const ackIntakeTo = coveredTo > input.intakePosition ? coveredTo : undefined;
  return {
    reapply,
    ackOutboxTo: reapply.length > 0 ? reapply.at(-1) : undefined,
    ackIntakeTo,
    skippedIntakeRecords: ackIntakeTo === undefined ? 0 : ackIntakeTo - input.intakePosition,
  };
}
