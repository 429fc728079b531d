/**
 * Catalog: named tables of one warehouse. Names are `schema.table` (default schema
 * `main`) and map to Delta tables: managed ones under the warehouse's lake root
 * (`<warehouse>/lake/<schema>/<table>`), external ones anywhere else.
 *
 * What it guarantees: a name maps to at most one table and a location to at most
 * one name (unique keys in the metadata database, so this holds across processes on
 * a PostgreSQL server); a created table exists as a Delta table before its name does.
 */
import * as path from 'node:path';
import { DeltaTable, type OpenOptions } from '../lake/index.js';
import type { MetaDatabase, MigrationSource } from '../meta/index.js';
import type { CatalogMeta, CatalogTables } from './catalog-tables.js';
import { CATALOG_MIGRATIONS } from './migrations/catalog-migrations.js';
import type { CatalogContext, CatalogTable } from './catalog-context.js';
import { WarehouseNotFoundError } from './errors.js';
import { lineage, recordLineage, type Lineage, type LineageEdge, type LineageInput } from './lineage-records.js';
import { createSchema, dropSchema, listSchemas, type CatalogSchema } from './schema-operations.js';
import { createTable, registerExternal, type CreateTableOptions } from './table-creation.js';
import { dropTable, findTable, getTable, listTables, setOwner, type DropOptions } from './table-operations.js';
import { DEFAULT_SCHEMA, toTableName, type TableName } from './table-name.js';
import { checkBinding, openWarehouseMeta, type MetaConnectionOptions } from './warehouse-binding.js';
import { findWarehouse, readWarehouse, WAREHOUSE_CONFIG_FILE, type Warehouse } from './warehouse-config.js';

export interface CatalogOptions extends MetaConnectionOptions {
  /** The warehouse directory; default: STRATA_WAREHOUSE, else the nearest strata.json at or above `cwd`. */
  readonly warehouse?: string;
  readonly cwd?: string;
  /** Use this open metadata database (shared with other modules) instead of opening one; close() leaves it open. */
  readonly meta?: MetaDatabase;
  /** The default owner of schemas and tables this catalog creates. */
  readonly user?: string;
  /**
   * Migration sources of the modules composed with this catalog (flows, api auth, ...):
   * applied with the catalog's own when the catalog opens, so their tables exist.
   */
  readonly migrations?: readonly MigrationSource[];
}

export class Catalog implements AsyncDisposable {
  private constructor(
    private readonly ctx: CatalogContext,
    private readonly ownsMeta: boolean,
  ) {}

  static async open(options: CatalogOptions = {}): Promise<Catalog> {
    const warehouse = locateWarehouse(options);
    const migrations = [CATALOG_MIGRATIONS, ...(options.migrations ?? [])];
    const meta = (
      options.meta ?? (await openWarehouseMeta(warehouse, options, migrations))
    ).withTables<CatalogTables>();
    try {
      if (options.meta) await meta.migrate(migrations);
      await checkBinding(meta, warehouse);
    } catch (error) {
      if (!options.meta) await meta.close();
      throw error;
    }
    return new Catalog({ meta, warehouse, defaultSchema: DEFAULT_SCHEMA, user: options.user }, !options.meta);
  }

  get warehouse(): Warehouse {
    return this.ctx.warehouse;
  }

  /** The metadata database, as the catalog sees it; other modules take their own view (`withTables`). */
  get meta(): CatalogMeta {
    return this.ctx.meta;
  }

  /** Parses a name as SQL does (unquoted parts folded to lower case), filling in the default schema. */
  resolve(name: string | TableName): TableName {
    return toTableName(name, this.ctx.defaultSchema);
  }

  createSchema(name: string, options: { owner?: string; ifNotExists?: boolean } = {}): Promise<CatalogSchema> {
    return createSchema(this.ctx, name, options);
  }

  listSchemas(): Promise<CatalogSchema[]> {
    return listSchemas(this.ctx);
  }

  /** Drops an empty schema; true when it existed. */
  dropSchema(name: string, options: { ifExists?: boolean } = {}): Promise<boolean> {
    return dropSchema(this.ctx, name, options);
  }

  /** Creates a Delta table (managed, or external at `options.location`) and records it under `name`. */
  createTable(name: string | TableName, options: CreateTableOptions): Promise<CatalogTable> {
    return createTable(this.ctx, name, options);
  }

  /** Records the existing Delta table at `location` under `name`. */
  registerExternal(
    name: string | TableName,
    location: string,
    options: { owner?: string } = {},
  ): Promise<CatalogTable> {
    return registerExternal(this.ctx, name, location, options);
  }

  /** The table, or TableNotFoundError suggesting close names. */
  getTable(name: string | TableName): Promise<CatalogTable> {
    return getTable(this.ctx, name);
  }

  findTable(name: string | TableName): Promise<CatalogTable | undefined> {
    return findTable(this.ctx, name);
  }

  /** Opens the named table's Delta table (at its latest version, or as `options` say). */
  async openTable(name: string | TableName, options: OpenOptions = {}): Promise<DeltaTable> {
    return DeltaTable.open((await this.getTable(name)).location, options);
  }

  listTables(schema?: string): Promise<CatalogTable[]> {
    return listTables(this.ctx, schema);
  }

  /** Removes the name; `purge` also deletes a managed table's files. Returns the dropped table. */
  dropTable(name: string | TableName, options: DropOptions = {}): Promise<CatalogTable | undefined> {
    return dropTable(this.ctx, name, options);
  }

  setOwner(name: string | TableName, owner: string | null): Promise<CatalogTable> {
    return setOwner(this.ctx, name, owner);
  }

  /** Records that `operation` wrote `to` from `from` (one table or several). */
  recordLineage(input: LineageInput): Promise<LineageEdge[]> {
    return recordLineage(this.ctx, input);
  }

  /** The direct lineage edges into and out of a table. */
  lineage(name: string | TableName): Promise<Lineage> {
    return lineage(this.ctx, name);
  }

  /** Closes the metadata database if this catalog opened it. Idempotent. */
  async close(): Promise<void> {
    if (this.ownsMeta) await this.ctx.meta.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function locateWarehouse(options: CatalogOptions): Warehouse {
  if (options.warehouse === undefined)
    return findWarehouse({
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
  const directory = path.resolve(options.cwd ?? process.cwd(), options.warehouse);
  const warehouse = readWarehouse(directory);
  if (!warehouse)
    throw new WarehouseNotFoundError(
      `${directory} is not a warehouse (it has no ${WAREHOUSE_CONFIG_FILE}). Create it with \`strata init ${directory}\` (initWarehouse).`,
      { directory },
    );
  return warehouse;
}
