/**
 * Parse once: a sandboxed query costs one json_serialize_sql (check, rewrite and data
 * skipping share it), and the rewritten query's tree derived from the original's prunes
 * exactly as DuckDB's own parse of the rewritten text does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeltaTable, fromSql, withConnection } from '../../lake/index.js';
import { bindDeltaSql } from './delta-scan-sql.js';
import { rewriteParsedTables, type TableResolver } from './named-tables.js';
import { parseSql } from './parsed-sql.js';
import { bindSandboxedSql, prepareSandboxedSql } from '../sandbox/sandboxed-sql.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-parse-once-'));
const sales = path.join(dir, 'sales');
const regions = path.join(dir, 'regions');
const resolver: TableResolver = {
  resolveTable: async (_schema, table) =>
    ({ sales, regions })[table.toLowerCase() as 'sales' | 'regions'] ?? Promise.reject(new Error(`no table ${table}`)),
};

/** Whether each query of the comparison pruned any file. */
const pruned: boolean[] = [];

beforeAll(async () => {
  // Four files of sales, each holding one range of ids and one region.
  const table = await DeltaTable.create(sales, {
    data: fromSql("SELECT range AS id, 'eu' AS region, range * 10 AS amount FROM range(0, 100)"),
  });
  await table.append(fromSql("SELECT range AS id, 'us' AS region, range * 10 AS amount FROM range(100, 200)"));
  await table.append(fromSql("SELECT range AS id, 'eu' AS region, range * 10 AS amount FROM range(200, 300)"));
  await table.append(fromSql("SELECT range AS id, 'ap' AS region, range * 10 AS amount FROM range(300, 400)"));
  await DeltaTable.create(regions, { data: fromSql("SELECT * FROM (VALUES ('eu', 'Europe')) v(code, name)") });
});

/** Counts the json_serialize_sql statements `work` sends on the connection. */
async function countingParses<T>(work: (c: DuckDBConnection) => Promise<T>): Promise<{ parses: number; result: T }> {
  return withConnection(async (connection) => {
    let parses = 0;
    const original = connection.runAndReadAll.bind(connection);
    connection.runAndReadAll = ((sql: string, ...rest: unknown[]) => {
      if (sql.includes('json_serialize_sql')) parses++;
      return (original as (...args: unknown[]) => ReturnType<DuckDBConnection['runAndReadAll']>)(sql, ...rest);
    }) as DuckDBConnection['runAndReadAll'];
    const result = await work(connection);
    return { parses, result };
  });
}

describe('parse once', () => {
  it('checks, rewrites and prunes a new sandboxed query with one json_serialize_sql', async () => {
    // A literal never used before, so no earlier parse of the text is remembered.
    const first = 150 + Math.floor(Math.random() * 1000) / 1000;
    const sql = `SELECT count(*) AS n FROM sales s JOIN regions r ON r.code = s.region WHERE s.id BETWEEN ${first} AND 199`;
    const { parses, result } = await countingParses(async (c) => {
      const bound = await bindSandboxedSql(c, sql, resolver);
      try {
        const rows = (await c.runAndReadAll(bound.sql)).getRowsJson();
        return { rows, scans: bound.scans };
      } finally {
        await bound.release();
      }
    });
    expect(parses).toBe(1);
    expect(result.rows).toEqual([['0']]);
    const scan = result.scans.find((s) => s.location.endsWith('sales'))!;
    expect(scan.filesKept).toBe(1);
    expect(scan.filter).toBe(`id >= ${first} AND id <= 199`);
  });

  it('binds a prepared query without parsing it again', async () => {
    const sql = `SELECT sum(amount) AS total FROM sales WHERE id >= ${300 + Math.floor(Math.random() * 50)}`;
    const { parses } = await countingParses(async (c) => {
      const prepared = await prepareSandboxedSql(c, sql, resolver);
      const bound = await bindSandboxedSql(c, prepared, resolver);
      await bound.release();
    });
    expect(parses).toBe(1);
  });

  it.each([
    'SELECT * FROM sales WHERE id < 50',
    'SELECT s.id FROM sales AS s WHERE s.region = $$us$$ AND s.amount > 1500',
    'SELECT x.a FROM sales AS x(a, b, c) WHERE x.a >= 250',
    'SELECT * FROM sales s JOIN regions r ON s.region = r.code WHERE r.name = $$Europe$$ AND s.id > 210',
    'SELECT * FROM sales s LEFT JOIN regions r ON s.region = r.code AND s.id > 390 WHERE r.code IS NULL',
    'SELECT * FROM regions FULL JOIN sales ON sales.region = regions.code WHERE sales.id < 10',
    'WITH recent AS (SELECT * FROM sales WHERE id >= 300) SELECT count(*) FROM recent, sales old AT (VERSION => 1) WHERE old.id < 20',
    'SELECT (SELECT max(id) FROM sales WHERE region = $$ap$$) AS top, * FROM sales WHERE id IN (1, 2, 399)',
  ])('prunes with the derived tree as with a parse of the rewritten text: %s', async (sql) => {
    const [derived, reparsed] = await withConnection(async (c) => {
      const rewritten = await rewriteParsedTables(await parseSql(c, sql), resolver);
      expect(rewritten.statements).toBeDefined();
      const scans = async (options: Parameters<typeof bindDeltaSql>[2]) => {
        const bound = await bindDeltaSql(c, rewritten.sql, options);
        await bound.release();
        return bound.scans.map(({ call, view: _view, ...report }) => ({ ...report, call: call.text }));
      };
      return [await scans({ parsed: rewritten }), await scans({})];
    });
    expect(derived).toEqual(reparsed);
    pruned.push(derived.some((s) => s.filesKept < s.filesTotal));
  });

  it('pruned files in most of those queries (the comparison above compares something)', () => {
    expect(pruned.filter(Boolean).length).toBeGreaterThanOrEqual(5);
  });
});
