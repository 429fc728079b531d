/**
 * A diff page for a table without a change data feed: the set difference of the two
 * versions' rows (`EXCEPT ALL` both ways), run by the query service, so the principal's
 * grant applies exactly as on reads. It cannot tell an update from a delete and an
 * insert, and it has no commit versions: the route labels it `snapshot-difference`.
 */
import { pinnedTableRef, rowObjects, sqlTableName } from '../../engine/index.js';
import { duckdbType, openSnapshot, quoteIdent, sameType, type Snapshot } from '../../lake/index.js';
import type { ApiContext, TableAccess } from '../api-context.js';
import type { Principal } from '../../catalog/index.js';
import type { DiffPage, DiffRange } from './table-diff-page.js';

export async function snapshotDiff(
  ctx: ApiContext,
  principal: Principal,
  access: TableAccess,
  range: DiffRange,
): Promise<DiffPage> {
  const [older, newer] = await Promise.all([
    openSnapshot(access.table.location, { version: range.from }),
    openSnapshot(access.table.location, { version: range.to }),
  ]);
  const columns = sharedColumns(older, newer, access.columns);
  const list = columns.map((c) => quoteIdent(c.name)).join(', ');
  const name = sqlTableName(access.table);
  const changes = `WITH a AS (SELECT ${list} FROM ${pinnedTableRef(name, range.from)}),
    b AS (SELECT ${list} FROM ${pinnedTableRef(name, range.to)}),
    changes AS (
      SELECT *, 'insert' AS _change_type FROM (SELECT * FROM b EXCEPT ALL SELECT * FROM a)
      UNION ALL
      SELECT *, 'delete' AS _change_type FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b))`;
  const run = (sql: string, maxRows: number) =>
    ctx.queries.run({ principal, sql, maxRows, timeoutMs: ctx.limits.queryTimeoutMs });
  const counted = rowObjects(await run(`${changes} SELECT _change_type, count(*) AS n FROM changes GROUP BY ALL`, 4));
  const order = [...columns.slice(0, 1).map((c) => quoteIdent(c.name)), '_change_type'].join(', ');
  const page = await run(
    `${changes} SELECT * FROM changes ORDER BY ${order} LIMIT ${range.limit + 1} OFFSET ${range.offset}`,
    range.limit + 1,
  );
  return {
    source: 'snapshot-difference',
    columns,
    counts: Object.fromEntries(counted.map((row) => [String(row._change_type), Number(row.n)])),
    rows: rowObjects(page),
  };
}

/** The grant's columns present at both versions (a column added, dropped or retyped in between cannot be compared). */
function sharedColumns(
  older: Snapshot,
  newer: Snapshot,
  allowed: readonly string[] | null,
): Array<{ name: string; type: string }> {
  return newer.schema.fields
    .filter((f) => allowed === null || allowed.includes(f.name))
    .filter((f) => older.schema.fields.some((o) => o.name === f.name && sameType(o.type, f.type)))
    .map((f) => ({ name: f.name, type: duckdbType(f.type) }));
}
