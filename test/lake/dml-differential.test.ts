/**
 * Differential test of DML: random DELETE, UPDATE and MERGE statements (seeded; the
 * seed is printed, and STRATA_DML_SEED=<n> replays it) are applied to Strata tables —
 * with deletion vectors and copy-on-write, partitioned and not — and, as SQL, to a
 * plain DuckDB table holding the same rows. After every statement both must hold the
 * same multiset of rows. The tables also have the change data feed on, and each
 * commit's changes must turn the previous contents into the new ones.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeltaTable,
  fromSql,
  queryRows,
  readChanges,
  type DmlMetrics,
  type MergeAction,
  type MergeClause,
  type MergeSpec,
} from '../../src/lake/index.js';
import { seedFrom, seededRandom } from '../support/random.js';

const SEED = seedFrom('STRATA_DML_SEED');
const STATEMENTS = 14;
const COLUMNS = ['id', 'k', 's', 'x', 'p'] as const;

class Gen {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

interface Row {
  id: number;
  k: number | null;
  s: string | null;
  x: number | null;
  p: string | null;
}

const literal = (v: string | number | null, type: string) =>
  v === null ? `NULL::${type}` : typeof v === 'number' ? `${v}::${type}` : `'${v}'::${type}`;
const valuesSql = (rows: readonly Row[]) =>
  rows.length === 0
    ? 'SELECT NULL::BIGINT AS id, NULL::INTEGER AS k, NULL::VARCHAR AS s, NULL::DOUBLE AS x, NULL::VARCHAR AS p WHERE false'
    : `SELECT * FROM (VALUES ${rows.map((r) => `(${literal(r.id, 'BIGINT')}, ${literal(r.k, 'INTEGER')}, ${literal(r.s, 'VARCHAR')}, ${literal(r.x, 'DOUBLE')}, ${literal(r.p, 'VARCHAR')})`).join(', ')}) AS v(id, k, s, x, p)`;

function randomRow(g: Gen, id: number): Row {
  return {
    id,
    k: g.chance(0.1) ? null : g.int(0, 9),
    s: g.chance(0.15) ? null : `s${g.int(0, 30)}`,
    x: g.chance(0.1) ? null : g.int(-400, 400) / 4,
    p: g.chance(0.1) ? null : g.pick(['a', 'b', 'c']),
  };
}

function predicate(g: Gen, depth = 0): string {
  if (depth < 2 && g.chance(0.3)) {
    const op = g.pick(['AND', 'OR', 'NOT']);
    return op === 'NOT'
      ? `NOT (${predicate(g, depth + 1)})`
      : `(${predicate(g, depth + 1)}) ${op} (${predicate(g, depth + 1)})`;
  }
  return g.pick([
    () => `k = ${g.int(0, 9)}`,
    () => `k > ${g.int(0, 9)}`,
    () => 'k IS NULL',
    () => `id % ${g.int(2, 7)} = ${g.int(0, 1)}`,
    () => `x < ${g.int(-100, 100)}`,
    () => `s LIKE 's${g.int(1, 3)}%'`,
    () => `p = '${g.pick(['a', 'b', 'c'])}'`,
    () => 'p IS NULL',
    () => 's IS NULL',
    () => `id BETWEEN ${g.int(0, 60)} AND ${g.int(40, 140)}`,
  ])();
}

function assignments(g: Gen, prefix = ''): Record<string, string> {
  const options: Record<string, string[]> = {
    k: [`${prefix}k + 1`, `coalesce(${prefix}k, 0) * 2`, 'NULL'],
    s: [`${prefix}s || '_u'`, `upper(${prefix}s)`, 'NULL', "'fixed'"],
    x: [`${prefix}x * 2.5`, `${prefix}x + ${prefix}k`, 'NULL'],
    p: ["'b'", `CASE WHEN ${prefix}k > 5 THEN 'c' ELSE ${prefix}p END`],
  };
  const set: Record<string, string> = {};
  for (const column of Object.keys(options)) if (g.chance(0.45)) set[column] = g.pick(options[column]!);
  if (Object.keys(set).length === 0) set.s = g.pick(options.s!);
  return set;
}

function mergeSpec(g: Gen): MergeSpec {
  const clauses: MergeClause[] = [];
  for (let n = g.int(1, 4); n > 0; n--) {
    const when = g.pick(['matched', 'notMatched', 'notMatchedBySource'] as const);
    if (when === 'matched') {
      const condition = g.pick([
        undefined,
        'source.k > target.k',
        'target.x > 10',
        "source.p = 'a'",
        'target.k IS NULL',
      ]);
      const sets: Array<Record<string, string>> = [
        { k: 'source.k', s: "concat(target.s, '+', source.s)" },
        { x: 'source.x + 1', p: 'source.p' },
        assignments(g, 'target.'),
      ];
      const action = g.pick<MergeAction>([
        { kind: 'delete' },
        { kind: 'update', set: '*' },
        { kind: 'update', set: g.pick(sets) },
      ]);
      clauses.push({ when, ...(condition ? { condition } : {}), action });
    } else if (when === 'notMatched') {
      const condition = g.pick([undefined, 'source.k < 5', 'source.x IS NOT NULL']);
      const values = g.pick<'*' | Record<string, string>>([
        '*',
        { id: 'source.id', k: 'source.k', s: "'ins'" },
        { id: 'source.id', p: 'source.p', x: 'source.x * 2' },
      ]);
      clauses.push({ when, ...(condition ? { condition } : {}), action: { kind: 'insert', values } });
    } else {
      const condition = g.pick([undefined, 'target.k = 3', "target.p = 'b'", 'target.x < 0']);
      const sets: Array<Record<string, string>> = [{ s: "'gone'" }, { k: 'target.k + 100' }];
      const action = g.pick<MergeAction>([{ kind: 'delete' }, { kind: 'update', set: g.pick(sets) }]);
      clauses.push({ when, ...(condition ? { condition } : {}), action });
    }
  }
  // Only the last clause of a kind may omit its condition (Delta refuses the others).
  const guarded = clauses.map((c, i) =>
    c.condition === undefined && clauses.slice(i + 1).some((d) => d.when === c.when)
      ? { ...c, condition: c.when === 'notMatched' ? 'source.k > 3' : 'target.k > 3' }
      : c,
  );
  return { on: 'target.id = source.id', clauses: guarded };
}

/** The same MERGE as DuckDB SQL. */
function mergeSql(spec: MergeSpec, source: string): string {
  const clause = (c: MergeClause) => {
    const when =
      c.when === 'matched'
        ? 'WHEN MATCHED'
        : c.when === 'notMatched'
          ? 'WHEN NOT MATCHED'
          : 'WHEN NOT MATCHED BY SOURCE';
    const condition = c.condition ? ` AND ${c.condition}` : '';
    const a = c.action;
    if (a.kind === 'delete') return `${when}${condition} THEN DELETE`;
    if (a.kind === 'update') {
      const set = a.set === '*' ? Object.fromEntries(COLUMNS.map((col) => [col, `source.${col}`])) : a.set;
      return `${when}${condition} THEN UPDATE SET ${Object.entries(set)
        .map(([col, e]) => `${col} = ${e}`)
        .join(', ')}`;
    }
    const values = a.values === '*' ? Object.fromEntries(COLUMNS.map((col) => [col, `source.${col}`])) : a.values;
    return `${when}${condition} THEN INSERT (${Object.keys(values).join(', ')}) VALUES (${Object.values(values).join(', ')})`;
  };
  return `MERGE INTO ref AS target USING (${source}) AS source ON ${spec.on} ${spec.clauses.map(clause).join(' ')}`;
}

