/** Warehouses: `strata init`, finding one from the working directory, and refusing the wrong database. */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Catalog,
  WarehouseConfigError,
  WarehouseNotFoundError,
  findWarehouse,
  initWarehouse,
} from '../../src/catalog/index.js';
import { DATABASE_URL_ENV, MetaLockedError } from '../../src/meta/index.js';
import { ALL_MIGRATION_IDS, ALL_MIGRATIONS } from '../meta/helpers/modules.js';
import { describeBackends, tempDir, type BackendSetup } from '../meta/helpers/backends.js';
import { PEOPLE } from './helpers/fixtures.js';

describeBackends('Warehouse', (backend) => {
  const setups: BackendSetup[] = [];
  const catalogs: Catalog[] = [];
  afterEach(async () => {
    await Promise.all(catalogs.splice(0).map((c) => c.close()));
    await Promise.all(setups.splice(0).map((s) => s.dispose()));
  });
  async function fresh(): Promise<BackendSetup> {
    const setup = await backend.create();
    setups.push(setup);
    return setup;
  }
  async function open(options: Parameters<typeof Catalog.open>[0]): Promise<Catalog> {
    const catalog = await Catalog.open(options);
    catalogs.push(catalog);
    return catalog;
  }

  it('init creates the lake root, the migrated metadata database and strata.json; again, it changes nothing', async () => {
    const setup = await fresh();
    const first = await initWarehouse(setup.warehouse, { env: setup.env, migrations: ALL_MIGRATIONS.slice(1) });
    expect(first.created).toBe(true);
    expect(first.migrations.applied).toEqual(ALL_MIGRATION_IDS);
    expect(existsSync(path.join(setup.warehouse, 'lake'))).toBe(true);
    const config = JSON.parse(readFileSync(path.join(setup.warehouse, 'strata.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      format: 1,
      id: first.warehouse.config.id,
      metadata: backend.name === 'pglite' ? 'embedded' : 'server',
    });
    expect(JSON.stringify(config)).not.toContain('postgresql://'); // no URL (or password) in the file
    if (backend.name === 'pglite') expect(existsSync(path.join(setup.warehouse, 'meta', 'PG_VERSION'))).toBe(true);
    expect(first.warehouse).toMatchObject({ directory: setup.warehouse, lakeRoot: path.join(setup.warehouse, 'lake') });

    const second = await initWarehouse(setup.warehouse, { env: setup.env });
    expect(second).toMatchObject({ created: false, migrations: { applied: [] } });
    expect(second.warehouse.config).toEqual(first.warehouse.config);
  });

  it('finds the warehouse from a directory inside it, or through STRATA_WAREHOUSE', async () => {
    const setup = await fresh();
    const { warehouse } = await initWarehouse(setup.warehouse, { env: setup.env });
    const inside = path.join(setup.warehouse, 'lake', 'deep', 'er');
    mkdirSync(inside, { recursive: true });
    expect(findWarehouse({ cwd: inside, env: {} })).toEqual(warehouse);
    const elsewhere = tempDir();
    try {
      expect(findWarehouse({ cwd: elsewhere, env: { STRATA_WAREHOUSE: setup.warehouse } })).toEqual(warehouse);
      expect(() => findWarehouse({ cwd: elsewhere, env: {} })).toThrow(WarehouseNotFoundError);
      expect(() => findWarehouse({ cwd: elsewhere, env: {} })).toThrow(/strata init/);
      expect(() => findWarehouse({ cwd: elsewhere, env: { STRATA_WAREHOUSE: elsewhere } })).toThrow(
        /STRATA_WAREHOUSE names .* not a warehouse/,
      );
      await expect(Catalog.open({ warehouse: elsewhere, env: setup.env })).rejects.toBeInstanceOf(
        WarehouseNotFoundError,
      );
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    const catalog = await open({ cwd: inside, env: setup.env });
    expect(catalog.warehouse.directory).toBe(setup.warehouse);
  });

  it('keeps tables across close and open, and can be moved as a whole', async () => {
    const setup = await fresh();
    await initWarehouse(setup.warehouse, { env: setup.env });
    const catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
    await catalog.createTable('kept', { schema: PEOPLE });
    await catalog.close();
    const moved = `${setup.warehouse}-moved`;
    renameSync(setup.warehouse, moved);
    try {
      const reopened = await open({ warehouse: moved, env: setup.env });
      const table = await reopened.getTable('kept');
      expect(table.location).toBe(path.join(moved, 'lake', 'main', 'kept'));
      expect((await reopened.openTable('kept')).version).toBe(0);
      await reopened.close();
    } finally {
      renameSync(moved, setup.warehouse);
    }
  });

  it('finishes an interrupted init: the database keeps its warehouse id', async () => {
    const setup = await fresh();
    const first = await initWarehouse(setup.warehouse, { env: setup.env });
    rmSync(path.join(setup.warehouse, 'strata.json'));
    const again = await initWarehouse(setup.warehouse, { env: setup.env });
    expect(again.created).toBe(true);
    expect(again.warehouse.config.id).toBe(first.warehouse.config.id);
  });

  it('refuses a metadata configuration that is not the one the warehouse was made with', async () => {
    const setup = await fresh();
    await initWarehouse(setup.warehouse, { env: setup.env });
    const wrongEnv = backend.name === 'pglite' ? { [DATABASE_URL_ENV]: 'postgresql://x@127.0.0.1:1/x' } : {};
    const refused = Catalog.open({ warehouse: setup.warehouse, env: wrongEnv });
    await expect(refused).rejects.toBeInstanceOf(WarehouseConfigError);
    await expect(refused).rejects.toThrow(
      backend.name === 'pglite'
        ? /keeps its metadata embedded.*Unset it/
        : /keeps its metadata in a PostgreSQL server: set STRATA_DATABASE_URL/,
    );
  });
});

describeBackends(
  'Warehouse on an embedded database',
  (backend) => {
    it('can be open in one catalog at a time', async () => {
      const setup = await backend.create();
      try {
        await initWarehouse(setup.warehouse, { env: {} });
        const first = await Catalog.open({ warehouse: setup.warehouse, env: {} });
        await expect(Catalog.open({ warehouse: setup.warehouse, env: {} })).rejects.toBeInstanceOf(MetaLockedError);
        await expect(initWarehouse(setup.warehouse, { env: {} })).rejects.toBeInstanceOf(MetaLockedError);
        await first.close();
        await (await Catalog.open({ warehouse: setup.warehouse, env: {} })).close();
      } finally {
        await setup.dispose();
      }
    });
  },
  'pglite',
);

describeBackends(
  'Warehouse on a server database',
  (backend) => {
    it('refuses to share one database between two warehouses', async () => {
      const setup = await backend.create();
      const other = tempDir();
      try {
        await initWarehouse(setup.warehouse, { env: setup.env });
        const refused = initWarehouse(other, { env: setup.env });
        await expect(refused).rejects.toBeInstanceOf(WarehouseConfigError);
        await expect(refused).rejects.toThrow(
          new RegExp(
            `belongs to another warehouse .*initialized at ${setup.warehouse}.*Each warehouse needs its own database`,
          ),
        );
        expect(existsSync(path.join(other, 'strata.json'))).toBe(false);
      } finally {
        rmSync(other, { recursive: true, force: true });
        await setup.dispose();
      }
    });
  },
  'postgres',
);

describe('Catalog.open without a warehouse', () => {
  it('says how to make one', async () => {
    const dir = tempDir();
    try {
      await expect(Catalog.open({ cwd: dir, env: {} })).rejects.toThrow(/CATALOG_WAREHOUSE_NOT_FOUND.*strata init/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
