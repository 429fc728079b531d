/**
 * Kept plans: a repeated query gives what a fresh run gives, before and after the table
 * changes, and after a statement changes the instance's settings; texts whose meaning
 * DuckDB fixes when it plans (globs, CSV columns, tables by name, settings) are never kept.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable, fromSql, withConnection } from '../../lake/index.js';
import { runSql } from '../index.js';
import { parseSql } from './parsed-sql.js';
import { planKeepable } from './reused-plans.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-plans-'));
const quoted = (p: string) => `'${p.replace(/'/g, "''")}'`;

afterAll(() => runSql("SET GLOBAL TimeZone = 'UTC'"));

describe('kept plans', () => {
  it('give the same rows as a fresh run, and see appends and deletes (a new snapshot is a new text)', async () => {
    const location = path.join(dir, 'events');
    const table = await DeltaTable.create(location, {
      data: fromSql('SELECT range AS id, range % 7 AS k FROM range(1000)'),
    });
    const sql = `SELECT count(*) AS n, sum(k) AS s FROM delta_scan(${quoted(location)}) WHERE id BETWEEN 100 AND 199`;
    for (let i = 0; i < 4; i++) expect((await runSql(sql)).rows).toEqual([[100, 299]]);
    await table.append(fromSql('SELECT 150 AS id, 6 AS k'));
    for (let i = 0; i < 3; i++) expect((await runSql(sql)).rows).toEqual([[101, 305]]);
    await (await DeltaTable.open(location)).delete('id = 150');
    for (let i = 0; i < 3; i++) expect((await runSql(sql)).rows).toEqual([[99, 296]]);
  });

  it('are forgotten when a statement changes the settings they were planned with', async () => {
    const location = path.join(dir, 'times');
    await DeltaTable.create(location, {
      data: fromSql("SELECT TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_hours(range) AS ts FROM range(48)"),
    });
    // The literal is read in the session's time zone when DuckDB plans the query.
    const sql = `SELECT count(*) AS n FROM delta_scan(${quoted(location)}) WHERE ts < '2026-01-02 00:00:00'`;
    for (let i = 0; i < 3; i++) expect((await runSql(sql)).rows).toEqual([[24]]);
    await runSql("SET GLOBAL TimeZone = 'Asia/Tokyo'; SELECT 1");
    for (let i = 0; i < 3; i++) expect((await runSql(sql)).rows).toEqual([[15]]);
    await runSql("SET GLOBAL TimeZone = 'UTC'; SELECT 1");
    expect((await runSql(sql)).rows).toEqual([[24]]);
  });

  it('are kept only for queries whose sources are delta_scan calls and pure table functions', async () => {
    const csv = path.join(dir, 'x.csv');
    writeFileSync(csv, 'a\n1\n');
    const keepable = (sql: string) => withConnection(async (c) => planKeepable(await parseSql(c, sql)));
    expect(await keepable("SELECT count(*) FROM delta_scan('/t') WHERE id > 1")).toBe(true);
    expect(await keepable("SELECT * FROM delta_scan('/t') a JOIN range(10) r ON a.id = r.range")).toBe(true);
    expect(await keepable(`SELECT * FROM read_csv(${quoted(csv)})`)).toBe(false);
    expect(await keepable("SELECT * FROM '/data/*.parquet'")).toBe(false);
    expect(
      await keepable("SELECT * FROM delta_scan('/t') WHERE id IN (SELECT a FROM read_parquet('/x/*.parquet'))"),
    ).toBe(false);
    expect(await keepable('SELECT * FROM main.some_table')).toBe(false);
    expect(await keepable("SELECT current_setting('TimeZone')")).toBe(false);
    expect(await keepable('SELECT 1; SELECT 2')).toBe(false);
    expect(await keepable('CREATE TABLE x AS SELECT 1')).toBe(false);
  });

  it('never serve a glob read again after new files appear', async () => {
    const folder = path.join(dir, 'glob');
    mkdirSync(folder);
    await withConnection((c) =>
      c.run(`COPY (SELECT 1 AS a) TO ${quoted(path.join(folder, 'one.parquet'))} (FORMAT parquet)`),
    );
    const sql = `SELECT count(*) AS n FROM read_parquet(${quoted(path.join(folder, '*.parquet'))})`;
    for (let i = 0; i < 3; i++) expect((await runSql(sql)).rows).toEqual([[1]]);
    await withConnection((c) =>
      c.run(`COPY (SELECT 2 AS a) TO ${quoted(path.join(folder, 'two.parquet'))} (FORMAT parquet)`),
    );
    expect((await runSql(sql)).rows).toEqual([[2]]);
  });
});
