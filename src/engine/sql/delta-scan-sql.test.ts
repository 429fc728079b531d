/**
 * delta_scan in real SQL over real tables: versions, timestamps, several scans in one
 * query, result fetching/streaming/exporting, and the typed errors.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DeltaTable,
  NotADeltaTableError,
  VersionNotFoundError,
  fromSql,
  queryRows,
  withConnection,
} from '../../lake/index.js';
import {
  DeltaScanArgumentError,
  SqlExecutionError,
  UnsupportedStatementError,
  copySql,
  rowObjects,
  runSql,
  streamSql,
  withDeltaSql,
} from '../index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-engine-'));
const events = path.join(dir, 'events');
const users = path.join(dir, 'users');
let beforeAppend = '';

beforeAll(async () => {
  const table = await DeltaTable.create(events, {
    data: fromSql("SELECT range AS id, CASE WHEN range % 2 = 0 THEN 'a' ELSE 'b' END AS kind FROM range(10)"),
    partitionColumns: ['kind'],
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  beforeAppend = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await table.append(fromSql("SELECT range + 100 AS id, 'c' AS kind FROM range(5)"));
  await DeltaTable.create(users, { data: fromSql("SELECT * FROM (VALUES (1, 'ann'), (2, 'bob')) v(id, name)") });
});

describe('runSql with delta_scan', () => {
  it('reads the latest version, with columns and types', async () => {
    const result = await runSql(`SELECT kind, count(*) AS n FROM delta_scan('${events}') GROUP BY kind ORDER BY kind`);
    expect(result.columns).toEqual([
      { name: 'kind', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
    ]);
    expect(result.rows).toEqual([
      ['a', 5],
      ['b', 5],
      ['c', 5],
    ]);
    expect(result.rowCount).toBe(3);
  });

  it('reads the same table at two versions, and by timestamp, in one query', async () => {
    const sql = `SELECT
        (SELECT count(*) FROM delta_scan('${events}', version => 0)) AS v0,
        (SELECT count(*) FROM delta_scan('${events}')) AS latest,
        (SELECT count(*) FROM delta_scan('${events}', timestamp => '${beforeAppend}')) AS before_append,
        (SELECT count(*) FROM delta_scan('file://${events}', version => 0) a JOIN delta_scan('${events}', version => 0) b USING (id)) AS self_join`;
    expect(rowObjects(await runSql(sql))).toEqual([{ v0: 10, latest: 15, before_append: 10, self_join: 10 }]);
  });

  it('joins two tables and keeps only the first rows when asked, still counting all', async () => {
    const joined = await runSql(
      `SELECT e.id, u.name FROM delta_scan('${events}') e JOIN delta_scan('${users}') u ON e.id = u.id ORDER BY e.id`,
    );
    expect(joined.rows).toEqual([
      [1, 'ann'],
      [2, 'bob'],
    ]);
    const capped = await runSql(`SELECT * FROM delta_scan('${events}') ORDER BY id`, { maxRows: 4 });
    expect(capped.rows).toHaveLength(4);
    expect(capped.rowCount).toBe(15);
  });

  it('drops its views afterwards, even on a caller-provided connection', async () => {
    await withConnection(async (connection) => {
      await runSql(`SELECT count(*) FROM delta_scan('${events}')`, { connection });
      const views = await queryRows(connection, "SELECT view_name FROM duckdb_views() WHERE view_name LIKE '__ds_%'");
      expect(views).toEqual([]);
    });
  });

  it('streams batches and runs plain SQL without delta_scan', async () => {
    const batches = [];
    for await (const batch of streamSql('SELECT range AS i FROM range(5000)')) batches.push(batch);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.reduce((n, b) => n + b.rows.length, 0)).toBe(5000);
    expect(batches[0]!.columns).toEqual([{ name: 'i', type: 'BIGINT' }]);
  });

  it('releases a stream that the caller leaves early', async () => {
    await withConnection(async (connection) => {
      for await (const batch of streamSql(`SELECT * FROM delta_scan('${events}'), range(1000)`, { connection })) {
        expect(batch.rows.length).toBeGreaterThan(0);
        break;
      }
      expect(await queryRows(connection, "SELECT view_name FROM duckdb_views() WHERE view_name LIKE '__ds_%'")).toEqual(
        [],
      );
    });
  });
});

describe('errors', () => {
  it('names a path that is not a table', async () => {
    await expect(runSql(`SELECT * FROM delta_scan('${dir}/missing')`)).rejects.toThrow(NotADeltaTableError);
    await expect(runSql(`SELECT * FROM delta_scan('${dir}/missing')`)).rejects.toThrow(/missing is not a Delta table/);
  });

  it('names a version or timestamp the table does not have', async () => {
    await expect(runSql(`SELECT * FROM delta_scan('${events}', version => 9)`)).rejects.toThrow(VersionNotFoundError);
    await expect(runSql(`SELECT * FROM delta_scan('${events}', version => 9)`)).rejects.toThrow(
      /Version 9 of .*events does not exist; the latest is 1/,
    );
    await expect(runSql(`SELECT * FROM delta_scan('${events}', timestamp => '2000-01-01')`)).rejects.toThrow(
      /has no version at 2000-01-01/,
    );
  });

  it('refuses empty SQL with a clear message', async () => {
    await expect(runSql(' -- nothing\n')).rejects.toThrow(UnsupportedStatementError);
  });

  it('rejects unknown options before running anything', async () => {
    await expect(runSql(`SELECT * FROM delta_scan('${events}', snapshot => 1)`)).rejects.toThrow(
      DeltaScanArgumentError,
    );
  });

  it('inlines the scans of a query as subqueries (no view) with the same rows as views give', async () => {
    const sql = `SELECT e.kind, count(*) AS n, min(u.name) AS name FROM delta_scan('${events}') e JOIN delta_scan('${users}') u ON u.id = e.id % 2 + 1 WHERE e.kind <> 'c' GROUP BY e.kind ORDER BY e.kind`;
    const rowsWith = async (inlineScans: boolean) =>
      withDeltaSql(sql, { inlineScans }, async (bound) => {
        const views = await queryRows(
          bound.connection,
          "SELECT view_name FROM duckdb_views() WHERE view_name LIKE '__ds_%'",
        );
        return { inlined: bound.inlined, views: views.length, rows: await queryRows(bound.connection, bound.sql) };
      });
    const inline = await rowsWith(true);
    const views = await rowsWith(false);
    expect(inline.inlined).toBe(true);
    expect(inline.views).toBe(0);
    expect(views).toMatchObject({ inlined: false, views: 2 });
    expect(inline.rows).toEqual(views.rows);
    expect(inline.rows).toEqual([
      { kind: 'a', n: 5, name: 'ann' },
      { kind: 'b', n: 5, name: 'bob' },
    ]);
  });

  it('reports DuckDB errors with the delta_scan call instead of the internal view name', async () => {
    const error = await runSql(`SELECT nope FROM delta_scan('${events}')`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlExecutionError);
    const message = (error as Error).message;
    expect(message).not.toMatch(/__ds_/);
    // The echoed statement is the user's, and the caret still points under "nope".
    const lines = message.split('\n');
    const echoed = lines.findIndex((l) => l.startsWith('LINE 1: '));
    expect(lines[echoed]).toBe(`LINE 1: SELECT nope FROM delta_scan('${events}')`);
    expect(lines[echoed + 1]!.indexOf('^')).toBe(lines[echoed]!.indexOf('nope'));
  });
});

describe('copySql', () => {
  it.each([
    ['parquet', 'out.parquet'],
    ['csv', 'out.csv'],
    ['json', 'out.jsonl'],
    ['json', 'nested/out.ndjson'],
  ])('writes %s by extension (%s)', async (format, name) => {
    const file = path.join(dir, 'exports', name);
    const result = await copySql(
      `SELECT id, kind AS "the kind" FROM delta_scan('${events}', version => 0) ORDER BY id;`,
      file,
    );
    expect(result).toEqual({ path: file, format, rowCount: 10 });
    const rows = await withConnection((c) => queryRows(c, `SELECT * FROM '${file}' ORDER BY id`));
    expect(rows).toHaveLength(10);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'the kind']);
  });

  it('refuses several statements and unknown extensions', async () => {
    await expect(copySql('SELECT 1; SELECT 2', path.join(dir, 'x.csv'))).rejects.toThrow(UnsupportedStatementError);
    await expect(copySql('SELECT 1', path.join(dir, 'x.xlsx'))).rejects.toThrow(
      /Cannot tell the output format of .*x.xlsx/,
    );
  });
});
