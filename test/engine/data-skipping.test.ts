/**
 * Data skipping on real tables: a selective predicate reads only the files that can
 * match, EXPLAIN says so, joins with a small table prune the big side, and every query
 * returns exactly what it returns without any skipping (a differential test).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeltaTable, fromSql } from '../../src/lake/index.js';
import { explainSql, pruneFiles, runSql, type SqlResult } from '../../src/engine/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-skipping-'));
/** 100 files of 1,000 rows, partitioned by bucket = id // 1000 (so clustered by id). */
const events = path.join(dir, 'events');
/** 20 unpartitioned files appended in id order (stats only). */
const clustered = path.join(dir, 'clustered');
/** 50 users, two regions. */
const users = path.join(dir, 'users');

const EVENT_ROWS = `SELECT range AS id, range // 1000 AS bucket, (range % 7)::INT AS kind,
  'user-' || lpad((range % 500)::VARCHAR, 4, '0') AS name, TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(range) AS ts,
  CASE WHEN range % 10 = 0 THEN NULL ELSE (range * 1.5)::DECIMAL(12,2) END AS amount, {'x': range % 100, 'y': range::VARCHAR} AS s`;

beforeAll(async () => {
  await DeltaTable.create(events, { data: fromSql(`${EVENT_ROWS} FROM range(100000)`), partitionColumns: ['bucket'] });
  const table = await DeltaTable.create(clustered, { data: fromSql(`${EVENT_ROWS} FROM range(0, 5000)`) });
  for (let i = 1; i < 20; i++) await table.append(fromSql(`${EVENT_ROWS} FROM range(${i * 5000}, ${(i + 1) * 5000})`));
  await DeltaTable.create(users, {
    data: fromSql(
      "SELECT range * 2000 + 7 AS user_id, CASE WHEN range < 5 THEN 'north' ELSE 'south' END AS region FROM range(50)",
    ),
  });
}, 120_000);

/** Rows as sorted JSON lines, so results compare as multisets. */
function canonical(result: SqlResult): string[] {
  return result.rows.map((row) => JSON.stringify(row)).sort();
}

async function differential(sql: string): Promise<{ pruned: SqlResult; full: SqlResult }> {
  const [pruned, full] = [await runSql(sql), await runSql(sql, { dataSkipping: false })];
  expect(canonical(pruned)).toEqual(canonical(full));
  return { pruned, full };
}

