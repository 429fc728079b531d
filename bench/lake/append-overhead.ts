/**
 * append_overhead_ratio: what a Delta append costs over a raw Parquet write.
 *
 * Strata side: `DeltaTable.append(fromSql(...))` of 1,000,000 rows × 10 mixed columns
 * to an existing (empty) table — data files, per-file stats and the commit.
 * DuckDB side: `COPY (same query) TO 'x.parquet' (FORMAT parquet, COMPRESSION snappy)`.
 * Both read one table materialized beforehand in the lake's own DuckDB instance, so
 * generating the rows costs neither side, and both write snappy Parquet with the same
 * threads. Sides alternate round by round; each round starts from an empty table / no
 * output file, and what it wrote is deleted, untimed, afterwards.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DeltaTable, fromSql, withConnection } from '../../src/lake/index.js';
import { alternate, cpu, median, spread, wall, type BenchResult, type Scenario } from '../harness.js';
import { mixedRowsSql } from './mixed-rows.js';
import { sqlString } from './sql.js';

const ROWS = 1_000_000;
const WARMUP = 1;
const ROUNDS = 15;
const SOURCE = 'bench_append_source';
const QUERY = `SELECT * FROM ${SOURCE}`;

export const appendOverhead: Scenario = {
  name: 'append_overhead_ratio',
  description: `Strata append vs DuckDB COPY to Parquet, ${ROWS.toLocaleString('en-US')} rows × 10 columns, ${ROUNDS} alternating rounds`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    await withConnection((c) => c.run(`CREATE OR REPLACE TABLE ${SOURCE} AS ${mixedRowsSql(ROWS)}`));
    try {
      let table: DeltaTable | undefined;
      const tableDir = (round: number) => path.join(workDir, `table-${round}`);
      const rawFile = (round: number) => path.join(workDir, `raw-${round}.parquet`);
      const samples = await alternate(
        [
          {
            name: 'strata',
            setup: async (round) => {
              table = await DeltaTable.create(tableDir(round), { data: fromSql(`${QUERY} LIMIT 0`) });
            },
            run: async () => {
              const result = await table!.append(fromSql(QUERY));
              if (result.numRows !== ROWS) throw new Error(`append wrote ${result.numRows} rows, expected ${ROWS}`);
            },
            teardown: (round) => fs.rm(tableDir(round), { recursive: true, force: true }),
          },
          {
            name: 'duckdb_copy',
            run: async (round) => {
              const reader = await withConnection((c) =>
                c.runAndReadAll(`COPY (${QUERY}) TO ${sqlString(rawFile(round))} (FORMAT parquet, COMPRESSION snappy)`),
              );
              const written = Number(reader.getRows()[0]?.[0]);
              if (written !== ROWS) throw new Error(`COPY wrote ${written} rows, expected ${ROWS}`);
            },
            teardown: (round) => fs.rm(rawFile(round), { force: true }),
          },
        ],
        { warmup: WARMUP, rounds: ROUNDS, log },
      );

      const strata = samples.get('strata')!;
      const copy = samples.get('duckdb_copy')!;
      const paired = strata.map((s, i) => s.wallMs / copy[i]!.wallMs);
      const ratio = median(wall(strata)) / median(wall(copy));
      return [
        {
          name: 'append_overhead_ratio',
          value: ratio,
          unit: 'ratio',
          bound: { max: 1.09, aim: 1.03 },
          note: `median wall time of ${ROUNDS} Strata appends ÷ median of ${ROUNDS} DuckDB COPYs, alternating; per-round ratios ${spread(paired, 2)}`,
        },
        {
          name: 'append_strata_ms',
          value: median(wall(strata)),
          unit: 'ms',
          note: `samples ${spread(wall(strata))} ms`,
        },
        {
          name: 'append_duckdb_copy_ms',
          value: median(wall(copy)),
          unit: 'ms',
          note: `samples ${spread(wall(copy))} ms`,
        },
        {
          name: 'append_overhead_ratio_paired',
          value: median(paired),
          unit: 'ratio',
          note: 'median of the per-round ratios (each Strata append ÷ the COPY next to it); less sensitive to slow phases of a noisy machine',
        },
        {
          name: 'append_overhead_ratio_cpu',
          value: median(cpu(strata)) / median(cpu(copy)),
          unit: 'ratio',
          note: `process CPU time (all threads), medians ${median(cpu(strata)).toFixed(0)} vs ${median(cpu(copy)).toFixed(0)} ms; counts work rather than waiting, but DuckDB's threads also burn CPU when the machine is oversubscribed, so it is noisy too`,
        },
      ];
    } finally {
      await withConnection((c) => c.run(`DROP TABLE IF EXISTS ${SOURCE}`));
    }
  },
};
