export {
  EngineErrorCode,
  EngineError,
  DeltaScanArgumentError,
  QueryMemoryLimitError,
  SandboxViolationError,
  SqlExecutionError,
  UnsupportedStatementError,
  ValueTooLargeError,
  UnknownColumnError,
} from './errors.js';
export { tokenize, significant, stringValue, type Token, type TokenKind } from './sql/sql-tokenizer.js';
export { findDeltaScanCalls, DELTA_SCAN_OPTIONS, type DeltaScanCall } from './sql/delta-scan-calls.js';
export {
  bindDeltaSql,
  withDeltaSql,
  sqlError,
  type BoundSql,
  type BoundTable,
  type DeltaSqlOptions,
  type ScanReport,
} from './sql/delta-scan-sql.js';
export { pruneFiles, type PruneOptions, type PruneResult } from './skipping/file-pruner.js';
export {
  explainSkipping,
  type FileSkipping,
  type SkippingEvidence,
  type SkippingExplanation,
  type SkippingReason,
} from './skipping/skipping-explainer.js';
export type { JoinReport, PruningReport, SkippingOptions } from './skipping/scan-pruning.js';
export type { JoinPruningOptions } from './skipping/join-pruning.js';
export { explainSql, describeScan, type ExplainOptions, type ExplainResult } from './skipping/explain.js';
export {
  runSql,
  streamSql,
  rowObjects,
  type RunSqlOptions,
  type SqlBatch,
  type SqlColumn,
  type SqlResult,
  type SqlValue,
} from './sql/sql-results.js';
export { missingTableName } from './sql/missing-table.js';
export { copySql, exportFormatOf, type ExportFormat, type ExportResult } from './sql/sql-export.js';
export { parseColumnList } from './sql/column-list.js';
export { SqlSession, type StatementResult, type SessionOptions } from './session/sql-session.js';
export { parseStatement, splitStatements, type Statement } from './sql/statement-parser.js';
export {
  rewriteNamedTables,
  rewriteParsedTables,
  locationOf,
  type RestrictedTable,
  type RewrittenSql,
  type TableResolver,
} from './sql/named-tables.js';
export { parseSql, type ParsedSql } from './sql/parsed-sql.js';
export { SandboxDuckdb } from './sandbox/sandbox-duckdb.js';
export {
  DEFAULT_SANDBOX_LIMITS,
  limitFailure,
  refuseQualifiedGuardedCalls,
  type SandboxLimits,
} from './sandbox/query-limits.js';
export { checkParsedSql, checkSandboxedSql } from './sandbox/sandbox-policy.js';
export { bindSandboxedSql, prepareSandboxedSql, type PreparedSql } from './sandbox/sandboxed-sql.js';
export { localDirectory, isInsideDirectory } from './sandbox/sandbox-paths.js';
// The snapshot door lives in the lake; re-exported so engine callers keep their import.
export { openSnapshot } from '../lake/index.js';
// The query service's parts (sandboxed, grant-aware reads): the sandbox instances, what a query reads, plans.
export { SandboxPool } from './query/sandbox-pool.js';
export {
  planReads,
  readShape,
  currentReads,
  boundReads,
  type NamingResolver,
  type PlannedReads,
  type ReadShape,
  type TableRead,
} from './query/table-reads.js';
export { PlanMemo } from './query/plan-memo.js';
export { MemoryContention } from './query/memory-contention.js';
export { planTableRead, sqlTableName, pinnedTableRef, type PlannedRead } from './query/table-read-plan.js';
// The structured table query (REST rows, GraphQL, later feature and model serving).
export {
  andAll,
  column as tableColumn,
  constant as constantWhere,
  parens as parenthesized,
  tableFrom,
  tableOf,
  tableQuery,
  value as sqlValue,
  type AggregateFunction,
  type AggregateNode,
  type ColumnNode,
  type ComparisonOperator,
  type FromNode,
  type Operand,
  type OrderItemNode,
  type SelectItemNode,
  type TableQuery,
  type ValueNode,
  type WhereNode,
} from './table-query/table-query-nodes.js';
export { compileTableQuery, compileWhere, operandSql } from './table-query/table-query-compiler.js';
export { keysetAfter, type CursorValue, type KeysetTerm } from './table-query/table-query-keyset.js';
export { applyGrant, type TableQueryGrant } from './table-query/table-query-grant.js';
// The query service: sandboxed, grant-aware, limited reads (and writes by role) for every module that runs user SQL.
export type {
  QueryRequest,
  QueryResult,
  QueryService,
  QueryStream,
  TableQueryRequest,
} from './query-service/query-service.js';
export type { QueryExplain, ExplainedScan } from './query-service/query-explain.js';
export {
  SandboxedQueryService,
  type RowAndTimeLimits,
  type SandboxedQueryServiceOptions,
} from './query-service/sandboxed-query-service.js';
export { DEFAULT_QUERY_RESOURCE_LIMITS, type QueryResourceLimits } from './query-service/query-resource-limits.js';
export type { ResultLimits } from './query-service/result-limits.js';
export { redactPaths, type NamedLocation } from './query-service/error-redaction.js';
export { redactHistoryEntry } from './query-service/history-redaction.js';
export { refuseRowsLeavingFilter } from './query-service/row-filter-checks.js';
export {
  QueryServiceErrorCode,
  QueryServiceError,
  QueryTimeoutError,
  QueryCancelledError,
  ResultTooLargeError,
  ResultMemoryLimitError,
} from './query-service/query-service-errors.js';
