export { DeltaScanArgumentError, SqlExecutionError, UnsupportedStatementError } from './errors.js';
export { tokenize, significant, stringValue, type Token, type TokenKind } from './sql-tokenizer.js';
export { findDeltaScanCalls, DELTA_SCAN_OPTIONS, type DeltaScanCall } from './delta-scan-calls.js';
export { bindDeltaSql, withDeltaSql, type BoundSql, type BoundTable, type DeltaSqlOptions } from './delta-scan-sql.js';
export { runSql, streamSql, rowObjects, type RunSqlOptions, type SqlBatch, type SqlColumn, type SqlResult, type SqlValue } from './sql-results.js';
export { copySql, exportFormatOf, type ExportFormat, type ExportResult } from './sql-export.js';
export { parseColumnList } from './column-list.js';