const canonical = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => JSON.stringify(COLUMNS.map((c) => r[c] ?? null))).sort();

function counts(rows: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r, (out.get(r) ?? 0) + 1);
  return out;
}

let reference: DuckDBInstance;
beforeAll(async () => {
  reference = await DuckDBInstance.create(':memory:');
  console.log(`DML differential test seed: ${SEED} (replay with STRATA_DML_SEED=${SEED})`);
});
afterAll(() => reference.closeSync());

const VARIANTS = [
  { name: 'copy-on-write, unpartitioned', dv: false, partitioned: false },
  { name: 'copy-on-write, partitioned', dv: false, partitioned: true },
  { name: 'deletion vectors, unpartitioned', dv: true, partitioned: false },
  { name: 'deletion vectors, partitioned', dv: true, partitioned: true },
];

describe('DML matches DuckDB on randomized statements', () => {
  for (const [v, variant] of VARIANTS.entries()) {
    it(`${variant.name} (seed ${SEED})`, async () => {
      const g = new Gen(seededRandom(SEED * 31 + v));
      const connection = await reference.connect();
      try {
        await run(g, connection, variant);
      } finally {
        await connection.run('DROP TABLE IF EXISTS ref');
        connection.closeSync();
      }
    }, 240_000);
  }
});

