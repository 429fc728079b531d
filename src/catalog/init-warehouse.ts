/**
 * `strata init [DIR]`: makes DIR a warehouse. Creates `DIR/lake` (the lake root),
 * the metadata database with its migrations (embedded in `DIR/meta`, or the server
 * named by `databaseUrl` / STRATA_DATABASE_URL) bound to this warehouse, and
 * `DIR/strata.json`, written last, so an interrupted init leaves no warehouse that
 * looks complete. Idempotent: on an existing warehouse it applies new migrations.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { MetaKind, type MigrationReport, type MigrationSource } from '../meta/index.js';
import type { CatalogTables } from './catalog-tables.js';
import { CATALOG_MIGRATIONS } from './migrations/catalog-migrations.js';
import { bind, mismatch, openWarehouseMeta, serverUrl, type MetaConnectionOptions } from './warehouse-binding.js';
import {
  readWarehouse,
  warehouseAt,
  writeWarehouseConfig,
  type Warehouse,
  type WarehouseConfig,
} from './warehouse-config.js';

export interface InitResult {
  readonly warehouse: Warehouse;
  /** False when DIR already was a warehouse. */
  readonly created: boolean;
  /** Migrations applied to the metadata database by this call. */
  readonly migrations: MigrationReport;
}

export interface InitOptions extends MetaConnectionOptions {
  /** Migration sources of the modules to set up besides the catalog (`strata init` passes every module's). */
  readonly migrations?: readonly MigrationSource[];
}

export async function initWarehouse(dir: string, options: InitOptions = {}): Promise<InitResult> {
  const directory = path.resolve(dir);
  mkdirSync(directory, { recursive: true });
  const existing = readWarehouse(directory);
  let config: WarehouseConfig = existing?.config ?? {
    format: 1,
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    metadata: serverUrl(options) === undefined ? MetaKind.embedded : MetaKind.server,
  };
  const warehouse = warehouseAt(directory, config);
  mkdirSync(warehouse.lakeRoot, { recursive: true });
  const meta = (
    await openWarehouseMeta(warehouse, options, [CATALOG_MIGRATIONS, ...(options.migrations ?? [])])
  ).withTables<CatalogTables>();
  try {
    const bound = await bind(meta, { id: config.id, directory });
    if (bound.id !== config.id) {
      // An earlier init of this directory stopped before writing strata.json: adopt its id.
      if (existing || bound.directory !== directory) throw mismatch(meta, directory, bound);
      config = { ...config, id: bound.id };
    }
    if (!existing) writeWarehouseConfig(directory, config);
    return { warehouse: warehouseAt(directory, config), created: !existing, migrations: meta.migrations };
  } finally {
    await meta.close();
  }
}
