/**
 * What the schema is generated from: the tables a principal sees, each with its
 * visible columns (Delta schema ∩ grant allow-list), GraphQL names, and key columns.
 *
 * Key convention: the Delta table property `strata.graphql.key` lists key columns
 * (comma separated, e.g. `id` or `region,day`), set with
 * `ALTER TABLE t SET TBLPROPERTIES ('strata.graphql.key' = 'id')`. A table with a key
 * whose columns are all visible becomes a federation entity (`@key(fields: "id")`).
 */
import { createHash } from 'node:crypto';
import type { Cache } from '../../core/index.js';
import type { CatalogTable } from '../../catalog/index.js';
import { sqlTableName } from '../../engine/index.js';
import { DeltaTable, changeDataFeedEnabled, type DataType } from '../../lake/index.js';
import type { ApiContext } from '../api-context.js';
import type { Principal } from '../../catalog/index.js';
import { GRAPHQL_KEY_PROPERTY } from './graphql-options.js';
import { RESERVED_NAMES, assignNames, sanitizeName, tableBaseName, tableDerivedNames } from './graphql-names.js';
import { columnType, type ColumnType } from './scalar-types.js';

export interface ColumnModel {
  /** The Delta (SQL) column name. */
  readonly column: string;
  /** The GraphQL field name. */
  readonly field: string;
  readonly type: ColumnType;
  readonly deltaType: DataType;
}

export interface TableModel {
  /** `schema.table` as the catalog formats it (the name grants and events use). */
  readonly catalogName: string;
  /** The quoted SQL name, `"schema"."table"`. */
  readonly sqlName: string;
  readonly location: string;
  /** The GraphQL base name (root field and type name). */
  readonly name: string;
  readonly columns: readonly ColumnModel[];
  /** GraphQL field names of the key columns; null: not an entity. */
  readonly key: readonly string[] | null;
  readonly changeDataFeed: boolean;
}

export interface TableSchemaInfo {
  readonly fields: readonly { readonly name: string; readonly type: DataType }[];
  readonly keyColumns: readonly string[] | null;
  readonly changeDataFeed: boolean;
}

/** The Delta schema and key property at the latest version (memoized by location). */
export function tableSchemaInfo(
  memo: Cache<string, Promise<TableSchemaInfo>>,
  location: string,
): Promise<TableSchemaInfo> {
  return memo.getOrSet(location, async () => {
    const snapshot = (await DeltaTable.open(location)).snapshot;
    const key = snapshot.configuration[GRAPHQL_KEY_PROPERTY];
    const keyColumns = key === undefined ? null : key.split(/[\s,]+/).filter((k) => k !== '');
    return {
      fields: snapshot.schema.fields.map((f) => ({ name: f.name, type: f.type })),
      keyColumns: keyColumns !== null && keyColumns.length > 0 ? keyColumns : null,
      changeDataFeed: changeDataFeedEnabled(snapshot.protocol, snapshot.metadata),
    };
  });
}

export async function loadTableModels(
  ctx: ApiContext,
  principal: Principal,
  memo: Cache<string, Promise<TableSchemaInfo>>,
): Promise<TableModel[]> {
  const tables = [...(await ctx.tables.visible(principal))].sort((a, b) => a.name.localeCompare(b.name));
  const loaded = await Promise.all(
    tables.map(async (table) => {
      const access = await ctx.tables.access(principal, table.name, 'read');
      return { table, columns: access.columns, info: await tableSchemaInfo(memo, table.location) };
    }),
  );
  const names = assignNames(
    loaded.map((l) => [l.table.name, tableBaseName(l.table.schema, l.table.table)] as const),
    RESERVED_NAMES,
    tableDerivedNames,
  );
  return loaded.map(({ table, columns, info }) => tableModel(table, names.get(table.name)!, info, columns));
}

function tableModel(
  table: CatalogTable,
  name: string,
  info: TableSchemaInfo,
  allowed: readonly string[] | null,
): TableModel {
  const allow = allowed === null ? null : new Set(allowed.map((c) => c.toLowerCase()));
  const fields = info.fields.filter((f) => allow === null || allow.has(f.name.toLowerCase()));
  const fieldNames = assignNames(
    fields.map((f) => [f.name, sanitizeName(f.name)] as const),
    new Set(['_change_type', '_commit_version']),
  );
  const columns = fields.map((f) => ({
    column: f.name,
    field: fieldNames.get(f.name)!,
    type: columnType(f.type),
    deltaType: f.type,
  }));
  const key =
    info.keyColumns?.map((k) => columns.find((c) => c.column.toLowerCase() === k.toLowerCase())?.field) ?? null;
  return {
    catalogName: table.name,
    sqlName: sqlTableName(table),
    location: table.location,
    name,
    columns,
    key: key !== null && key.every((k) => k !== undefined) ? (key as string[]) : null,
    changeDataFeed: info.changeDataFeed,
  };
}

/** Equal fingerprints: the same generated schema. */
export function modelsFingerprint(models: readonly TableModel[], canWrite: boolean, flows: boolean): string {
  const shape = models.map((m) => [
    m.catalogName,
    m.name,
    m.key,
    m.changeDataFeed,
    m.columns.map((c) => [c.column, c.field, c.deltaType]),
  ]);
  return createHash('sha256')
    .update(JSON.stringify([shape, canWrite, flows]))
    .digest('base64url');
}
