/** Looking up, listing, re-owning and dropping named tables. */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { InvalidArgumentError } from '../core/index.js';
import { TableKind } from './catalog-tables.js';
import {
  allTableNames,
  selectTable,
  toCatalogTable,
  type CatalogContext,
  type CatalogTable,
} from './catalog-context.js';
import { PurgeFailedError, TableNotFoundError } from './errors.js';
import { suggestTables } from './name-suggestions.js';
import { requireSchema } from './schema-operations.js';
import { formatTableName, parseIdentifier, toTableName, type TableName } from './table-name.js';

export async function findTable(ctx: CatalogContext, input: string | TableName): Promise<CatalogTable | undefined> {
  const row = await selectTable(ctx.meta.db, toTableName(input, ctx.defaultSchema));
  return row && toCatalogTable(row, ctx.warehouse);
}

export async function getTable(ctx: CatalogContext, input: string | TableName): Promise<CatalogTable> {
  const name = toTableName(input, ctx.defaultSchema);
  const row = await selectTable(ctx.meta.db, name);
  if (!row) throw await tableNotFound(ctx, name);
  return toCatalogTable(row, ctx.warehouse);
}

export async function tableNotFound(ctx: CatalogContext, name: TableName): Promise<TableNotFoundError> {
  return new TableNotFoundError(formatTableName(name), suggestTables(name, await allTableNames(ctx.meta.db)));
}

/** Tables of one schema (by name), or of all schemas; sorted by schema, then name. */
export async function listTables(ctx: CatalogContext, schema?: string): Promise<CatalogTable[]> {
  let query = ctx.meta.db.selectFrom('catalog_tables').selectAll().orderBy('schema_name').orderBy('table_name');
  if (schema !== undefined) {
    const name = parseIdentifier(schema);
    await requireSchema(ctx.meta.db, name);
    query = query.where('schema_name', '=', name);
  }
  return (await query.execute()).map((row) => toCatalogTable(row, ctx.warehouse));
}

export async function setOwner(
  ctx: CatalogContext,
  input: string | TableName,
  owner: string | null,
): Promise<CatalogTable> {
  const name = toTableName(input, ctx.defaultSchema);
  const row = await ctx.meta.db
    .updateTable('catalog_tables')
    .set({ owner })
    .where('schema_name', '=', name.schema)
    .where('table_name', '=', name.table)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw await tableNotFound(ctx, name);
  return toCatalogTable(row, ctx.warehouse);
}

export interface DropOptions {
  /** Also delete a managed table's files (external tables' files are never deleted). */
  readonly purge?: boolean;
  /** No error when the table does not exist. */
  readonly ifExists?: boolean;
}

/**
 * Removes the table from the catalog (with its lineage). With `purge`, a managed
 * table's files are deleted too. Without it they stay where they are; a table
 * created later under the same name gets a directory of its own.
 */
export async function dropTable(
  ctx: CatalogContext,
  input: string | TableName,
  options: DropOptions = {},
): Promise<CatalogTable | undefined> {
  const name = toTableName(input, ctx.defaultSchema);
  const row = await selectTable(ctx.meta.db, name);
  const table = row && toCatalogTable(row, ctx.warehouse);
  if (table?.kind === TableKind.external && options.purge) {
    throw new InvalidArgumentError(
      `Table ${table.name} is external: its files at ${table.location} are not Strata's to delete, so purge is refused. Drop it without purge (the files stay).`,
      { name: table.name },
    );
  }
  const deleted =
    table &&
    (await ctx.meta.db.deleteFrom('catalog_tables').where('id', '=', table.id).executeTakeFirst()).numDeletedRows > 0n;
  if (!deleted) {
    if (options.ifExists) return undefined;
    throw await tableNotFound(ctx, name);
  }
  if (options.purge) await purge(ctx, table);
  return table;
}

async function purge(ctx: CatalogContext, table: CatalogTable): Promise<void> {
  try {
    await removeManagedFiles(ctx, table.location);
  } catch (error) {
    throw new PurgeFailedError(table.name, table.location, { cause: error });
  }
}

/**
 * Deletes a managed table's directory: renamed into `<lake>/.trash/` first (atomic),
 * so a table created meanwhile at the same place never loses files to the deletion.
 */
export async function removeManagedFiles(ctx: CatalogContext, location: string): Promise<void> {
  const trash = path.join(ctx.warehouse.lakeRoot, '.trash', randomUUID());
  await mkdir(path.dirname(trash), { recursive: true });
  try {
    await rename(location, trash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rm(trash, { recursive: true, force: true });
}