async function run(g: Gen, ref: DuckDBConnection, variant: { dv: boolean; partitioned: boolean }): Promise<void> {
  const location = path.join(mkdtempSync(path.join(tmpdir(), 'strata-dml-diff-')), 'table');
  const table = await DeltaTable.create(location, {
    schema: {
      type: 'struct',
      fields: [
        { name: 'id', type: 'long', nullable: true, metadata: {} },
        { name: 'k', type: 'integer', nullable: true, metadata: {} },
        { name: 's', type: 'string', nullable: true, metadata: {} },
        { name: 'x', type: 'double', nullable: true, metadata: {} },
        { name: 'p', type: 'string', nullable: true, metadata: {} },
      ],
    },
    partitionColumns: variant.partitioned ? ['p'] : [],
    properties: { 'delta.enableDeletionVectors': String(variant.dv), 'delta.enableChangeDataFeed': 'true' },
  });
  await ref.run('CREATE TABLE ref (id BIGINT, k INTEGER, s VARCHAR, x DOUBLE, p VARCHAR)');
  let nextId = 0;
  for (let batch = 0; batch < 3; batch++) {
    const rows = Array.from({ length: g.int(15, 40) }, () => randomRow(g, nextId++));
    await table.append(fromSql(valuesSql(rows)));
    await ref.run(`INSERT INTO ref ${valuesSql(rows)}`);
  }
  let previous = canonical(await table.rows());
  const log: string[] = [];
  let deletionVectorsWritten = 0;
  for (let step = 0; step < STATEMENTS; step++) {
    const kind = g.pick(['delete', 'update', 'merge', 'merge']);
    const versionBefore = table.version;
    let description: string;
    if (kind === 'delete') {
      const where = g.chance(0.05) ? undefined : predicate(g);
      description = `DELETE WHERE ${where ?? '(all)'}`;
      deletionVectorsWritten += dvCount(await table.delete(where));
      await ref.run(`DELETE FROM ref${where ? ` WHERE ${where}` : ''}`);
    } else if (kind === 'update') {
      const where = g.chance(0.1) ? undefined : predicate(g);
      const set = assignments(g);
      description = `UPDATE SET ${JSON.stringify(set)} WHERE ${where ?? '(all)'}`;
      deletionVectorsWritten += dvCount(await table.update(set, where));
      await ref.run(
        `UPDATE ref SET ${Object.entries(set)
          .map(([c, e]) => `${c} = ${e}`)
          .join(', ')}${where ? ` WHERE ${where}` : ''}`,
      );
    } else {
      // Distinct source ids, half of them present in the target: no target row has two matches.
      const ids = new Set<number>();
      for (let n = g.int(1, 25); n > 0; n--) ids.add(g.int(0, nextId + 15));
      const source = valuesSql([...ids].map((id) => randomRow(g, id)));
      nextId += 16;
      const spec = mergeSpec(g);
      description = `MERGE ${JSON.stringify(spec)} USING ${ids.size} rows`;
      deletionVectorsWritten += dvCount(await table.merge(fromSql(source), spec));
      await ref.run(mergeSql(spec, source));
    }
    log.push(description);
    const context = `seed ${SEED}, step ${step}:\n${log.join('\n')}`;
    const actual = canonical(await table.rows());
    const expected = canonical(await queryRows(ref, 'SELECT * FROM ref'));
    expect(actual, context).toEqual(expected);
    // Reading the reopened table gives the same rows (the log alone defines the table).
    expect(canonical(await (await DeltaTable.open(location)).rows()), context).toEqual(expected);
    if (table.version === versionBefore) {
      // A statement that changed no row commits nothing (as Delta writers do).
      expect(actual, context).toEqual(previous);
    } else {
      expect(table.version, context).toBe(versionBefore + 1);
      expectChangesExplain(previous, actual, await readChanges(location, table.version, table.version), context);
    }
    previous = actual;
  }
  // Each variant must exercise its own path: DVs written only where enabled.
  if (variant.dv) expect(deletionVectorsWritten, 'statements should have written deletion vectors').toBeGreaterThan(0);
  else expect(deletionVectorsWritten).toBe(0);
}

const dvCount = (result: DmlMetrics) => result.numDeletionVectorsAdded + result.numDeletionVectorsUpdated;

/** previous − deletes − preimages + postimages + inserts = current, as multisets. */
function expectChangesExplain(
  previous: readonly string[],
  current: readonly string[],
  changes: readonly Record<string, unknown>[],
  context: string,
): void {
  const state = counts(previous);
  for (const change of changes) {
    const row = JSON.stringify(COLUMNS.map((c) => change[c] ?? null));
    const type = String(change._change_type);
    const delta = type === 'delete' || type === 'update_preimage' ? -1 : 1;
    state.set(row, (state.get(row) ?? 0) + delta);
    expect(state.get(row)!, `${context}\nchange ${type} ${row} does not apply`).toBeGreaterThanOrEqual(0);
  }
  const rebuilt = [...state.entries()].flatMap(([row, n]) => Array.from({ length: n }, () => row)).sort();
  expect(rebuilt, `${context}\n(change data feed)`).toEqual([...current]);
}