describe('static pruning', () => {
  it('keeps only the files a selective predicate can match, with the same rows', async () => {
    const sql = `SELECT id, name, amount FROM delta_scan('${events}') WHERE id BETWEEN 41500 AND 41600`;
    const explained = await explainSql(sql);
    expect(explained.scans[0]).toMatchObject({
      filesTotal: 100,
      filesKept: 1,
      skippedByStats: 99,
      skippedByPartition: 0,
    });
    const { pruned } = await differential(sql);
    expect(pruned.rowCount).toBe(101);
  });

  it('finds the scan after non-ASCII text (DuckDB reports byte offsets)', async () => {
    const explained = await explainSql(`SELECT 'déjà vu ✓' AS note, id FROM delta_scan('${events}') WHERE id = 77777`);
    expect(explained.scans[0]).toMatchObject({ filesKept: 1 });
  });

  it('prunes by partition values and by stats on an unpartitioned table', async () => {
    const byPartition = await explainSql(`SELECT count(*) FROM delta_scan('${events}') WHERE bucket IN (3, 97)`);
    expect(byPartition.scans[0]).toMatchObject({ filesKept: 2, skippedByPartition: 98 });
    const byStats = await explainSql(`SELECT count(*) FROM delta_scan('${clustered}') e WHERE e.id >= 97000`);
    expect(byStats.scans[0]).toMatchObject({ filesTotal: 20, filesKept: 1, skippedByStats: 19 });
  });

  it('agrees with the pruneFiles API', async () => {
    const table = await DeltaTable.open(clustered);
    const result = await pruneFiles(
      table.snapshot,
      "ts < TIMESTAMPTZ '2026-01-01 03:00:00+00' AND name LIKE 'user-00%'",
    );
    expect(result.kept).toHaveLength(3); // ids below 10,800: files 0, 1, 2
    expect(result.skipped).toHaveLength(17);
  });

  it.each([
    'id = 12345',
    'id <> 5',
    'id < 1000 OR id > 99000',
    'NOT (id >= 1000)',
    'bucket = 7 AND kind = 3',
    "name = 'user-0042'",
    "name LIKE 'user-04%'",
    "name >= 'user-0499'",
    "ts >= TIMESTAMPTZ '2026-01-01 20:00:00+00'",
    "ts BETWEEN '2026-01-01 01:00:00' AND '2026-01-01 01:10:00'",
    "CAST(ts AS DATE) = DATE '2026-01-02'",
    'amount IS NULL AND id < 3000',
    'amount > 149000',
    'amount = 15.00',
    's.x = 99 AND id < 500',
    "s.y = '77777'",
    'id IN (5, 50005, 99999)',
    'id NOT IN (1, 2, 3) AND id < 10',
    'kind = 3 OR bucket = 4',
    'id + 1 = 100',
    'id = 12345 OR random() < 0',
    'bucket IS NULL',
    'id > 99999.5',
    "id < '1000'",
  ])('%s: same rows as a full scan', async (predicate) => {
    for (const table of [events, clustered]) {
      await differential(`SELECT id, bucket, kind, name, ts, amount, s FROM delta_scan('${table}') WHERE ${predicate}`);
    }
  });

  it('handles aliases, renamed columns, subqueries, CTEs, set operations and several scans of one table', async () => {
    const queries = [
      `SELECT e.id FROM delta_scan('${events}') AS e WHERE e.id < 1500 AND e.kind = 2`,
      `SELECT a1 FROM delta_scan('${events}') AS e(a1, b1) WHERE a1 BETWEEN 10 AND 20`,
      `SELECT a1 FROM delta_scan('${events}') AS e(a1) WHERE a1 < 2000 AND bucket = 1`,
      `SELECT * FROM (SELECT id, name FROM delta_scan('${events}') WHERE id > 99500) t WHERE t.name LIKE 'user-0%'`,
      `WITH recent AS (SELECT * FROM delta_scan('${clustered}') WHERE id >= 95000) SELECT count(*), sum(amount) FROM recent WHERE kind = 1`,
      `SELECT id FROM delta_scan('${events}') WHERE id < 100 UNION ALL SELECT id FROM delta_scan('${events}') WHERE id > 99900`,
      `SELECT a.id, b.id FROM delta_scan('${events}') a, delta_scan('${events}') b WHERE a.id = b.id + 1 AND a.id < 50 AND b.id > 40`,
      `SELECT id FROM delta_scan('${events}') WHERE id IN (SELECT id FROM delta_scan('${clustered}') WHERE id BETWEEN 500 AND 510)`,
      `SELECT id FROM delta_scan('${events}') e WHERE EXISTS (SELECT 1 FROM delta_scan('${users}') u WHERE u.user_id = e.id) AND e.id < 20000`,
    ];
    for (const sql of queries) await differential(sql);
    // Sampling happens before WHERE: pruning would change the sample.
    const sampled = await explainSql(
      `SELECT count(*) FROM delta_scan('${events}') WHERE id < 50000 USING SAMPLE 10% (bernoulli, 7)`,
    );
    expect(sampled.scans[0]!.filesKept).toBe(100);
  });

  it('does not prune the NULL-padded side of an outer join by WHERE', async () => {
    const sql = `SELECT u.user_id, e.id FROM delta_scan('${users}') u LEFT JOIN delta_scan('${events}') e ON e.id = u.user_id AND e.kind = 0 WHERE e.id IS NULL OR e.id < 10`;
    const { pruned } = await differential(sql);
    expect(pruned.rowCount).toBe(43); // 42 users without a match (padded), and user 7
    expect((await explainSql(sql)).scans[1]!.skippedByStats).toBe(0);
    const full = `SELECT u.user_id, e.id FROM delta_scan('${users}') u FULL JOIN delta_scan('${events}') e ON e.id = u.user_id WHERE e.id < 10 OR u.user_id < 100`;
    await differential(full);
    const right = `SELECT u.user_id, e.id FROM delta_scan('${events}') e RIGHT JOIN delta_scan('${users}') u ON e.id = u.user_id WHERE e.name IS NULL`;
    await differential(right);
  });

  it('matches a full scan over randomized predicates', async () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const atoms = [
      () => `id ${['<', '<=', '>', '>=', '=', '<>'][random(6)]} ${random(100000)}`,
      () => `bucket ${['<', '>=', '='][random(3)]} ${random(100)}`,
      () => `kind IN (${random(7)}, ${random(7)})`,
      () => `name ${['<', '>', '='][random(3)]} 'user-${String(random(500)).padStart(4, '0')}'`,
      () => `ts ${['<', '>'][random(2)]} TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL ${random(100000)} SECOND`,
      () => `amount ${['IS NULL', 'IS NOT NULL', `> ${random(150000)}`][random(3)]}`,
      () => `s.x = ${random(100)}`,
    ];
    const predicate = (depth: number): string => {
      const choice = depth > 2 ? 3 : random(5);
      if (choice === 0) return `(${predicate(depth + 1)} AND ${predicate(depth + 1)})`;
      if (choice === 1) return `(${predicate(depth + 1)} OR ${predicate(depth + 1)})`;
      if (choice === 2) return `NOT (${predicate(depth + 1)})`;
      return atoms[random(atoms.length)]!();
    };
    for (let i = 0; i < 40; i++) {
      const where = predicate(0);
      const table = i % 2 ? events : clustered;
      const sql = `SELECT count(*), sum(id), min(name), max(ts), sum(amount) FROM delta_scan('${table}') WHERE ${where}`;
      const [pruned, full] = [await runSql(sql), await runSql(sql, { dataSkipping: false })];
      expect(pruned.rows, where).toEqual(full.rows);
    }
  });
});

