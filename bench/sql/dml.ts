/**
 * merge_upsert_ms and delete_1pct_ms: DML on the 10M-row base table, each against a full
 * rewrite of the table by DuckDB with the same change applied.
 *
 * - MERGE: upsert 100,000 source rows (1% of the keys): 50,000 update existing ids spread
 *   over the whole table, 50,000 insert new ids; `WHEN MATCHED THEN UPDATE SET *`,
 *   `WHEN NOT MATCHED THEN INSERT *`, through `DeltaTable.merge` (what the engine's MERGE
 *   statement calls). The source is a DuckDB table made beforehand, so neither side pays
 *   for generating it.
 * - DELETE: `k < 10`, 1% of the rows, spread over every file, through `DeltaTable.delete`.
 *
 * Each is measured on a copy-on-write table and on a deletion-vector table
 * (`delta.enableDeletionVectors = true`). The DuckDB side: `COPY (SELECT ... FROM
 * read_parquet(<the table's files>) <change applied>) TO <dir>` with the same compression
 * and file size as Strata writes. Every round starts from a fresh clone of the base table
 * (log copied, data files hard-linked; for the deletion-vector side the property is then
 * set), made untimed; the sides alternate; what a round wrote is deleted untimed.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DeltaTable, fromSql, withConnection, type MergeSpec } from '../../src/lake/index.js';
import { runSql } from '../../src/engine/index.js';
import {
  alternate,
  median,
  spread,
  wall,
  type BenchResult,
  type Sample,
  type Scenario,
  type Side,
} from '../harness.js';
import { sqlString } from '../lake/sql.js';
import { BASE_ROWS, baseTable, cloneTable, readParquetSql } from './base-table.js';

const WARMUP = 1;
const ROUNDS = 7;
const SOURCE = 'bench_merge_source';
const UPSERTS = BASE_ROWS / 100;
const UPDATES = UPSERTS / 2;
const INSERTS = UPSERTS - UPDATES;
const DELETE_PREDICATE = 'k < 10';
const FILE_SIZE = 128 * 1024 * 1024; // Strata's default data file size

const MERGE: MergeSpec = {
  on: 'target.id = source.id',
  clauses: [
    { when: 'matched', action: { kind: 'update', set: '*' } },
    { when: 'notMatched', action: { kind: 'insert', values: '*' } },
  ],
};

/** Existing ids, one in each block of 200 (so every file has some), then new ids past the end. */
const sourceSql =
  `SELECT CASE WHEN j < ${UPDATES} THEN j * ${BASE_ROWS / UPDATES} + hash(j) % ${BASE_ROWS / UPDATES} ELSE ${BASE_ROWS} + j END::BIGINT AS id,` +
  ` (hash(j + 3) % 1000)::INTEGER AS k, j / 7.0 AS x, j / 3.0 AS y, 'upserted' AS tag FROM range(${UPSERTS}) AS t(j)`;

const mergedSql = (files: string) =>
  `SELECT coalesce(s.id, t.id) AS id,` +
  ['k', 'x', 'y', 'tag'].map((c) => ` CASE WHEN s.id IS NULL THEN t.${c} ELSE s.${c} END AS ${c}`).join(',') +
  ` FROM ${files} AS t FULL OUTER JOIN ${SOURCE} AS s ON t.id = s.id`;

export const mergeUpsert: Scenario = {
  name: 'merge_upsert_ms',
  description: `MERGE upsert of 1% of keys into a ${BASE_ROWS.toLocaleString('en-US')}-row table (copy-on-write and deletion vectors) vs a DuckDB rewrite, ${ROUNDS} alternating rounds`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const base = await baseTable(workDir, log);
    const files = readParquetSql((await DeltaTable.open(base)).snapshot, base);
    await withConnection((c) => c.run(`CREATE OR REPLACE TABLE ${SOURCE} AS ${sourceSql}`));
    try {
      const [matched, distinct] = await firstRow(
        `SELECT count(t.id), count(DISTINCT s.id) FROM ${SOURCE} AS s LEFT JOIN ${files} AS t ON t.id = s.id`,
      );
      if (matched !== UPDATES || distinct !== UPSERTS)
        throw new Error(
          `the merge source matches ${matched} rows with ${distinct} distinct ids, expected ${UPDATES} and ${UPSERTS}`,
        );
      const merge = async (table: DeltaTable, deletionVectors: boolean) => {
        const r = await table.merge(fromSql(`SELECT * FROM ${SOURCE}`), MERGE);
        if (
          r.numUpdatedRows !== UPDATES ||
          r.numInsertedRows !== INSERTS ||
          (deletionVectors && r.numCopiedRows !== 0)
        ) {
          throw new Error(
            `merge updated ${r.numUpdatedRows}, inserted ${r.numInsertedRows} and copied ${r.numCopiedRows} rows`,
          );
        }
      };
      const samples = await alternate(
        [
          strataSide('cow', workDir, base, false, (table) => merge(table, false), BASE_ROWS + INSERTS),
          strataSide('dv', workDir, base, true, (table) => merge(table, true), BASE_ROWS + INSERTS),
          rewriteSide(workDir, mergedSql(files), BASE_ROWS + INSERTS),
        ],
        { warmup: WARMUP, rounds: ROUNDS, log },
      );
      return figures(
        'merge_upsert',
        samples,
        `MERGE of ${UPSERTS.toLocaleString('en-US')} source rows (${UPDATES.toLocaleString('en-US')} updates of existing ids in every file, ${INSERTS.toLocaleString('en-US')} inserts)`,
      );
    } finally {
      await withConnection((c) => c.run(`DROP TABLE IF EXISTS ${SOURCE}`));
    }
  },
};

