/**
 * What the table routes share: a table's columns with DuckDB types as a principal sees
 * them (planning the read itself is sql/table-read-plan.ts).
 */
import { duckdbType, type StructType } from '../../lake/index.js';
import type { TableColumn } from './row-query-conditions.js';

export function tableColumns(schema: StructType): TableColumn[] {
  return schema.fields.map((f) => ({ name: f.name, type: duckdbType(f.type) }));
}

/** The columns of the grant's allow-list (all when it has none). */
export function visibleColumns(columns: readonly TableColumn[], allowed: readonly string[] | null): TableColumn[] {
  return allowed === null ? [...columns] : columns.filter((c) => allowed.includes(c.name));
}
