/**
 * A SQL session over a warehouse: each statement is parsed (statement-parser.ts) and
 * either executed by Strata — DDL through the catalog, DML and maintenance as Delta
 * transactions — or run by DuckDB as a query, with named lake tables rewritten into
 * snapshot scans (named-tables.ts, then delta_scan binding with data skipping).
 *
 * Every statement is atomic on its own (one Delta commit at most); a script runs its
 * statements in order and stops at the first failure.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../../catalog/index.js';
import { isStrataError } from '../../core/index.js';
import { withConnection } from '../../lake/index.js';
import { bindDeltaSql, sqlError } from '../sql/delta-scan-sql.js';
import { missingTableName } from '../sql/missing-table.js';
import { executeDdl } from './ddl-executor.js';
import { executeDml } from './dml-executor.js';
import { executeMaintenance } from './maintenance-executor.js';
import { explainSql } from '../skipping/explain.js';
import { rewriteParsedTables, type TableResolver } from '../sql/named-tables.js';
import { parseSql } from '../sql/parsed-sql.js';
import type { SkippingOptions } from '../skipping/scan-pruning.js';
import { runSql } from '../sql/sql-results.js';
import { parseStatement, splitStatements } from '../sql/statement-parser.js';
import { bindTableChanges } from '../sql/table-changes-sql.js';
import { message, type ExecutionSession, type StatementResult } from './statement-results.js';

export type { StatementResult } from './statement-results.js';

export interface SessionOptions {
  /** Keep at most this many rows of a query's result in memory. */
  readonly maxRows?: number;
  /** Resolves table names (default: the catalog's tables, unrestricted). */
  readonly resolver?: TableResolver;
  /**
   * Opens the connection each statement runs on (closed after it); default one of the
   * lake's shared DuckDB. A sandboxed instance keeps user expressions away from files.
   */
  readonly connect?: () => Promise<DuckDBConnection>;
  /** Called with every piece of user SQL before it is bound or run; throws to refuse it. */
  readonly checkSql?: (connection: DuckDBConnection, sql: string) => Promise<void>;
}

export class SqlSession implements ExecutionSession {
  readonly resolver: TableResolver;

  constructor(
    readonly catalog: Catalog,
    private readonly options: SessionOptions = {},
  ) {
    this.resolver = options.resolver ?? {
      resolveTable: async (schema, table) => (await catalog.findTable(schema ? { schema, table } : table))?.location,
    };
  }

  /** Runs every statement of the script in order; returns one result per statement. */
  async execute(script: string): Promise<StatementResult[]> {
    const results: StatementResult[] = [];
    for (const sql of splitStatements(script)) results.push(await this.executeOne(sql));
    return results;
  }

  async executeOne(sql: string): Promise<StatementResult> {
    try {
      return await this.executeParsed(sql);
    } catch (error) {
      throw await this.catalogNotFound(error);
    }
  }

  /**
   * DuckDB's "table does not exist" (suggesting its own system views) as the catalog's
   * not-found error, which suggests catalog tables; any other error as it is.
   */
  private async catalogNotFound(error: unknown): Promise<unknown> {
    const name = missingTableName(error);
    if (name === undefined) return error;
    try {
      await this.catalog.getTable(name);
      return error;
    } catch (notFound) {
      return isStrataError(notFound, 'CATALOG_TABLE_NOT_FOUND') ? notFound : error;
    }
  }

  private async executeParsed(sql: string): Promise<StatementResult> {
    const statement = parseStatement(sql);
    switch (statement.kind) {
      case 'query':
        return this.query(statement.sql, statement.explain);
      case 'createTable':
      case 'createSchema':
      case 'dropTable':
      case 'addColumns':
      case 'addConstraint':
      case 'dropConstraint':
      case 'setProperties':
      case 'showTables':
      case 'describeTable':
        return executeDdl(this, statement);
      case 'insert':
      case 'delete':
      case 'update':
      case 'merge':
        return executeDml(this, statement);
      case 'optimize':
      case 'vacuum':
      case 'describeHistory':
      case 'restore':
        return executeMaintenance(this, statement);
    }
  }

  /**
   * Runs `work` on one connection with the SQL's named tables, `table_changes(...)` and
   * `delta_scan(...)` calls bound as views; `work` gets the SQL naming those views.
   */
  async withBoundSql<T>(
    sql: string,
    work: (connection: DuckDBConnection, bound: string) => Promise<T>,
    connection?: DuckDBConnection,
  ): Promise<T> {
    const run = (c: DuckDBConnection) =>
      this.withCatalogSql(c, sql, async (rewritten, parsed) => {
        const bound = await bindDeltaSql(c, rewritten, { parsed });
        try {
          return await work(c, bound.sql);
        } catch (error) {
          throw sqlError(error, bound);
        } finally {
          await bound.release();
        }
      });
    try {
      return await (connection ? run(connection) : this.withConnection(run));
    } catch (error) {
      throw await this.catalogNotFound(error);
    }
  }

  private async query(sql: string, explain: boolean): Promise<StatementResult> {
    // DuckDB's parser finds table names in the query itself, not in EXPLAIN.
    const explained = explain ? /^\s*EXPLAIN(\s+ANALYZE)?\s/i.exec(sql) : null;
    const query = explained ? sql.slice(explained[0].length) : sql;
    // runSql and explainSql bind the delta_scan calls themselves (with data skipping).
    return this.withConnection((connection) =>
      this.withCatalogSql(connection, query, async (rewritten, parsed) => {
        if (explained) {
          // Files kept and skipped per scan, then DuckDB's plan.
          return message(
            'query',
            (await explainSql(rewritten, { connection, parsed, analyze: explained[1] !== undefined })).text,
          );
        }
        const result = await runSql(rewritten, {
          connection,
          parsed,
          ...(this.options.maxRows !== undefined ? { maxRows: this.options.maxRows } : {}),
        });
        return { statement: 'query', columns: result.columns, rows: result.rows, rowCount: result.rowCount };
      }),
    );
  }

  /**
   * Named tables rewritten to delta_scan calls and `table_changes(...)` bound as views, for
   * `work`, with the rewritten query's tree (derived from the one parse the check used).
   */
  private async withCatalogSql<T>(
    connection: DuckDBConnection,
    sql: string,
    work: (rewritten: string, parsed: SkippingOptions['parsed']) => Promise<T>,
  ): Promise<T> {
    await this.options.checkSql?.(connection, sql);
    const named = await rewriteParsedTables(await parseSql(connection, sql), this.resolver);
    const changes = await bindTableChanges(connection, named.sql, this.resolver);
    try {
      return await work(changes.sql, named);
    } finally {
      await changes.release();
    }
  }

  private async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (!this.options.connect) return withConnection(work);
    const connection = await this.options.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  }
}

/** A result without rows. */
