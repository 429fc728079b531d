import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeltaTable, fromSql, withConnection } from '../../lake/index.js';
import { rewriteNamedTables, type TableResolver } from './named-tables.js';
import { runSql, rowObjects } from './sql-results.js';

const resolver = (tables: Record<string, string>): TableResolver => ({
  resolveTable: async (schema, table) => tables[`${(schema ?? 'main').toLowerCase()}.${table.toLowerCase()}`],
});

describe('named tables in queries', () => {
  it('rewrites resolved references, keeps aliases, CTE names, strings and unknown tables', async () => {
    const sql = `WITH sales AS (SELECT 1) SELECT 'sales', s.a FROM main.sales s, events AT (VERSION => 3), "Other" JOIN sales ON true, other_db_table`;
    const rewritten = await withConnection((c) =>
      rewriteNamedTables(
        c,
        sql,
        resolver({ 'main.sales': '/lake/sales', 'main.events': '/lake/events', 'main.other': '/lake/o' }),
      ),
    );
    // The CTE named sales shadows the table, as in SQL; the qualified main.sales does not.
    expect(rewritten).toBe(
      `WITH sales AS (SELECT 1) SELECT 'sales', s.a FROM delta_scan('/lake/sales') s, delta_scan('/lake/events', version => 3) AS "events", delta_scan('/lake/o') AS "Other" JOIN sales ON true, other_db_table`,
    );
  });

  it('wraps a restricted table in a subquery of its columns and rows, keeping the alias and AT clause', async () => {
    const restricted: TableResolver = {
      resolveTable: async () => ({ location: '/lake/s', columns: ['a', 'b'], rowFilter: `r = 'eu'` }),
    };
    const rewritten = await withConnection((c) =>
      rewriteNamedTables(c, 'SELECT s.a FROM sales s AT (VERSION => 2), sales', restricted),
    );
    expect(rewritten).toBe(
      `SELECT s.a FROM (SELECT "a", "b" FROM delta_scan('/lake/s', version => 2) WHERE (r = 'eu')) AS "s", (SELECT "a", "b" FROM delta_scan('/lake/s') WHERE (r = 'eu')) AS "sales"`,
    );
  });

  it('leaves text DuckDB cannot parse to DuckDB', async () => {
    const sql = 'SELEC oops FROM sales';
    expect(await withConnection((c) => rewriteNamedTables(c, sql, resolver({ 'main.sales': '/x' })))).toBe(sql);
  });

  it('queries a table by name at its latest version and as of a version', async () => {
    const location = path.join(mkdtempSync(path.join(tmpdir(), 'strata-named-')), 't');
    const table = await DeltaTable.create(location, { data: fromSql('SELECT 1 AS id') });
    await table.append(fromSql('SELECT 2 AS id'));
    const sql = await withConnection((c) =>
      rewriteNamedTables(
        c,
        `SELECT (SELECT count(*) FROM t) AS now, (SELECT count(*) FROM t AT (VERSION => 0)) AS v0`,
        resolver({ 'main.t': location }),
      ),
    );
    expect(rowObjects(await runSql(sql))).toEqual([{ now: 2, v0: 1 }]);
  });
});
