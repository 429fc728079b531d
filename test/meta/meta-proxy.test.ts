/**
 * The embedded database served by its holder to other processes (src/meta/proxy-*.ts),
 * with real processes: what a client does in a transaction is undone when it dies or
 * idles past the bound, the holder keeps serving, a client whose holder goes away
 * carries on (holding the database itself), one whose holder runs another Strata is
 * refused, and a holder that serves nothing is waited for, briefly.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { isStrataError } from '../../src/core/index.js';
import {
  LOCK_FILE_NAME,
  META_DIRECTORY,
  MetaKind,
  MetaLockedError,
  MetaNestedAccessError,
  hasPgErrorCode,
  openEmbeddedMetaDatabase,
  PgErrorCode,
  type MetaDatabase,
  type MigrationSource,
} from '../../src/meta/index.js';
import { ALL_MIGRATIONS, openAll, type AllTables } from './helpers/modules.js';
import { BACKENDS, type BackendSetup } from './helpers/backends.js';
import { MetaWorker, stopWorkers } from './helpers/child-process.js';

const pglite = BACKENDS.find(([name]) => name === 'pglite')![1];

describe('embedded metadata database served to other processes', { timeout: 180_000 }, () => {
  const setups: BackendSetup[] = [];
  const opened: MetaDatabase[] = [];
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((m) => m.close()));
    await stopWorkers();
  });
  afterAll(async () => {
    await Promise.all(setups.map((s) => s.dispose()));
  });

  async function fresh(): Promise<BackendSetup> {
    const setup = await pglite.create();
    setups.push(setup);
    return setup;
  }

  function track<T extends MetaDatabase>(meta: T): T {
    opened.push(meta);
    return meta;
  }

  const keys = async (meta: MetaDatabase<AllTables>) =>
    (await meta.db.selectFrom('strata_settings').select('key').where('key', 'like', 'worker.%').execute())
      .map((r) => r.key)
      .sort();

  async function holdingChild(setup: BackendSetup): Promise<MetaWorker> {
    const holder = new MetaWorker({ warehouse: setup.warehouse, mode: 'hold' });
    expect(await holder.firstEvent()).toMatchObject({ event: 'open', kind: 'embedded' });
    return holder;
  }

  it('answers as the embedded database does: values, affected rows, PostgreSQL errors, savepoints, nesting', async () => {
    const setup = await fresh();
    await holdingChild(setup);
    const meta = track(await openAll({ warehouse: setup.warehouse, env: {} }));
    expect(meta.kind).toBe(MetaKind.proxied);

    const at = new Date('2026-03-04T05:06:07.089Z');
    const { rows } = await sql<{ t: Date; j: unknown; b: bigint | number; n: null }>`
      select ${at}::timestamptz as t, ${JSON.stringify({ a: [1, 'x'] })}::jsonb as j, 9007199254740993::int8 as b, null as n`.execute(
      meta.db,
    );
    expect(rows[0]!.t).toEqual(at);
    expect(rows[0]!.j).toEqual({ a: [1, 'x'] });
    expect(rows[0]!.n).toBeNull();

    await meta.db.insertInto('strata_settings').values({ key: 'p.1', value: 'one' }).execute();
    const updated = await meta.db
      .updateTable('strata_settings')
      .set({ value: 'uno' })
      .where('key', '=', 'p.1')
      .executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
    const duplicate = await meta.db
      .insertInto('strata_settings')
      .values({ key: 'p.1', value: 'again' })
      .execute()
      .catch((e: unknown) => e);
    expect(hasPgErrorCode(duplicate, PgErrorCode.uniqueViolation)).toBe(true);

    const trx = await meta.db.startTransaction().execute();
    await trx.insertInto('strata_settings').values({ key: 'p.2', value: 'kept' }).execute();
    const inner = await trx.savepoint('inner').execute();
    await inner.insertInto('strata_settings').values({ key: 'p.3', value: 'undone' }).execute();
    await inner.rollbackToSavepoint('inner').execute();
    await trx.commit().execute();
    const rolledBack = await meta
      .transaction(async (scoped) => {
        await scoped.insertInto('strata_settings').values({ key: 'p.4', value: 'undone' }).execute();
        // Using the database outside the transaction would wait for it forever: refused at once.
        await expect(meta.db.selectFrom('strata_settings').selectAll().execute()).rejects.toBeInstanceOf(
          MetaNestedAccessError,
        );
        throw new Error('roll back');
      })
      .catch((e: unknown) => e);
    expect((rolledBack as Error).message).toBe('roll back');
    const kept = await meta.db
      .selectFrom('strata_settings')
      .select(['key', 'value'])
      .where('key', 'like', 'p.%')
      .orderBy('key')
      .execute();
    expect(kept).toEqual([
      { key: 'p.1', value: 'uno' },
      { key: 'p.2', value: 'kept' },
    ]);
  });

  it('rolls back the transaction of a client killed inside it; the holder keeps serving', async () => {
    const setup = await fresh();
    const holder = await holdingChild(setup);
    const client = new MetaWorker({ warehouse: setup.warehouse, mode: 'transaction' });
    expect(await client.nextEvent('in-transaction')).toMatchObject({ event: 'in-transaction' });
    client.kill('SIGKILL');
    await client.exited;

    const meta = track(await openAll({ warehouse: setup.warehouse, env: {} }));
    expect(meta.kind).toBe(MetaKind.proxied);
    expect(await keys(meta)).toEqual([`worker.${holder.pid}`]);
    // A write through the holder after the kill commits as usual.
    await meta.transaction(async (trx) => {
      await trx.insertInto('strata_settings').values({ key: 'worker.after', value: 'x' }).execute();
    });
    expect(await keys(meta)).toEqual([`worker.${holder.pid}`, 'worker.after'].sort());
  });

  it('takes back a connection held idle past the bound: rolled back, and the client told so', async () => {
    const setup = await fresh();
    const directory = path.join(setup.warehouse, META_DIRECTORY);
    const holder = track(
      (
        await openEmbeddedMetaDatabase(directory, { migrations: ALL_MIGRATIONS, proxyIdleMs: 300 })
      ).withTables<AllTables>(),
    );
    const client = new MetaWorker({ warehouse: setup.warehouse, mode: 'transaction' });
    expect(await client.nextEvent('in-transaction')).toMatchObject({ event: 'in-transaction' });
    // The holder's own query waits for the client's transaction, until the bound takes it back.
    expect(await keys(holder)).toEqual([]);
    client.send('GO');
    expect(await client.nextEvent('committed')).toMatchObject({ event: 'error', code: 'META_PROXY_TIMEOUT' });
    expect(await keys(holder)).toEqual([]);
  });

  it('fails what was in flight when the holder goes away, then takes the database over and serves it', async () => {
    const setup = await fresh();
    const holder = await holdingChild(setup);
    const meta = track(await openAll({ warehouse: setup.warehouse, env: {} }));
    const lost = await meta
      .transaction(async (trx) => {
        await trx.insertInto('strata_settings').values({ key: 'worker.lost', value: 'x' }).execute();
        holder.send('CLOSE');
        await holder.exited;
        await trx.insertInto('strata_settings').values({ key: 'worker.lost.2', value: 'x' }).execute();
      })
      .catch((e: unknown) => e);
    expect(isStrataError(lost, 'META_OWNER_GONE')).toBe(true);
    expect((lost as Error).message).toContain(`process ${holder.pid}`);
    expect((lost as Error).message).toContain('Run the command again');

    // The next use finds the lock free: this process holds the database now, and serves it.
    expect(await keys(meta)).toEqual([`worker.${holder.pid}`]);
    const lock = path.join(setup.warehouse, META_DIRECTORY, LOCK_FILE_NAME);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid });
    const other = new MetaWorker({ warehouse: setup.warehouse, mode: 'open' });
    expect(await other.firstEvent()).toMatchObject({ event: 'open', kind: 'proxied' });
    expect(await other.exited).toBe(0);
    expect(await keys(meta)).toEqual([`worker.${holder.pid}`, `worker.${other.pid}`].sort());
    await meta.close();
    expect(existsSync(lock)).toBe(false);
  });

  it('only checks migrations through the holder, and refuses migrations the holder lacks', async () => {
    const setup = await fresh();
    const holder = await holdingChild(setup);
    const meta = track(await openAll({ warehouse: setup.warehouse, env: {} }));
    expect(meta.migrations.applied).toEqual([]);
    expect((await meta.migrate()).applied).toEqual([]);
    const newer: MigrationSource = {
      module: 'newer',
      migrations: [
        {
          id: 'newer-0001',
          up: async (db) => void (await db.schema.createTable('newer_t').addColumn('a', 'text').execute()),
        },
      ],
    };
    const refused = await meta.migrate([...ALL_MIGRATIONS, newer]).catch((e: unknown) => e);
    expect(isStrataError(refused, 'META_MIGRATION')).toBe(true);
    expect((refused as Error).message).toMatch(
      new RegExp(
        `held by process ${holder.pid} .*has not applied the newer migrations newer-0001.*older version of Strata`,
      ),
    );
  });

  it('never lends the database to an exclusive opener: it waits, bounded, then is refused', async () => {
    const setup = await fresh();
    const holder = await holdingChild(setup);
    const refused = openEmbeddedMetaDatabase(path.join(setup.warehouse, META_DIRECTORY), {
      exclusive: true,
      lockWaitMs: 300,
    });
    await expect(refused).rejects.toBeInstanceOf(MetaLockedError);
    await expect(refused).rejects.toThrow(`pid ${holder.pid}`);
  });

  describe('a holder that serves nothing', () => {
    function fakeHolder(setup: BackendSetup): string {
      // A live process of this host (this test's parent) that serves no socket, like an older Strata.
      const file = path.join(setup.warehouse, META_DIRECTORY, LOCK_FILE_NAME);
      const record = {
        pid: process.ppid,
        hostname: hostname(),
        acquiredAt: new Date().toISOString(),
        command: 'node strata.js up',
        token: 'fake',
      };
      writeFileSync(file, JSON.stringify(record));
      return file;
    }

    it('is waited for a bounded time, with one message, then refused as before', async () => {
      const setup = await fresh();
      await (await openAll({ warehouse: setup.warehouse, env: {} })).close(); // creates meta/
      fakeHolder(setup);
      const waiting = new MetaWorker({ warehouse: setup.warehouse, mode: 'open' }, { STRATA_META_WAIT_MS: '2500' });
      const refused = await waiting.firstEvent();
      expect(refused).toMatchObject({ event: 'error', code: 'META_LOCKED' });
      expect(refused.message).toContain(`pid ${process.ppid} on ${hostname()}`);
      expect(waiting.stderr.match(/waiting for the warehouse/g)).toHaveLength(1);
      expect(waiting.stderr).toContain(`waiting for the warehouse held by pid ${process.ppid} (strata up)...`);
    });

    it('is retried meanwhile: when its lock goes, the waiter takes it', async () => {
      const setup = await fresh();
      await (await openAll({ warehouse: setup.warehouse, env: {} })).close();
      const file = fakeHolder(setup);
      const told: number[] = [];
      const meta = track(
        await openEmbeddedMetaDatabase(path.join(setup.warehouse, META_DIRECTORY), {
          lockWaitMs: 60_000,
          onWait: (holder) => {
            told.push(holder.pid);
            rmSync(file);
          },
        }),
      );
      expect(meta.kind).toBe(MetaKind.embedded);
      expect(told).toEqual([process.ppid]);
    });

    it('is not waited for when refusing a second opener in the same process', async () => {
      const setup = await fresh();
      track(await openAll({ warehouse: setup.warehouse, env: {} }));
      const again = openEmbeddedMetaDatabase(path.join(setup.warehouse, META_DIRECTORY), {
        lockWaitMs: 600_000,
        onWait: () => {
          throw new Error('waited');
        },
      });
      await expect(again).rejects.toBeInstanceOf(MetaLockedError);
    });
  });
});