describe('dynamic pruning for joins', () => {
  it("prunes the big side to the files that may hold the small side's keys", async () => {
    const sql = `SELECT e.id, u.region FROM delta_scan('${events}') e JOIN delta_scan('${users}') u ON e.id = u.user_id WHERE u.region = 'north'`;
    const explained = await explainSql(sql);
    const big = explained.scans[0]!;
    expect(big.skippedByJoin).toBe(95);
    expect(big.filesKept).toBe(5);
    expect(big.joins[0]).toMatchObject({
      column: 'id',
      buildColumn: 'user_id',
      keys: '5 keys in [7, 8007]',
      skipped: 95,
    });
    expect(explained.text).toMatch(
      /join: id = delta_scan\('.*users'\)\.user_id: 5 keys in \[7, 8007\]; 95 files skipped/,
    );
    const { pruned } = await differential(sql);
    expect(pruned.rowCount).toBe(5);
    const unpruned = await runSql(sql, { joinPruning: false });
    expect(canonical(unpruned)).toEqual(canonical(pruned));
  });

  it('uses the key range when the keys are many, and USING, semi and padded-side joins', async () => {
    const ranged = await explainSql(
      `SELECT count(*) FROM delta_scan('${users}') u JOIN delta_scan('${clustered}') c ON c.id = u.user_id`,
      { joinPruning: { maxKeys: 3 } },
    );
    expect(ranged.scans[1]!.joins[0]!.keys).toBe('50 keys in [7, 98007]');
    const queries = [
      `SELECT count(*) FROM delta_scan('${users}') u JOIN delta_scan('${clustered}') c ON c.id = u.user_id WHERE u.user_id < 30000`,
      `SELECT count(*) FROM delta_scan('${users}') u(id) JOIN delta_scan('${events}') e USING (id) WHERE u.region = 'south'`,
      `SELECT count(*) FROM delta_scan('${users}') u SEMI JOIN delta_scan('${events}') e ON e.id = u.user_id`,
      `SELECT count(*) FROM delta_scan('${users}') u ANTI JOIN delta_scan('${events}') e ON e.id = u.user_id AND e.kind = 1`,
      `SELECT u.user_id, e.name FROM delta_scan('${users}') u LEFT JOIN delta_scan('${events}') e ON e.id = u.user_id WHERE u.region = 'north'`,
      `SELECT count(*) FROM delta_scan('${events}') e LEFT JOIN delta_scan('${users}') u ON e.id = u.user_id WHERE e.id < 3000`,
      `SELECT count(*) FROM delta_scan('${events}') e, delta_scan('${users}') u WHERE e.id = u.user_id AND u.region = 'nowhere'`,
    ];
    for (const sql of queries) await differential(sql);
    const semi = await explainSql(queries[2]!);
    expect(semi.scans[1]!.skippedByJoin).toBe(50);
    const empty = await explainSql(queries[6]!);
    expect(empty.scans[0]).toMatchObject({ filesKept: 0, skippedByJoin: 100 });
    const preserved = await explainSql(queries[5]!);
    expect(preserved.scans[0]!.skippedByJoin).toBe(0);
  });
});

describe('explainSql', () => {
  it("prints files and bytes kept and skipped per scan, then DuckDB's plan", async () => {
    const result = await explainSql(
      `EXPLAIN SELECT kind, count(*) FROM delta_scan('${events}') AS e WHERE e.bucket < 10 AND e.id >= 9500 GROUP BY kind`,
    );
    expect(result.scans).toHaveLength(1);
    const lines = result.text.split('\n');
    expect(lines[0]).toBe(`delta_scan('${events}') AS e — file://${events} version 0`);
    expect(lines[1]).toBe('  files: 100 total, 1 kept, 99 skipped (90 by partition, 9 by stats, 0 by join keys)');
    expect(lines[2]).toMatch(/^ {2}bytes: \d+\.\d KiB of \d+\.\d (KiB|MiB)$/);
    expect(lines[3]).toBe('  filter: bucket < 10 AND id >= 9500');
    expect(result.plan).toMatch(/PARQUET|HASH_GROUP_BY/);
    expect(result.text).toContain(result.plan);
    expect(result.plan).not.toMatch(/__ds_/);
  });

  it('explains ANALYZE and refuses several statements', async () => {
    const analyzed = await explainSql(`explain analyze SELECT count(*) FROM delta_scan('${events}') WHERE id < 10`);
    expect(analyzed.plan).toMatch(/Total Time|Query Profiling|QUERY/i);
    await expect(explainSql('SELECT 1; SELECT 2')).rejects.toThrow(/Only one query/);
  });
});
