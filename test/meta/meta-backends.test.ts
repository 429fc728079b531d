/** What differs between the backends, on purpose: each one's own guarantees and failures. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MetaConnectionError,
  MetaNestedAccessError,
  openServerMetaDatabase,
  resolveMetaConfig,
  type MetaDatabase,
} from '../../src/meta/index.js';
import { ALL_MIGRATION_IDS, ALL_MIGRATIONS, openAll, type AllTables } from './helpers/modules.js';
import { describeBackends, type BackendSetup } from './helpers/backends.js';

describeBackends(
  'embedded database',
  (backend) => {
    let setup: BackendSetup;
    let meta: MetaDatabase<AllTables>;
    beforeAll(async () => {
      setup = await backend.create();
      meta = await openAll({ warehouse: setup.warehouse, env: {} });
    });
    afterAll(async () => {
      await meta?.close();
      await setup?.dispose();
    });

    it('fails fast, instead of waiting for itself, when a transaction uses the database outside it', async () => {
      const outside = meta.transaction(async () => meta.db.selectFrom('strata_settings').selectAll().execute());
      await expect(outside).rejects.toBeInstanceOf(MetaNestedAccessError);
      const nested = meta.transaction(async () => meta.transaction(async () => 1));
      await expect(nested).rejects.toThrow(/META_NESTED_ACCESS.*use the transaction object/);
      // The connection is free again afterwards.
      expect(
        await meta.transaction(
          async (trx) => (await trx.selectFrom('catalog_schemas').select('name').execute()).length,
        ),
      ).toBe(1);
    });
  },
  'pglite',
);

describeBackends(
  'server database',
  (backend) => {
    it('applies each migration once when several openers (separate connection pools) migrate a new database at once', async () => {
      const setup = await backend.create();
      try {
        const opened = await Promise.all(
          Array.from({ length: 4 }, () => openServerMetaDatabase(setup.databaseUrl!, { migrations: ALL_MIGRATIONS })),
        );
        const applied = opened.flatMap((m) => m.migrations.applied);
        expect(applied.sort()).toEqual([...ALL_MIGRATION_IDS].sort());
        await Promise.all(opened.map((m) => m.close()));
      } finally {
        await setup.dispose();
      }
    });
  },
  'postgres',
);

describe('server configuration', () => {
  it('prefers an explicit URL, then STRATA_DATABASE_URL, then the embedded database', () => {
    expect(
      resolveMetaConfig({
        warehouse: '/w',
        databaseUrl: 'postgresql://a/b',
        env: { STRATA_DATABASE_URL: 'postgresql://c/d' },
      }),
    ).toEqual({ kind: 'server', url: 'postgresql://a/b' });
    expect(resolveMetaConfig({ warehouse: '/w', env: { STRATA_DATABASE_URL: 'postgresql://c/d' } })).toEqual({
      kind: 'server',
      url: 'postgresql://c/d',
    });
    expect(resolveMetaConfig({ warehouse: '/w', env: {} })).toEqual({ kind: 'embedded', directory: '/w/meta' });
  });

  it('reports an unreachable server with a typed error that hides the password', async () => {
    const failure = openServerMetaDatabase('postgresql://strata:s3cret@127.0.0.1:1/nowhere');
    await expect(failure).rejects.toBeInstanceOf(MetaConnectionError);
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toContain('postgresql://strata:***@127.0.0.1:1/nowhere');
    expect(message).not.toContain('s3cret');
  });
});
