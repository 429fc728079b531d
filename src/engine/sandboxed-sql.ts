/**
 * Binding untrusted SQL on a sandboxed connection: the statement check
 * (sandbox-policy.ts), then the named-table rewrite (with the resolver's restrictions),
 * `table_changes(...)` and the delta_scan binding, as SqlSession does for trusted SQL.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { bindDeltaSql, type BoundSql } from './delta-scan-sql.js';
import { rewriteNamedTables, type TableResolver } from './named-tables.js';
import { refuseQualifiedGuardedCalls } from './query-limits.js';
import { checkSandboxedSql } from './sandbox-policy.js';
import { bindTableChanges } from './table-changes-sql.js';

/**
 * The query checked and bound on `connection`; the caller runs `bound.sql` and must
 * `release()` (which also drops the change feed views). The resolver should answer
 * only catalog tables and throw for any other name, so no name reaches DuckDB's own
 * catalog (which would also find the binding's views).
 */
export async function bindSandboxedSql(
  connection: DuckDBConnection,
  sql: string,
  resolver: TableResolver,
): Promise<BoundSql> {
  await checkSandboxedSql(connection, sql);
  refuseQualifiedGuardedCalls(sql);
  const named = await rewriteNamedTables(connection, sql, resolver);
  const changes = await bindTableChanges(connection, named, resolver);
  try {
    const bound = await bindDeltaSql(connection, changes.sql);
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
