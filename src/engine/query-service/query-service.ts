/**
 * Running user SQL and structured table queries. Every query a request causes (REST
 * rows and aggregates, GraphQL fields, `/v1/sql`) goes through one QueryService, which runs it
 * in the SQL sandbox (the lake only: no other files, no ATTACH/INSTALL/SET ...) with
 * the principal's grants applied (a granted table reads as its allowed columns and
 * rows), a row limit and a time limit.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableRead } from '../query/table-reads.js';
import type { StatementResult } from '../session/statement-results.js';
import type { SqlColumn, SqlValue } from '../sql/sql-results.js';
import type { TableQuery } from '../table-query/table-query-nodes.js';
import type { Principal } from '../../catalog/index.js';
import type { QueryExplain } from './query-explain.js';

export interface QueryRequest {
  readonly principal: Principal;
  /** One read-only statement naming catalog tables (optionally `AT (VERSION => n)`). */
  readonly sql: string;
  /** Default: the server's limit. A result cut by it says so (`truncated`). */
  readonly maxRows?: number;
  readonly timeoutMs?: number;
  /** Aborting it interrupts the query; the request then fails with QueryCancelledError. */
  readonly signal?: AbortSignal;
  /**
   * Checks to run on the query's own connection before it is planned (e.g. that each
   * user value casts to its column's type), so they need no connection of their own.
   */
  readonly before?: (connection: DuckDBConnection) => Promise<void>;
}

/**
 * A structured read of one catalog table (REST rows, GraphQL fields, later feature and
 * model serving). The service applies the principal's grant to it as one transformer
 * (applyGrant: row filter ANDed, columns checked and projected) and compiles it with the
 * one compiler; callers never write its SQL or apply the grant themselves.
 */
export interface TableQueryRequest extends Omit<QueryRequest, 'sql'> {
  readonly query: TableQuery;
}

export interface QueryResult {
  readonly columns: readonly SqlColumn[];
  readonly rows: readonly (readonly SqlValue[])[];
  readonly rowCount: number;
  readonly truncated: boolean;
  readonly tables: readonly TableRead[];
}

/** A result read batch by batch; `close()` (or finishing the loop) releases it. */
export interface QueryStream extends AsyncIterable<readonly (readonly SqlValue[])[]> {
  readonly columns: readonly SqlColumn[];
  readonly tables: readonly TableRead[];
  close(): Promise<void>;
}

export interface QueryService {
  /**
   * The table states the query would read if run now (its named tables at their
   * latest versions, or at the versions it names), without running it: enough to
   * compute an ETag and answer 304 without touching data.
   */
  plan(principal: Principal, sql: string): Promise<TableRead[]>;
  run(request: QueryRequest): Promise<QueryResult>;
  /** A structured table query under the principal's grant (TableNotFoundError when it may not see the table). */
  runTableQuery(request: TableQueryRequest): Promise<QueryResult>;
  stream(request: QueryRequest): Promise<QueryStream>;
  /**
   * DuckDB's plan of the query and the files each table scan keeps and skips. Refused
   * (ForbiddenError) when a grant restricts a table it reads: the report's counts and
   * filters would describe rows and columns the grant hides.
   */
  explain(request: QueryRequest): Promise<QueryExplain>;
  /**
   * A statement that may write (INSERT/UPDATE/DELETE/MERGE through lake DML) for
   * writers and admins; DDL and maintenance for admins. Readers get ForbiddenError.
   */
  execute(principal: Principal, sql: string): Promise<StatementResult>;
  close(): Promise<void>;
}
