/** Durable storage of the maintainer: the append-only log behind the intake log and the outboxes. */
export {
  DurableLog,
  segmentFileName,
  type BinaryLogRecord,
  type CompactionResult,
  type CursorOptions,
  type DurableLogLogger,
  type DurableLogOptions,
  type DurableLogStats,
  type JsonLogRecord,
  type LogCursor,
  type LogRecord,
  type ReadOptions,
} from './durable-log.js';
export { DurableLogError, LogClosedError, LogCompactedError, LogCorruptionError } from './errors.js';
export type { FsyncKind } from './fs-util.js';
export { LogCompaction } from './log-compaction.js';
