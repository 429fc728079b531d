/**
 * What DuckDB is asked to do for a lake scan: only the columns a query needs are read,
 * filters reach the Parquet reader, partition values of plain folder names come from
 * the folders (no join per row), and the other paths (special partition values, files
 * missing a column) still give the right rows.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeltaTable, fromSql } from '../../src/lake/index.js';
import { explainSql, rowObjects, runSql } from '../../src/engine/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-scan-plans-'));
const plain = path.join(dir, 'plain');
const special = path.join(dir, 'special');
const evolved = path.join(dir, 'evolved');

beforeAll(async () => {
  await DeltaTable.create(plain, {
    data: fromSql(
      "SELECT range AS id, range * 0.5 AS v, (range % 3)::INT AS p, DATE '2026-01-01' + (range % 2)::INT AS day, 'k' || (range % 2) AS k FROM range(3000)",
    ),
    partitionColumns: ['p', 'day', 'k'],
  });
  await DeltaTable.create(special, {
    data: fromSql(
      "SELECT range AS id, CASE range % 3 WHEN 0 THEN 'a b/c' WHEN 1 THEN NULL ELSE 'x=y' END AS tag FROM range(30)",
    ),
    partitionColumns: ['tag'],
  });
  const table = await DeltaTable.create(evolved, { data: fromSql('SELECT range AS id FROM range(5)') });
  await table.append(fromSql("SELECT range + 5 AS id, 'new' AS extra FROM range(5)"), { mergeSchema: true });
});

/** The READ_PARQUET operator's text in DuckDB's plan. */
function readParquetNode(plan: string): string {
  const start = plan.indexOf('READ_PARQUET');
  expect(start, plan).toBeGreaterThan(-1);
  return plan.slice(start, plan.indexOf('└', start));
}

describe('lake scans in DuckDB plans', () => {
  it('reads only the needed columns and pushes filters into the Parquet reader', async () => {
    const { plan } = await explainSql(`SELECT sum(v) FROM delta_scan('${plain}') WHERE id > 100`);
    const reader = readParquetNode(plan);
    expect(reader).toMatch(/Projections:[\s│]*v/);
    expect(reader).toMatch(/Filters:[\s│]*id>100/);
    expect(plan).not.toMatch(/JOIN/);
  });

  it('takes plain partition values from folder names, without a join per row', async () => {
    const { plan } = await explainSql(`SELECT p, day, k, count(*) FROM delta_scan('${plain}') GROUP BY ALL`);
    expect(plan).not.toMatch(/JOIN/);
    const rows = rowObjects(
      await runSql(`SELECT p, day, k, count(*) AS n FROM delta_scan('${plain}') GROUP BY ALL ORDER BY ALL`),
    );
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual({ p: 0, day: '2026-01-01', k: 'k0', n: 500 });
    const types = (await runSql(`SELECT p, day, k FROM delta_scan('${plain}') LIMIT 1`)).columns.map((c) => c.type);
    expect(types).toEqual(['INTEGER', 'DATE', 'VARCHAR']);
  });

  it('joins partition values by file when folder names cannot be trusted', async () => {
    const { plan } = await explainSql(`SELECT tag, count(*) FROM delta_scan('${special}') GROUP BY tag`);
    expect(plan).toMatch(/JOIN/);
    const rows = (
      await runSql(`SELECT tag, count(*) FROM delta_scan('${special}') GROUP BY tag ORDER BY tag NULLS LAST`)
    ).rows;
    expect(rows).toEqual([
      ['a b/c', 10],
      ['x=y', 10],
      [null, 10],
    ]);
  });

  it('reads files without a later column by name, the column as NULL', async () => {
    const rows = (await runSql(`SELECT id, extra FROM delta_scan('${evolved}') WHERE id IN (4, 5) ORDER BY id`)).rows;
    expect(rows).toEqual([
      [4, null],
      [5, 'new'],
    ]);
  });
});
