/**
 * Checking user values against column types before a query or write runs: one
 * `TRY_CAST` per value on the lake's DuckDB (no table is read), so `id=eq.abc` on a
 * BIGINT is a 400 naming the column and type instead of a conversion error halfway.
 */
import { quoteLiteral, withConnection } from '../../lake/index.js';
import { BadRequestError } from '../errors.js';
import type { TypedLiteral } from './row-query-conditions.js';

export async function checkLiterals(literals: readonly TypedLiteral[]): Promise<void> {
  if (literals.length === 0) return;
  const checks = literals.map((l, i) => `TRY_CAST(${quoteLiteral(l.value)} AS ${l.type}) IS NOT NULL AS ok${i}`);
  const row = await withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(`SELECT ${checks.join(', ')}`);
    return reader.getRows()[0] ?? [];
  });
  const bad = literals.find((_, i) => row[i] !== true);
  if (bad) {
    throw new BadRequestError(`Value "${bad.value}" for column "${bad.column}" is not a valid ${bad.type}.`, {
      column: bad.column,
      type: bad.type,
      value: bad.value,
    });
  }
}
