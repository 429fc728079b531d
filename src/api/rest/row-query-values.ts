/**
 * Checking user values against column types before a query or write runs: one
 * `TRY_CAST` per value (no table is read), so `id=eq.abc` on a BIGINT is a 400 naming
 * the column and type instead of a conversion error halfway. A read checks on the
 * query's own connection (QueryRequest.before); a write on a lake connection.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral, withConnection } from '../../lake/index.js';
import { BadRequestError } from '../errors.js';
import type { TypedLiteral } from './row-query-conditions.js';

export async function checkLiterals(literals: readonly TypedLiteral[], connection?: DuckDBConnection): Promise<void> {
  if (literals.length === 0) return;
  const checks = literals.map((l, i) => `TRY_CAST(${quoteLiteral(l.value)} AS ${l.type}) IS NOT NULL AS ok${i}`);
  const check = async (c: DuckDBConnection) =>
    (await c.runAndReadAll(`SELECT ${checks.join(', ')}`)).getRows()[0] ?? [];
  const row = connection ? await check(connection) : await withConnection(check);
  const bad = literals.find((_, i) => row[i] !== true);
  if (bad) {
    throw new BadRequestError(`Value "${bad.value}" for column "${bad.column}" is not a valid ${bad.type}.`, {
      column: bad.column,
      type: bad.type,
      value: bad.value,
    });
  }
}
