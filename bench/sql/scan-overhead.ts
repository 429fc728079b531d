/**
 * scan_overhead_ratio: what querying a lake table through Strata costs over DuckDB
 * reading the same Parquet files directly.
 *
 * The query: `SELECT k, count(*), sum(x), avg(y) ... GROUP BY k ORDER BY k` (1,000
 * groups) over the 10M-row base table (10 files from 10 appends). Strata side: `runSql`
 * with `delta_scan('<table>')` — snapshot (the engine's cache, checked against the log
 * on every query), the scan bound as a view, the query, the result converted to JSON
 * values. DuckDB side: the same query over `read_parquet([...])` of the snapshot's files,
 * on the same DuckDB instance, its result fetched and converted the same way. Sides
 * alternate round by round; the figure is the ratio of the medians.
 */
import { DeltaTable } from '../../src/lake/index.js';
import { runSql } from '../../src/engine/index.js';
import { alternate, cpu, median, spread, wall, type BenchResult, type Scenario } from '../harness.js';
import { sqlString } from '../lake/sql.js';
import { BASE_ROWS, baseTable, readParquetSql } from './base-table.js';
import { watchLoad } from './machine-load.js';
import { assertSameRows, duckdbRows } from './queries.js';

const WARMUP = 3;
const ROUNDS = 61;
const GROUPS = 1000;

const aggregate = (from: string) =>
  `SELECT k, count(*) AS n, sum(x) AS sum_x, avg(y) AS avg_y FROM ${from} GROUP BY k ORDER BY k`;

export const scanOverhead: Scenario = {
  name: 'scan_overhead_ratio',
  description: `GROUP BY aggregate over a ${BASE_ROWS.toLocaleString('en-US')}-row table: runSql(delta_scan) vs DuckDB read_parquet of the same files, ${ROUNDS} alternating rounds`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const location = await baseTable(workDir, log);
    const table = await DeltaTable.open(location);
    const strataSql = aggregate(`delta_scan(${sqlString(location)})`);
    const duckdbSql = aggregate(readParquetSql(table.snapshot, location));

    const expected = await duckdbRows(duckdbSql);
    if (expected.length !== GROUPS) throw new Error(`the query returned ${expected.length} groups, expected ${GROUPS}`);
    assertSameRows('delta_scan vs read_parquet', (await runSql(strataSql)).rows, expected);

    const load = watchLoad();
    const samples = await alternate(
      [
        {
          name: 'strata',
          run: async () => {
            const result = await runSql(strataSql);
            if (result.rowCount !== GROUPS) throw new Error(`runSql returned ${result.rowCount} rows`);
          },
        },
        {
          name: 'read_parquet',
          run: async () => {
            const rows = await duckdbRows(duckdbSql);
            if (rows.length !== GROUPS) throw new Error(`read_parquet returned ${rows.length} rows`);
          },
        },
      ],
      { warmup: WARMUP, rounds: ROUNDS, log },
    );

    const strata = samples.get('strata')!;
    const raw = samples.get('read_parquet')!;
    const paired = strata.map((s, i) => s.wallMs / raw[i]!.wallMs);
    return [
      {
        name: 'scan_overhead_ratio',
        value: median(wall(strata)) / median(wall(raw)),
        unit: 'ratio',
        bound: { max: 1.05 },
        note: `median wall time of ${ROUNDS} runSql(delta_scan) ÷ median of ${ROUNDS} DuckDB read_parquet over the same ${table.snapshot.files.length} files, alternating; per-round ratios ${spread(paired, 2)}; ${load.describe()}`,
      },
      { name: 'scan_strata_ms', value: median(wall(strata)), unit: 'ms', note: `samples ${spread(wall(strata))} ms` },
      { name: 'scan_read_parquet_ms', value: median(wall(raw)), unit: 'ms', note: `samples ${spread(wall(raw))} ms` },
      {
        name: 'scan_overhead_ratio_paired',
        value: median(paired),
        unit: 'ratio',
        note: 'median of the per-round ratios (each Strata query ÷ the read_parquet query next to it)',
      },
      {
        name: 'scan_overhead_ratio_cpu',
        value: median(cpu(strata)) / median(cpu(raw)),
        unit: 'ratio',
        note: `process CPU time (all threads), medians ${median(cpu(strata)).toFixed(0)} vs ${median(cpu(raw)).toFixed(0)} ms`,
      },
    ];
  },
};
