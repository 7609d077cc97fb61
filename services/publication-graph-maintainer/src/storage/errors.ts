/** Errors of the durable log (storage/). */

export class DurableLogError extends Error {
  override readonly name: string = 'DurableLogError';
}

/**
 * Bytes on disk that are not what the log wrote: never skipped, never repaired silently. Raised at
 * open (or by a read) with the file and the byte offset of the first bad record.
 */
export class LogCorruptionError extends DurableLogError {
  override readonly name: string = 'LogCorruptionError';
  readonly file: string;
  readonly offset: number;

  constructor(file: string, offset: number, reason: string, options?: ErrorOptions) {
    super(`${file} at byte offset ${offset}: ${reason}`, options);
    this.file = file;
    this.offset = offset;
  }
}

/** The log was closed (or is closing) and takes no more appends, acks or reads. */
export class LogClosedError extends DurableLogError {
  override readonly name: string = 'LogClosedError';
}

/** A read asked for records that compaction already deleted. */
export class LogCompactedError extends DurableLogError {
  override readonly name: string = 'LogCompactedError';
  readonly requestedSeq: number;
  readonly firstSeq: number;

  constructor(requestedSeq: number, firstSeq: number, dir: string) {
    super(`${dir}: record ${requestedSeq} was deleted by compaction; the log starts at ${firstSeq}`);
    this.requestedSeq = requestedSeq;
    this.firstSeq = firstSeq;
  }
}
