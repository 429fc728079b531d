export * from './actions.js';
export * from './errors.js';
export * from './schema.js';
export { loadSnapshot, Snapshot } from './snapshot.js';
export { openSnapshot, latestVersion, forgetSnapshots, type SnapshotAt } from './snapshot-cache.js';
export { readCommitsAfter, type TableCommit, type CommitTailOptions } from './commit-tail.js';
export { bindScan, type ScanBinding, type ScanOptions } from './scan.js';
export { readRows } from './read.js';
export { withConnection, sharedDuckdb, queryRows, narrowWideIntegers, WIDE_INTEGERS } from './duckdb.js';
export {
  assertReadable,
  assertWritable,
  minimumProtocol,
  SUPPORTED_READER_FEATURES,
  SUPPORTED_WRITER_FEATURES,
} from './protocol.js';
export {
  DeltaTable,
  type OpenOptions,
  type CreateOptions,
  type WriteOptions,
  type OverwriteOptions,
  type WriteResult,
} from './table.js';
export { Transaction, type TransactionOptions, type CommitResult } from './transaction.js';
export { fromRows, fromSql, fromFile, formatOf, type DataSource, type FileFormat } from './data-source.js';
export { readHistory, versionAtTimestamp, parseTimestamp, type HistoryEntry } from './history.js';
export {
  writeCheckpoint,
  shouldCheckpoint,
  type CheckpointOptions,
  type CheckpointResult,
} from './checkpoint-writer.js';
export { cleanupExpiredLogs } from './log-cleanup.js';
export { vacuum, type VacuumOptions, type VacuumResult } from './vacuum.js';
export { type DmlResult } from './table.js';
export { deleteRows } from './delete-rows.js';
export { updateRows, type Assignments } from './update-rows.js';
export { mergeInto, type MergeOutcome } from './merge-into.js';
export { type MergeSpec, type MergeClause, type MergeAction } from './merge-plan.js';
export { type DmlOptions, type DmlMetrics, type DmlOutcome } from './dml-context.js';
export {
  ConstraintViolationError,
  AppendOnlyTableError,
  MergeCardinalityError,
  ChangeDataFeedError,
} from './dml-errors.js';
export {
  tableConstraints,
  checkConstraints,
  checkedRelation,
  withConstraintErrors,
  type ConstraintRule,
} from './constraints.js';
export { addConstraint, dropConstraint, setProperties } from './constraint-changes.js';
export {
  tableChanges,
  readChanges,
  type ChangeFeed,
  type ChangeFeedBinding,
  type TableRef,
} from './change-data-reader.js';
export { ChangeType, CHANGE_DATA_DIR, CHANGE_TYPE_COLUMN } from './change-data-writer.js';
export { upgradeProtocol, supportsWriterFeature, changeDataFeedEnabled, deletionVectorsEnabled } from './protocol.js';
export {
  optimize,
  DEFAULT_OPTIMIZE_FILE_SIZE,
  DEFAULT_MAX_DELETED_ROWS_RATIO,
  type OptimizeOptions,
  type OptimizeMetrics,
  type OptimizeResult,
  type SnapshotSource,
} from './optimize.js';
export {
  restore,
  RestoreMissingFilesError,
  type RestoreTarget,
  type RestoreMetrics,
  type RestoreResult,
} from './restore.js';
export { interleaveBits, zorderBits } from './zorder.js';
export { addColumns } from './schema-changes.js';
