/**
 * The MetaDatabase contract, run against every implementation: embedded PGlite and
 * a PostgreSQL server (STRATA_TEST_DATABASE_URL; see helpers/backends.ts).
 * Most cases share one database (keys are unique per case); the ones about a fresh
 * database or about closing get their own.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasPgErrorCode,
  MetaClosedError,
  MetaKind,
  MIGRATION_TABLE,
  openMetaDatabase,
  PgErrorCode,
  type MetaDatabase,
} from '../../src/meta/index.js';
import { ALL_MIGRATION_IDS, openAll, type AllTables } from './helpers/modules.js';
import { describeBackends, type BackendSetup } from './helpers/backends.js';

const latest = ALL_MIGRATION_IDS.at(-1);

describeBackends('MetaDatabase contract', (backend) => {
  let shared: BackendSetup;
  let meta: MetaDatabase<AllTables>;
  const open = (setup: BackendSetup) => openAll({ warehouse: setup.warehouse, env: setup.env });
  const keysLike = async (prefix: string) =>
    (
      await meta.db
        .selectFrom('strata_settings')
        .select('key')
        .where('key', 'like', `${prefix}%`)
        .orderBy('key')
        .execute()
    ).map((r) => r.key);

  beforeAll(async () => {
    shared = await backend.create();
    meta = await open(shared);
  });
  afterAll(async () => {
    await meta?.close();
    await shared?.dispose();
  });

  it('opens the backend the configuration names, and migrates a new database', async () => {
    expect(meta.kind).toBe(backend.name === 'pglite' ? MetaKind.embedded : MetaKind.server);
    expect(meta.migrations).toEqual({ applied: ALL_MIGRATION_IDS, current: latest });
    const schemas = await meta.db.selectFrom('catalog_schemas').select('name').execute();
    expect(schemas.map((s) => s.name)).toEqual(['main']);
  });

  it('runs migrations once: again on the open database, and on reopening, nothing is applied', async () => {
    expect(await meta.migrate()).toEqual({ applied: [], current: latest });
    await meta.close();
    meta = await open(shared);
    expect(meta.migrations).toEqual({ applied: [], current: latest });
    const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(
      meta.db,
    );
    expect(rows.rows.map((r) => r.name)).toEqual([...ALL_MIGRATION_IDS].sort());
    expect((await meta.db.selectFrom('catalog_schemas').select('name').execute()).length).toBe(1);
  });

  it('keeps committed data across close and open', async () => {
    await meta.db.insertInto('strata_settings').values({ key: 'persist.plain', value: 'yes' }).execute();
    await meta.transaction((trx) =>
      trx.insertInto('strata_settings').values({ key: 'persist.transaction', value: 'yes' }).execute(),
    );
    await meta.close();
    meta = await open(shared);
    expect(await keysLike('persist.')).toEqual(['persist.plain', 'persist.transaction']);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const result = await meta.transaction(async (trx) => {
      await trx.insertInto('strata_settings').values({ key: 'tx.a', value: '1' }).execute();
      return trx.selectFrom('strata_settings').select('value').where('key', '=', 'tx.a').executeTakeFirstOrThrow();
    });
    expect(result.value).toBe('1');
    const failure = meta.transaction(async (trx) => {
      await trx.insertInto('strata_settings').values({ key: 'tx.b', value: '2' }).execute();
      throw new Error('changed my mind');
    });
    await expect(failure).rejects.toThrow('changed my mind');
    expect(await keysLike('tx.')).toEqual(['tx.a']);
  });

  it('runs many concurrent transactions, each atomically', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        meta
          .transaction(async (trx) => {
            await trx
              .insertInto('strata_settings')
              .values({ key: `many.${String(i).padStart(2, '0')}`, value: String(i) })
              .execute();
            const own = await trx
              .selectFrom('strata_settings')
              .select('value')
              .where('key', '=', `many.${String(i).padStart(2, '0')}`)
              .executeTakeFirstOrThrow();
            expect(own.value).toBe(String(i));
            if (i % 4 === 0) throw new Error('rolled back');
          })
          .catch(() => undefined),
      ),
    );
    const { count } = await meta.db
      .selectFrom('strata_settings')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('key', 'like', 'many.%')
      .executeTakeFirstOrThrow();
    expect(count).toBe(15);
  });

  it('reports constraint violations with the PostgreSQL error code', async () => {
    await meta.db.insertInto('strata_settings').values({ key: 'dup', value: '1' }).execute();
    const error = await meta.db
      .insertInto('strata_settings')
      .values({ key: 'dup', value: '2' })
      .execute()
      .catch((e: unknown) => e);
    expect(hasPgErrorCode(error, PgErrorCode.uniqueViolation)).toBe(true);
    const fk = await meta.db
      .insertInto('catalog_tables')
      .values({ id: 'x', schema_name: 'nope', table_name: 't', location: '/x', kind: 'managed', owner: null })
      .execute()
      .catch((e: unknown) => e);
    expect(hasPgErrorCode(fk, PgErrorCode.foreignKeyViolation)).toBe(true);
  });

  it('reads the same JavaScript types on every backend', async () => {
    const row = await sql<{
      n: unknown;
      t: unknown;
      j: unknown;
      b: unknown;
    }>`select count(*) as n, now() as t, '{"a":[1]}'::jsonb as j, true as b`.execute(meta.db);
    expect(row.rows[0]).toEqual({ n: 1, t: expect.any(Date), j: { a: [1] }, b: true });
    const created = await meta.db.selectFrom('catalog_schemas').select('created_at').executeTakeFirstOrThrow();
    expect(created.created_at).toBeInstanceOf(Date);
  });

  it('closes through `await using`; closing twice is harmless and a closed database refuses work', async () => {
    const setup = await backend.create();
    try {
      {
        await using scoped = await open(setup);
        await scoped.db.insertInto('strata_settings').values({ key: 'scoped', value: '1' }).execute();
      }
      const again = await open(setup);
      expect((await again.db.selectFrom('strata_settings').select('key').execute()).map((r) => r.key)).toEqual([
        'scoped',
      ]);
      await again.close();
      await again.close();
      await expect(again.transaction(async () => 1)).rejects.toBeInstanceOf(MetaClosedError);
      await expect(again.migrate()).rejects.toThrow(/META_CLOSED/);
    } finally {
      await setup.dispose();
    }
  });
});

describe('MetaDatabase configuration', () => {
  it('needs a warehouse or a URL', async () => {
    await expect(openMetaDatabase({ env: {} })).rejects.toThrow(/INVALID_ARGUMENT.*STRATA_DATABASE_URL/);
  });
});
