/**
 * Which warehouse a metadata database belongs to. A database records the id (and
 * directory) of the warehouse that initialized it, so a server database is never
 * used by two warehouses (their managed tables would collide) and a warehouse never
 * opens a database that is not its own.
 */
import {
  DATABASE_URL_ENV,
  MetaKind,
  openMetaDatabase,
  type MetaDatabase,
  type MigrationSource,
} from '../meta/index.js';
import type { CatalogMeta } from './catalog-tables.js';
import { WarehouseConfigError } from './errors.js';
import type { Warehouse } from './warehouse-config.js';

const ID_KEY = 'warehouse.id';
const DIRECTORY_KEY = 'warehouse.directory';

export interface Binding {
  readonly id: string;
  readonly directory: string;
}

export interface MetaConnectionOptions {
  /** A PostgreSQL URL; default: STRATA_DATABASE_URL. */
  readonly databaseUrl?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Embedded: open the database in this process or not at all (waiting a bounded time
   * for its holder to go), never through another process that holds it. For the roles
   * (`strata up`), which must own the database.
   */
  readonly exclusive?: boolean;
}

/** The database URL to use, if any: the option, else STRATA_DATABASE_URL. */
export function serverUrl(options: MetaConnectionOptions): string | undefined {
  const url = options.databaseUrl ?? (options.env ?? process.env)[DATABASE_URL_ENV];
  return url === undefined || url.trim() === '' ? undefined : url;
}

/** Opens the warehouse's metadata database where its strata.json says it is, applying `migrations`. */
export async function openWarehouseMeta(
  warehouse: Warehouse,
  options: MetaConnectionOptions,
  migrations: readonly MigrationSource[],
): Promise<MetaDatabase> {
  const url = serverUrl(options);
  if (warehouse.config.metadata === MetaKind.server && url === undefined) {
    throw new WarehouseConfigError(
      `The warehouse ${warehouse.directory} keeps its metadata in a PostgreSQL server: set ${DATABASE_URL_ENV} to that database's URL.`,
      { directory: warehouse.directory },
    );
  }
  if (warehouse.config.metadata === MetaKind.embedded && url !== undefined) {
    throw new WarehouseConfigError(
      `The warehouse ${warehouse.directory} keeps its metadata embedded (in meta/), but a PostgreSQL server is configured (${DATABASE_URL_ENV} or databaseUrl). Unset it to use this warehouse.`,
      { directory: warehouse.directory },
    );
  }
  return openMetaDatabase(
    url === undefined
      ? {
          warehouse: warehouse.directory,
          env: {},
          migrations,
          ...(options.exclusive === undefined ? {} : { exclusive: options.exclusive }),
        }
      : { databaseUrl: url, migrations },
  );
}

export async function readBinding(meta: CatalogMeta): Promise<Binding | undefined> {
  const rows = await meta.db
    .selectFrom('strata_settings')
    .select(['key', 'value'])
    .where('key', 'in', [ID_KEY, DIRECTORY_KEY])
    .execute();
  const id = rows.find((r) => r.key === ID_KEY)?.value;
  return id === undefined ? undefined : { id, directory: rows.find((r) => r.key === DIRECTORY_KEY)?.value ?? '' };
}

/** Records `binding` unless the database already has one; returns the one it has. */
export async function bind(meta: CatalogMeta, binding: Binding): Promise<Binding> {
  await meta.transaction(async (trx) => {
    await trx
      .insertInto('strata_settings')
      .values([
        { key: ID_KEY, value: binding.id },
        { key: DIRECTORY_KEY, value: binding.directory },
      ])
      .onConflict((c) => c.column('key').doNothing())
      .execute();
  });
  return (await readBinding(meta))!;
}

/** Refuses a database that does not belong to `warehouse`. */
export async function checkBinding(meta: CatalogMeta, warehouse: Warehouse): Promise<void> {
  const bound = await readBinding(meta);
  if (bound === undefined) {
    throw new WarehouseConfigError(
      `The metadata database ${meta.target} was not initialized for the warehouse ${warehouse.directory}: run \`strata init ${warehouse.directory}\`.`,
      { directory: warehouse.directory },
    );
  }
  if (bound.id !== warehouse.config.id) throw mismatch(meta, warehouse.directory, bound);
}

export function mismatch(meta: CatalogMeta, directory: string, bound: Binding): WarehouseConfigError {
  return new WarehouseConfigError(
    `The metadata database ${meta.target} belongs to another warehouse (id ${bound.id}, initialized at ${bound.directory}), not to ${directory}. ` +
      'Each warehouse needs its own database: point STRATA_DATABASE_URL at another one.',
    { directory, boundId: bound.id, boundDirectory: bound.directory },
  );
}
