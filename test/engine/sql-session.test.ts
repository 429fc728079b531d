/**
 * SQL over a warehouse end to end, on every metadata backend (embedded PGlite, and a
 * PostgreSQL server when STRATA_TEST_DATABASE_URL is set): named tables through the
 * catalog, DDL, DML as Delta transactions, time travel, maintenance, change data feed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { DeltaTable, fromSql } from '../../src/lake/index.js';
import { SqlSession, type StatementResult } from '../../src/engine/index.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';

describeBackends('SQL session', (backend) => {
  let catalog: Catalog;
  let session: SqlSession;
  let setup: BackendSetup;

  beforeAll(async () => {
    setup = await backend.create();
    await initWarehouse(setup.warehouse, { env: setup.env });
    catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
    session = new SqlSession(catalog);
  });

  afterAll(async () => {
    await catalog?.close();
    await setup?.dispose();
  });

  /** Rows of the last statement's result as objects. */
  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    const results = await session.execute(sql);
    const last = results[results.length - 1]!;
    return last.rows.map((row) => Object.fromEntries(last.columns.map((c, i) => [c.name, row[i]])));
  }

  async function run(sql: string): Promise<StatementResult[]> {
    return session.execute(sql);
  }

  it('creates, inserts, queries by name and travels in time', async () => {
    await run(`CREATE TABLE people (id BIGINT NOT NULL, name VARCHAR, team VARCHAR) PARTITIONED BY (team)`);
    await run(
      `INSERT INTO people VALUES (1, 'ada', 'a'), (2, 'bob', 'b'); INSERT INTO people (id, name, team) SELECT 3, 'cy', 'a'`,
    );
    expect(await rows('SELECT id, name FROM people ORDER BY id')).toEqual([
      { id: 1, name: 'ada' },
      { id: 2, name: 'bob' },
      { id: 3, name: 'cy' },
    ]);
    expect(await rows('SELECT count(*) AS n FROM main.people AT (VERSION => 1)')).toEqual([{ n: 2 }]);
    expect(await rows('SELECT p.team, count(*) AS n FROM people p GROUP BY p.team ORDER BY 1')).toEqual([
      { team: 'a', n: 2 },
      { team: 'b', n: 1 },
    ]);
    const tables = await rows('SHOW TABLES');
    expect(tables.map((t) => t.name)).toContain('people');
  });

  it('runs DELETE, UPDATE and MERGE as Delta transactions, with subqueries over other tables', async () => {
    await run(`CREATE TABLE stock AS SELECT range AS id, 'item' || range AS name, 10 AS qty FROM range(10)`);
    await run(`CREATE TABLE gone AS SELECT * FROM (VALUES (1), (2)) t(id)`);
    const [deleted] = await run('DELETE FROM stock WHERE id IN (SELECT id FROM gone)');
    expect(deleted!.message).toBe('deleted 2 rows');
    await run('UPDATE stock s SET qty = s.qty + 5 WHERE s.id >= 8');
    expect(await rows('SELECT id, qty FROM stock WHERE id >= 7 ORDER BY id')).toEqual([
      { id: 7, qty: 10 },
      { id: 8, qty: 15 },
      { id: 9, qty: 15 },
    ]);
    await run(`CREATE TABLE updates AS SELECT * FROM (VALUES (3, 0), (9, 1), (42, 7)) t(id, qty)`);
    const [merged] = await run(`MERGE INTO stock AS t USING updates AS u ON t.id = u.id
      WHEN MATCHED AND u.qty = 0 THEN DELETE
      WHEN MATCHED THEN UPDATE SET qty = u.qty
      WHEN NOT MATCHED THEN INSERT (id, name, qty) VALUES (u.id, 'new', u.qty)`);
    expect(merged!.message).toBe('merged: 1 updated, 1 inserted, 1 deleted');
    expect(await rows('SELECT id, name, qty FROM stock WHERE id IN (3, 9, 42) ORDER BY id')).toEqual([
      { id: 9, name: 'item9', qty: 1 },
      { id: 42, name: 'new', qty: 7 },
    ]);
    const history = await rows('DESCRIBE HISTORY stock');
    expect(history.map((h) => h.operation)).toEqual(['MERGE', 'UPDATE', 'DELETE', 'CREATE TABLE AS SELECT']);
    // The log records the statement's own text, not the views it was bound to.
    expect(history.map((h) => h.operationParameters).slice(1, 3)).toEqual([
      JSON.stringify({ predicate: 's.id >= 8' }),
      JSON.stringify({ predicate: JSON.stringify(['id IN (SELECT id FROM gone)']) }),
    ]);
  });

  it('enforces CHECK constraints added with ALTER TABLE', async () => {
    await run('CREATE TABLE prices (sku VARCHAR, price DOUBLE)');
    await run(`INSERT INTO prices VALUES ('a', 1.5)`);
    await run('ALTER TABLE prices ADD CONSTRAINT positive CHECK (price > 0)');
    await expect(run(`INSERT INTO prices VALUES ('b', -1)`)).rejects.toThrow(/positive/);
    expect(await rows('SELECT count(*) AS n FROM prices')).toEqual([{ n: 1 }]);
  });

  it('optimizes, vacuums (dry run), restores and reads the change data feed', async () => {
    await run(`CREATE TABLE events (id BIGINT, kind VARCHAR) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')`);
    for (let i = 0; i < 4; i++) await run(`INSERT INTO events VALUES (${i}, 'k${i % 2}')`);
    const [optimized] = await run('OPTIMIZE events ZORDER BY (id)');
    expect(optimized!.message).toMatch(/optimized: 4 files rewritten into 1/);
    await run('DELETE FROM events WHERE id = 0');
    const changes = await rows(`SELECT id, _change_type, _commit_version FROM table_changes('events', 6) ORDER BY id`);
    expect(changes).toEqual([{ id: 0, _change_type: 'delete', _commit_version: 6 }]);
    const [vacuumed] = await run('VACUUM events DRY RUN');
    expect(vacuumed!.message).toMatch(/would delete 0 files \(retention 168 hours\)/);
    await run('RESTORE TABLE events TO VERSION AS OF 2');
    expect(await rows('SELECT id FROM events ORDER BY id')).toEqual([{ id: 0 }, { id: 1 }]);
  });

  it('registers an existing Delta table with CREATE TABLE ... LOCATION', async () => {
    const location = path.join(mkdtempSync(path.join(tmpdir(), 'strata-ext-')), 'ext');
    await DeltaTable.create(location, { data: fromSql('SELECT 7 AS n') });
    await run(`CREATE TABLE ext LOCATION '${location}'`);
    expect(await rows('SELECT n FROM ext')).toEqual([{ n: 7 }]);
    expect((await rows('SHOW TABLES')).find((t) => t.name === 'ext')).toMatchObject({ kind: 'external', location });
  });

  it('explains a query with the files kept and skipped per scan', async () => {
    await run(`CREATE TABLE parts (id BIGINT, p VARCHAR) PARTITIONED BY (p)`);
    await run(
      `INSERT INTO parts VALUES (1, 'a'); INSERT INTO parts VALUES (2, 'b'); INSERT INTO parts VALUES (3, 'c')`,
    );
    const [explained] = await run(`EXPLAIN SELECT * FROM parts WHERE p = 'b'`);
    expect(explained!.message).toMatch(/files: 3 total, 1 kept, 2 skipped \(2 by partition/);
  });

  it('drops tables and reports unknown names with a typed error', async () => {
    await run('CREATE TABLE scratch (x INT)');
    await run('DROP TABLE scratch PURGE');
    await expect(run('DELETE FROM scratch')).rejects.toThrow(/CATALOG_TABLE_NOT_FOUND/);
    await expect(run('SELECT * FROM scratch')).rejects.toThrow(/scratch/);
  });

  it('says which constraints a RESTORE removes', async () => {
    await run('CREATE TABLE guarded (id BIGINT); INSERT INTO guarded VALUES (1)');
    await run('ALTER TABLE guarded ADD CONSTRAINT positive CHECK (id > 0)');
    const [restored] = await run('RESTORE TABLE guarded TO VERSION AS OF 1');
    expect(restored).toMatchObject({
      message: 'restored guarded to version 1; removed CHECK positive (id > 0)',
    });
  });

  it('says a DELETE, UPDATE or MERGE that changed no row committed no version', async () => {
    await run('CREATE TABLE quiet (id BIGINT, v INT); INSERT INTO quiet VALUES (1, 1)');
    const [deleted, updated, merged] = await run(
      'DELETE FROM quiet WHERE id = 999999; UPDATE quiet SET v = 2 WHERE id < 0; ' +
        'MERGE INTO quiet t USING (SELECT 5 AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE',
    );
    expect(deleted).toMatchObject({ message: 'deleted 0 rows; no new version' });
    expect(updated).toMatchObject({ message: 'updated 0 rows; no new version' });
    expect(merged).toMatchObject({ message: 'merged: 0 updated, 0 inserted, 0 deleted; no new version' });
    for (const result of [deleted, updated, merged]) expect(result).not.toHaveProperty('version');
    expect(await rows('DESCRIBE HISTORY quiet')).toHaveLength(2);
  });

  it("suggests catalog tables for a mistyped name, never DuckDB's own views", async () => {
    await run('CREATE TABLE visits (id INT)');
    for (const sql of [
      'SELECT * FROM visitz',
      'SELECT * FROM main.visitz',
      'SELECT 1 FROM visits v JOIN visitz w ON true',
    ]) {
      const error = (await run(sql).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/CATALOG_TABLE_NOT_FOUND.*Did you mean main\.visits\?/);
    }
    const internal = (await run('SELECT * FROM pragma_database_lis').catch((e: unknown) => e)) as Error;
    expect(internal.message).toMatch(/CATALOG_TABLE_NOT_FOUND/);
    expect(internal.message).not.toContain('pragma_database_list');
    // DuckDB's own functions still answer when named correctly.
    expect(await rows('SELECT count(*) > 0 AS ok FROM pragma_database_list')).toEqual([{ ok: true }]);
  });
});
