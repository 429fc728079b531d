/**
 * Binding untrusted SQL on a sandboxed connection: the statement check
 * (sandbox-policy.ts), then the named-table rewrite (with the resolver's restrictions),
 * `table_changes(...)` and the delta_scan binding, as SqlSession does for trusted SQL.
 *
 * The text is parsed once (one `json_serialize_sql`, none for a text seen recently):
 * the check, the rewrite and data skipping all read that parse, and a request that
 * plans before binding (the query service lists the tables it reads first) prepares
 * once and binds the prepared query.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { bindDeltaSql, type BoundSql } from '../sql/delta-scan-sql.js';
import { rewriteParsedTables, type RewrittenSql, type TableResolver } from '../sql/named-tables.js';
import { parseSql } from '../sql/parsed-sql.js';
import { refuseQualifiedGuardedCalls } from './query-limits.js';
import { checkParsedSql } from './sandbox-policy.js';
import { bindTableChanges } from '../sql/table-changes-sql.js';

/** A query the sandbox policy accepted, with its named tables rewritten (nothing bound yet). */
export interface PreparedSql {
  readonly kind: 'prepared';
  /** The text as the user wrote it. */
  readonly original: string;
  readonly rewritten: RewrittenSql;
}

/** Parses, checks and rewrites `sql` (DuckDB parses it; nothing is read or bound). */
export async function prepareSandboxedSql(
  connection: DuckDBConnection,
  sql: string,
  resolver: TableResolver,
): Promise<PreparedSql> {
  const parsed = await parseSql(connection, sql);
  checkParsedSql(parsed);
  refuseQualifiedGuardedCalls(sql);
  return { kind: 'prepared', original: sql, rewritten: await rewriteParsedTables(parsed, resolver) };
}

/**
 * The query checked and bound on `connection`; the caller runs `bound.sql` and must
 * `release()` (which also drops the change feed views). The resolver should answer
 * only catalog tables and throw for any other name, so no name reaches DuckDB's own
 * catalog (which would also find the binding's views). A prepared query is bound as
 * prepared (with the same resolver), without checking or rewriting it again.
 */
export async function bindSandboxedSql(
  connection: DuckDBConnection,
  sql: string | PreparedSql,
  resolver: TableResolver,
): Promise<BoundSql> {
  const prepared = typeof sql === 'string' ? await prepareSandboxedSql(connection, sql, resolver) : sql;
  const { rewritten } = prepared;
  const changes = await bindTableChanges(connection, rewritten.sql, resolver);
  try {
    const bound = await bindDeltaSql(connection, changes.sql, {
      parsed: { sql: rewritten.sql, statements: rewritten.statements },
    });
    return {
      ...bound,
      release: async () => {
        await bound.release();
        await changes.release();
      },
    };
  } catch (error) {
    await changes.release();
    throw error;
  }
}
