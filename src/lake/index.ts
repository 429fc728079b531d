// Log actions (PROTOCOL.md, "Actions")
export {
  toAction,
  actionProblem,
  actionToJson,
  commitText,
  type Protocol,
  type Metadata,
  type DeletionVectorDescriptor,
  type PartitionValues,
  type AddFile,
  type RemoveFile,
  type AddCdcFile,
  type Txn,
  type CommitInfo,
  type DomainMetadata,
  type CheckpointMetadata,
  type Sidecar,
  type Action,
  type ActionKind,
} from './log/actions.js';
// Errors
export {
  LakeErrorCode,
  LakeError,
  NotADeltaTableError,
  TableExistsError,
  UnsupportedProtocolError,
  CorruptLogError,
  LogGapError,
  MissingActionError,
  VersionNotFoundError,
  SchemaMismatchError,
  ConflictRule,
  CommitConflictError,
  DeletionVectorError,
  VacuumRetentionError,
  InvalidTableOperationError,
  BadRowsError,
} from './errors.js';
// Schemas and types
export {
  parseSchema,
  isStruct,
  isArray,
  isMap,
  decimalParts,
  duckdbType,
  deltaTypeFromDuckdb,
  columnMappingMode,
  physicalName,
  fieldId,
  findField,
  typeToString,
  sameType,
  type PrimitiveTypeName,
  type DataType,
  type StructField,
  type StructType,
  type ArrayType,
  type MapType,
  ColumnMappingMode,
  quoteIdent,
  quoteLiteral,
} from './log/schema.js';
export { loadSnapshot, Snapshot } from './log/snapshot.js';
export { openSnapshot, latestVersion, forgetSnapshots, type SnapshotAt } from './log/snapshot-cache.js';
export { readCommitsAfter, type TableCommit, type CommitTailOptions } from './log/commit-tail.js';
export { bindScan, type ScanBinding, type ScanOptions } from './read/scan.js';
export { readRows } from './read/read.js';
export { withConnection, sharedDuckdb, queryRows, narrowWideIntegers, WIDE_INTEGERS } from '../duckdb/index.js';
export {
  assertReadable,
  assertWritable,
  minimumProtocol,
  SUPPORTED_READER_FEATURES,
  SUPPORTED_WRITER_FEATURES,
} from './log/protocol.js';
export {
  DeltaTable,
  type OpenOptions,
  type CreateOptions,
  type WriteOptions,
  type OverwriteOptions,
  type WriteResult,
} from './table.js';
export { Transaction, type TransactionOptions, type CommitResult } from './transaction/transaction.js';
export {
  fromRows,
  fromSql,
  fromFile,
  formatOf,
  checkedFileSource,
  type DataSource,
  type FileFormat,
  type SourceRelation,
} from './write/data-source.js';
export {
  BadRowsMode,
  defaultRejectsFile,
  type InputChecks,
  type InputReport,
  type RejectedRow,
} from './write/bad-rows.js';
export { readHistory, versionAtTimestamp, parseTimestamp, type HistoryEntry } from './log/history.js';
export {
  writeCheckpoint,
  shouldCheckpoint,
  type CheckpointOptions,
  type CheckpointResult,
} from './log/checkpoint-writer.js';
export { cleanupExpiredLogs } from './log/log-cleanup.js';
export { vacuum, type VacuumOptions, type VacuumResult } from './operations/vacuum.js';
export { type DmlResult } from './table.js';
export { deleteRows } from './operations/delete-rows.js';
export { updateRows, type Assignments } from './operations/update-rows.js';
export { mergeInto, type MergeOutcome } from './operations/merge-into.js';
export { type MergeSpec, type MergeClause, type MergeAction } from './operations/merge-plan.js';
export { type DmlOptions, type DmlMetrics, type DmlOutcome } from './operations/dml-context.js';
export {
  ConstraintViolationError,
  AppendOnlyTableError,
  MergeCardinalityError,
  ChangeDataFeedError,
} from './operations/dml-errors.js';
export {
  tableConstraints,
  checkConstraints,
  checkedRelation,
  withConstraintErrors,
  type ConstraintRule,
} from './write/constraints.js';
export { addConstraint, dropConstraint, setProperties } from './operations/constraint-changes.js';
export {
  tableChanges,
  readChanges,
  type ChangeFeed,
  type ChangeFeedBinding,
  type TableRef,
} from './change-data/change-data-reader.js';
export { ChangeType, CHANGE_DATA_DIR, CHANGE_TYPE_COLUMN } from './change-data/change-data-writer.js';
export {
  upgradeProtocol,
  supportsWriterFeature,
  changeDataFeedEnabled,
  deletionVectorsEnabled,
} from './log/protocol.js';
export {
  optimize,
  DEFAULT_OPTIMIZE_FILE_SIZE,
  DEFAULT_MAX_DELETED_ROWS_RATIO,
  type OptimizeOptions,
  type OptimizeMetrics,
  type OptimizeResult,
  type SnapshotSource,
} from './operations/optimize.js';
export {
  restore,
  RestoreMissingFilesError,
  type RestoreTarget,
  type RestoreMetrics,
  type RestoreResult,
} from './operations/restore.js';
export {
  describeConstraintChanges,
  type ConstraintChanges,
  type TableConstraint,
} from './operations/restore-constraints.js';
export { interleaveBits, zorderBits } from './operations/zorder.js';
export { addColumns } from './operations/schema-changes.js';
