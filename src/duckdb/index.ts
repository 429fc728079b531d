/**
 * The DuckDB foundation every layer above builds on: the shared instance and its
 * connections, quoting of names and literals, and narrowing of DuckDB's values to
 * JavaScript ones. Nothing here knows Delta or the catalog.
 */
export { sharedDuckdb, withConnection, queryRows, narrowWideIntegers, WIDE_INTEGERS } from './duckdb.js';
export { parseDuckdbTimestamp, type ParsedTimestamp } from './duckdb-time.js';
export { quoteIdent, quoteLiteral } from './quoting.js';