export const deleteOnePercent: Scenario = {
  name: 'delete_1pct_ms',
  description: `DELETE of 1% of the rows of a ${BASE_ROWS.toLocaleString('en-US')}-row table (copy-on-write and deletion vectors) vs a DuckDB rewrite, ${ROUNDS} alternating rounds`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const base = await baseTable(workDir, log);
    const files = readParquetSql((await DeltaTable.open(base)).snapshot, base);
    const [deleted = NaN] = await firstRow(`SELECT count(*) FROM ${files} WHERE ${DELETE_PREDICATE}`);
    log(
      `DELETE WHERE ${DELETE_PREDICATE} removes ${deleted.toLocaleString('en-US')} rows (${((100 * deleted) / BASE_ROWS).toFixed(2)}%)`,
    );
    const remove = async (table: DeltaTable, deletionVectors: boolean) => {
      const r = await table.delete(DELETE_PREDICATE);
      if (r.numDeletedRows !== deleted || (deletionVectors && r.numDeletionVectorsAdded === 0)) {
        throw new Error(
          `delete removed ${r.numDeletedRows} rows (expected ${deleted}) with ${r.numDeletionVectorsAdded} deletion vectors`,
        );
      }
    };
    const samples = await alternate(
      [
        strataSide('cow', workDir, base, false, (table) => remove(table, false), BASE_ROWS - deleted),
        strataSide('dv', workDir, base, true, (table) => remove(table, true), BASE_ROWS - deleted),
        rewriteSide(workDir, `SELECT * FROM ${files} WHERE NOT (${DELETE_PREDICATE})`, BASE_ROWS - deleted),
      ],
      { warmup: WARMUP, rounds: ROUNDS, log },
    );
    return figures(
      'delete_1pct',
      samples,
      `DELETE WHERE ${DELETE_PREDICATE} (${deleted.toLocaleString('en-US')} rows, in every file)`,
    );
  },
};

/** The first row of a query's result, as numbers. */
async function firstRow(sql: string): Promise<number[]> {
  return withConnection(async (c) => ((await c.runAndReadAll(sql)).getRows()[0] ?? []).map(Number));
}

/** A Strata DML side: each round on a fresh clone of the base table (deletion vectors on or off). */
function strataSide(
  name: 'cow' | 'dv',
  workDir: string,
  base: string,
  deletionVectors: boolean,
  work: (table: DeltaTable) => Promise<void>,
  rowsAfter: number,
): Side {
  let table: DeltaTable | undefined;
  const dir = (round: number) => path.join(workDir, `${name}-${round}`);
  return {
    name,
    setup: async (round) => {
      table = await cloneTable(base, dir(round));
      if (deletionVectors) await table.setProperties({ 'delta.enableDeletionVectors': 'true' });
    },
    run: () => work(table!),
    teardown: async (round) => {
      // Once, untimed: the table after the statement holds the rows DuckDB's rewrite does.
      if (round === 0) {
        const { rows } = await runSql(`SELECT count(*) FROM delta_scan(${sqlString(dir(round))})`);
        if (Number(rows[0]?.[0]) !== rowsAfter)
          throw new Error(
            `${name}: the table has ${String(rows[0]?.[0])} rows after the statement, expected ${rowsAfter}`,
          );
      }
      await fs.rm(dir(round), { recursive: true, force: true });
    },
  };
}

/** DuckDB writing the whole table again with the change applied. */
function rewriteSide(workDir: string, select: string, rowsAfter: number): Side {
  const dir = (round: number) => path.join(workDir, `rewrite-${round}`);
  return {
    name: 'duckdb_rewrite',
    run: async (round) => {
      const [written] = await firstRow(
        `COPY (${select}) TO ${sqlString(dir(round))} (FORMAT parquet, COMPRESSION snappy, FILE_SIZE_BYTES ${FILE_SIZE})`,
      );
      if (written !== rowsAfter) throw new Error(`the rewrite wrote ${written} rows, expected ${rowsAfter}`);
    },
    teardown: (round) => fs.rm(dir(round), { recursive: true, force: true }),
  };
}

function figures(prefix: string, samples: Map<string, Sample[]>, what: string): BenchResult[] {
  const cow = wall(samples.get('cow')!);
  const dv = wall(samples.get('dv')!);
  const rewrite = wall(samples.get('duckdb_rewrite')!);
  return [
    {
      name: `${prefix}_ms`,
      value: median(cow),
      unit: 'ms',
      note: `${what}, copy-on-write table; median of ${ROUNDS}, samples ${spread(cow)} ms`,
    },
    {
      name: `${prefix}_ratio_vs_rewrite`,
      value: median(cow) / median(rewrite),
      unit: 'ratio',
      note: `${prefix}_ms ÷ ${prefix}_rewrite_ms`,
    },
    {
      name: `${prefix}_dv_ms`,
      value: median(dv),
      unit: 'ms',
      note: `the same on a deletion-vector table; samples ${spread(dv)} ms`,
    },
    {
      name: `${prefix}_dv_ratio_vs_rewrite`,
      value: median(dv) / median(rewrite),
      unit: 'ratio',
      note: `${prefix}_dv_ms ÷ ${prefix}_rewrite_ms`,
    },
    {
      name: `${prefix}_rewrite_ms`,
      value: median(rewrite),
      unit: 'ms',
      note: `DuckDB COPY of the whole table with the change applied (read_parquet of the same files); samples ${spread(rewrite)} ms`,
    },
  ];
}
