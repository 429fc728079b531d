/**
 * The demo's last chapter: the demo directory becomes a warehouse (embedded metadata
 * database, whatever STRATA_DATABASE_URL says) with the flights table in its catalog, so
 * `strata up` on it serves the table to SQL, REST and the web console.
 */
import { Catalog, initWarehouse } from '../catalog/index.js';
import { moduleMigrations } from './metadata-modules.js';

export interface DemoWarehouse {
  readonly directory: string;
  readonly tableName: string;
}

export async function makeDemoWarehouse(dir: string, flightsLocation: string): Promise<DemoWarehouse> {
  // env {}: the demo runs on the embedded defaults even where a server database is configured.
  const init = await initWarehouse(dir, { migrations: await moduleMigrations(), env: {} });
  const catalog = await Catalog.open({ warehouse: init.warehouse.directory, env: {} });
  try {
    const table = await catalog.registerExternal('flights', flightsLocation, { owner: 'demo' });
    return { directory: init.warehouse.directory, tableName: table.name };
  } finally {
    await catalog.close();
  }
}
