/**
 * `strata sql` outside a warehouse runs on DuckDB alone, so a table name can only be a
 * DuckDB object; DuckDB's "does not exist" then suggests its own system views. The user
 * most likely meant a warehouse table: say none was found and how to get one.
 */
import { WarehouseNotFoundError } from '../catalog/index.js';
import { missingTableName } from '../engine/index.js';

/** The error to show for `error` from SQL run without a warehouse. */
export function withoutWarehouseError(error: unknown): unknown {
  const name = missingTableName(error);
  if (name === undefined) return error;
  return new WarehouseNotFoundError(
    `Table ${name} does not exist: no warehouse found here; run \`strata init\` or set STRATA_WAREHOUSE (or pass --warehouse <dir>). Without a warehouse, read a Delta table by its path: delta_scan('<path>').`,
    { table: name },
  );
}
