/**
 * The catalog, run against every metadata backend (PGlite, and PostgreSQL when
 * STRATA_TEST_DATABASE_URL is set): one warehouse shared by the cases, each case
 * with its own table names.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  Catalog,
  InvalidLocationError,
  InvalidNameError,
  LocationInUseError,
  SchemaAlreadyExistsError,
  SchemaNotEmptyError,
  SchemaNotFoundError,
  TableAlreadyExistsError,
  TableNotFoundError,
  TableNotRecordedError,
  initWarehouse,
} from '../../src/catalog/index.js';
import { DeltaTable, fromRows } from '../../src/lake/index.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { PEOPLE } from './helpers/fixtures.js';

describeBackends('Catalog', (backend) => {
  let setup: BackendSetup;
  let catalog: Catalog;
  let outside: string;
  beforeAll(async () => {
    setup = await backend.create();
    await initWarehouse(setup.warehouse, { env: setup.env });
    catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env, user: 'alice' });
    outside = mkdtempSync(path.join(tmpdir(), 'strata-external-'));
  });
  afterAll(async () => {
    await catalog?.close();
    await setup?.dispose();
    if (outside) rmSync(outside, { recursive: true, force: true });
  });

  it('creates a managed table under the lake root and records it', async () => {
    const table = await catalog.createTable('people', {
      schema: PEOPLE,
      partitionColumns: ['day'],
      properties: { 'delta.appendOnly': 'true' },
    });
    expect(table).toMatchObject({
      name: 'main.people',
      schema: 'main',
      table: 'people',
      kind: 'managed',
      owner: 'alice',
      location: path.join(setup.warehouse, 'lake', 'main', 'people'),
    });
    expect(table.createdAt).toBeInstanceOf(Date);
    expect(await catalog.getTable('people')).toEqual(table);
    const delta = await catalog.openTable('main.people');
    expect(delta.version).toBe(0);
    expect(delta.snapshot.metadata.partitionColumns).toEqual(['day']);
    expect(delta.snapshot.metadata.configuration['delta.appendOnly']).toBe('true');
  });

  it('creates a table from data in one commit', async () => {
    await catalog.createTable('scores', {
      data: fromRows([
        { id: 1, score: 2.5 },
        { id: 2, score: 4 },
      ]),
    });
    const delta = await catalog.openTable('scores');
    expect(delta.version).toBe(0);
    expect(await delta.rows({ orderBy: 'id' })).toEqual([
      { id: 1, score: 2.5 },
      { id: 2, score: 4 },
    ]);
  });

  it('resolves names as SQL does: unquoted parts fold to lower case, quoted ones keep it', async () => {
    expect(catalog.resolve('Orders')).toEqual({ schema: 'main', table: 'orders' });
    expect(catalog.resolve('Sales."Order Lines"')).toEqual({ schema: 'sales', table: 'Order Lines' });
    await catalog.createTable('Cased', { schema: PEOPLE });
    expect((await catalog.getTable('MAIN.CASED')).name).toBe('main.cased');
    await catalog.createTable('"Cased"', { schema: PEOPLE });
    const quoted = await catalog.getTable('"Cased"');
    expect(quoted).toMatchObject({ name: 'main."Cased"', table: 'Cased' });
    expect(quoted.location).not.toBe((await catalog.getTable('cased')).location);
    const odd = await catalog.createTable('"a.b ""c""/d"', { schema: PEOPLE });
    expect(odd).toMatchObject({ table: 'a.b "c"/d', name: 'main."a.b ""c""/d"' });
    expect(path.dirname(odd.location)).toBe(path.join(setup.warehouse, 'lake', 'main'));
    expect(await catalog.getTable({ schema: 'main', table: 'a.b "c"/d' })).toEqual(odd);
  });

  it('refuses invalid names with a typed error naming them', async () => {
    for (const bad of ['', 'a.b.c', '"unclosed', '1abc', 'a-b', 'a.', '""']) {
      await expect(catalog.createTable(bad, { schema: PEOPLE }), bad).rejects.toBeInstanceOf(InvalidNameError);
    }
    await expect(catalog.getTable('x.y.z')).rejects.toThrow(/CATALOG_INVALID_NAME.*"x\.y\.z".*3 parts/);
  });

  it('refuses a name that exists, ignoring case of unquoted names', async () => {
    await catalog.createTable('dup', { schema: PEOPLE });
    const again = catalog.createTable('DUP', { schema: PEOPLE });
    await expect(again).rejects.toBeInstanceOf(TableAlreadyExistsError);
    await expect(again).rejects.toThrow(/CATALOG_TABLE_EXISTS.*main\.dup/);
  });

  it('says which table is missing and suggests close names', async () => {
    await catalog.createTable('customers', { schema: PEOPLE });
    const missing = catalog.getTable('custmers');
    await expect(missing).rejects.toBeInstanceOf(TableNotFoundError);
    await expect(missing).rejects.toThrow(/Table main\.custmers does not exist\. Did you mean main\.customers\?/);
    const error = (await catalog.getTable('zzzzzz').catch((e: unknown) => e)) as TableNotFoundError;
    expect(error.suggestions).toEqual([]);
    expect(await catalog.findTable('zzzzzz')).toBeUndefined();
  });

  it('manages schemas: create, list, refuse duplicates, drop only when empty', async () => {
    const sales = await catalog.createSchema('Sales');
    expect(sales).toMatchObject({ name: 'sales', owner: 'alice' });
    await expect(catalog.createSchema('sales')).rejects.toBeInstanceOf(SchemaAlreadyExistsError);
    expect(await catalog.createSchema('sales', { ifNotExists: true })).toMatchObject({ name: 'sales' });
    expect((await catalog.listSchemas()).map((s) => s.name)).toEqual(expect.arrayContaining(['main', 'sales']));
    const table = await catalog.createTable('sales.orders', { schema: PEOPLE });
    expect(table.location).toBe(path.join(setup.warehouse, 'lake', 'sales', 'orders'));
    await expect(catalog.dropSchema('sales')).rejects.toBeInstanceOf(SchemaNotEmptyError);
    await expect(catalog.createTable('slaes.x', { schema: PEOPLE })).rejects.toThrow(
      /CATALOG_SCHEMA_NOT_FOUND.*slaes.*Did you mean sales\?/,
    );
    await expect(catalog.listTables('nope')).rejects.toBeInstanceOf(SchemaNotFoundError);
    await catalog.dropTable('sales.orders', { purge: true });
    expect(await catalog.dropSchema('sales')).toBe(true);
    expect(await catalog.dropSchema('sales', { ifExists: true })).toBe(false);
    await expect(catalog.dropSchema('main')).rejects.toThrow(/INVALID_ARGUMENT.*main/);
  });

  it('lists tables of one schema or of all, sorted', async () => {
    await catalog.createSchema('listing');
    await catalog.createTable('listing.b', { schema: PEOPLE });
    await catalog.createTable('listing.a', { schema: PEOPLE });
    expect((await catalog.listTables('listing')).map((t) => t.name)).toEqual(['listing.a', 'listing.b']);
    const all = (await catalog.listTables()).map((t) => t.name);
    expect(all).toEqual(expect.arrayContaining(['listing.a', 'listing.b', 'main.people']));
    expect(all.indexOf('listing.b')).toBeLessThan(all.indexOf('main.people'));
  });

  it('creates an external table at a given location, and registers an existing Delta table', async () => {
    const created = await catalog.createTable('ext_created', {
      schema: PEOPLE,
      location: path.join(outside, 'created'),
    });
    expect(created).toMatchObject({ kind: 'external', location: path.join(outside, 'created') });
    expect(await DeltaTable.exists(created.location)).toBe(true);

    const existing = path.join(outside, 'existing');
    await DeltaTable.create(existing, { data: fromRows([{ id: 7 }]) });
    const registered = await catalog.registerExternal('ext_registered', existing, { owner: 'bob' });
    expect(registered).toMatchObject({ kind: 'external', location: existing, owner: 'bob' });
    expect(await (await catalog.openTable('ext_registered')).rows()).toEqual([{ id: 7 }]);
  });

  it('validates external locations', async () => {
    await expect(catalog.registerExternal('ext_missing', path.join(outside, 'no-such-table'))).rejects.toBeInstanceOf(
      InvalidLocationError,
    );
    await expect(catalog.registerExternal('ext_missing', path.join(outside, 'no-such-table'))).rejects.toThrow(
      /not a readable Delta table/,
    );
    await expect(
      catalog.createTable('ext_inside', { schema: PEOPLE, location: path.join(setup.warehouse, 'lake', 'elsewhere') }),
    ).rejects.toThrow(/CATALOG_INVALID_LOCATION.*managed lake root/);
    const shared = path.join(outside, 'shared');
    await catalog.createTable('ext_one', { schema: PEOPLE, location: shared });
    await expect(catalog.registerExternal('ext_two', shared)).rejects.toBeInstanceOf(LocationInUseError);
    await expect(catalog.registerExternal('ext_two', shared)).rejects.toThrow(
      /CATALOG_LOCATION_IN_USE.*already registered as table main\.ext_one/,
    );
    await DeltaTable.create(path.join(outside, 'occupied'), { schema: PEOPLE });
    await expect(
      catalog.createTable('ext_occupied', { schema: PEOPLE, location: path.join(outside, 'occupied') }),
    ).rejects.toThrow(/already holds a Delta table: register it with registerExternal/);
  });

  it('drops tables: managed files stay without purge (a new table of that name goes beside them) and go with it; external files always stay', async () => {
    const kept = await catalog.createTable('drop_kept', { schema: PEOPLE });
    expect(await catalog.dropTable('drop_kept')).toMatchObject({ name: 'main.drop_kept' });
    expect(await DeltaTable.exists(kept.location)).toBe(true);
    await expect(catalog.getTable('drop_kept')).rejects.toBeInstanceOf(TableNotFoundError);
    const recreated = await catalog.createTable('drop_kept', { schema: PEOPLE }); // beside the old files, which stay
    expect(path.dirname(recreated.location)).toBe(path.dirname(kept.location));
    expect(path.basename(recreated.location)).toMatch(/^drop_kept\.[0-9a-f]{8}$/);
    expect(await DeltaTable.exists(kept.location)).toBe(true);

    const purged = await catalog.createTable('drop_purged', { data: fromRows([{ id: 1 }]) });
    await catalog.dropTable('drop_purged', { purge: true });
    expect(existsSync(purged.location)).toBe(false);
    await catalog.createTable('drop_purged', { schema: PEOPLE }); // the name and place are free again

    const external = await catalog.createTable('drop_external', {
      schema: PEOPLE,
      location: path.join(outside, 'drop-external'),
    });
    await expect(catalog.dropTable('drop_external', { purge: true })).rejects.toThrow(/external.*purge is refused/);
    await catalog.dropTable('drop_external');
    expect(await DeltaTable.exists(external.location)).toBe(true);

    await expect(catalog.dropTable('drop_never')).rejects.toBeInstanceOf(TableNotFoundError);
    expect(await catalog.dropTable('drop_never', { ifExists: true })).toBeUndefined();
  });

  it('records and changes owners', async () => {
    expect((await catalog.createTable('owned', { schema: PEOPLE, owner: 'carol' })).owner).toBe('carol');
    expect((await catalog.setOwner('owned', 'dave')).owner).toBe('dave');
    expect((await catalog.setOwner('owned', null)).owner).toBeUndefined();
    await expect(catalog.setOwner('ownd', 'x')).rejects.toThrow(/Did you mean main\.owned\?/);
  });

  it('records lineage between tables, and forgets it with a dropped table', async () => {
    await catalog.createTable('raw_events', { schema: PEOPLE });
    await catalog.createTable('raw_users', { schema: PEOPLE });
    await catalog.createTable('daily', { schema: PEOPLE });
    const edges = await catalog.recordLineage({ from: ['raw_events', 'RAW_USERS'], to: 'daily', operation: 'INSERT' });
    expect(edges.map((e) => [e.from, e.to, e.operation])).toEqual([
      ['main.raw_events', 'main.daily', 'INSERT'],
      ['main.raw_users', 'main.daily', 'INSERT'],
    ]);
    expect(edges[0]?.recordedAt).toBeInstanceOf(Date);
    await catalog.recordLineage({ from: 'daily', to: 'daily', operation: 'MERGE' });
    const lineage = await catalog.lineage('daily');
    expect(lineage.upstream.map((e) => `${e.from} ${e.operation}`)).toEqual([
      'main.raw_events INSERT',
      'main.raw_users INSERT',
      'main.daily MERGE',
    ]);
    expect(lineage.downstream.map((e) => e.to)).toEqual(['main.daily']);
    expect((await catalog.lineage('raw_events')).downstream.map((e) => e.to)).toEqual(['main.daily']);

    await expect(catalog.recordLineage({ from: 'raw_evnts', to: 'daily', operation: 'INSERT' })).rejects.toThrow(
      /Did you mean main\.raw_events\?/,
    );
    await catalog.dropTable('raw_users', { purge: true });
    await catalog.createTable('raw_users', { schema: PEOPLE });
    expect((await catalog.lineage('daily')).upstream.map((e) => e.from)).toEqual(['main.raw_events', 'main.daily']);
    expect((await catalog.lineage('raw_users')).downstream).toEqual([]);
  });

  it('lets exactly one of two concurrent creates of a name win', async () => {
    for (const [i, location] of [
      [0, undefined],
      [1, path.join(outside, 'race-b')],
    ] as const) {
      const results = await Promise.allSettled([
        catalog.createTable(`race_${i}`, { schema: PEOPLE, location: location && `${location}-1` }),
        catalog.createTable(`race_${i}`, { schema: PEOPLE, location: location && `${location}-2` }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(TableAlreadyExistsError);
    }
  });

  it('says so when the Delta table was created but recording it failed', async () => {
    // The same database object (its methods included), with inserts failing.
    const failing = Object.assign(Object.create(catalog.meta) as typeof catalog.meta, {
      db: catalog.meta.db.withPlugin({
        transformQuery: (args) => {
          if (args.node.kind === 'InsertQueryNode') throw new Error('the database went away');
          return args.node;
        },
        transformResult: async (args) => args.result,
      }),
    });
    const broken = await Catalog.open({ warehouse: setup.warehouse, meta: failing });
    const failure = broken.createTable('unrecorded', { schema: PEOPLE });
    await expect(failure).rejects.toBeInstanceOf(TableNotRecordedError);
    await expect(failure).rejects.toThrow(
      /CATALOG_NOT_RECORDED.*main\.unrecorded was created at .*lake\/main\/unrecorded.*the database went away/,
    );
    await broken.close(); // does not close the shared database
    expect(await catalog.findTable('unrecorded')).toBeUndefined();
    expect(await DeltaTable.exists(path.join(setup.warehouse, 'lake', 'main', 'unrecorded'))).toBe(true);
  });
});
