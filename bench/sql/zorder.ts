/**
 * zorder_speedup: a query restricting two columns to 10% of their ranges each, on the
 * same table before and after `OPTIMIZE ... ZORDER BY (a, b)`.
 *
 * The table: 10M rows of uniformly random `a` and `b` (integers in [0, 1,000,000)),
 * written by 100 Strata appends of 100,000 rows, so every file spans both columns'
 * whole ranges and stats cannot skip any. OPTIMIZE with Z-order by (a, b) and
 * targetFileSize = the table's size / 100 rewrites it into about 100 files, each a
 * compact box of the (a, b) plane. Both sides run `runSql` over `delta_scan` with the
 * engine's data skipping: "before" at the pre-OPTIMIZE version (time travel), "after" at
 * the OPTIMIZE version, alternating round by round.
 */
import * as path from 'node:path';
import { DeltaTable, fromSql, optimize } from '../../src/lake/index.js';
import { runSql } from '../../src/engine/index.js';
import { alternate, measure, median, spread, wall, type BenchResult, type Scenario } from '../harness.js';
import { sqlString } from '../lake/sql.js';
import { assertSameRows, filesKept, scanReports } from './queries.js';

const ROWS = 10_000_000;
const APPENDS = 100;
const TARGET_FILES = 100;
const WARMUP = 2;
const ROUNDS = 15;
const RANGE = 1_000_000;

const rowsSql = (first: number, count: number) =>
  `SELECT i::BIGINT AS id, (hash(i * 2) % ${RANGE})::INTEGER AS a, (hash(i * 2 + 1) % ${RANGE})::INTEGER AS b,` +
  ` (hash(i + 7) % 100000) / 100.0 AS x FROM range(${first}, ${first + count}) AS t(i)`;
const query = (location: string, version: number) =>
  `SELECT count(*) AS n, sum(x) AS sum_x FROM delta_scan(${sqlString(location)}, version => ${version})` +
  ` WHERE a BETWEEN 400000 AND 499999 AND b BETWEEN 700000 AND 799999`;

export const zorder: Scenario = {
  name: 'zorder_speedup',
  description: `two-column selective query on a ${ROWS.toLocaleString('en-US')}-row table before vs after OPTIMIZE ZORDER BY (a, b), ${ROUNDS} alternating rounds`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const location = path.join(workDir, 'random-ab');
    const started = performance.now();
    const table = await DeltaTable.create(location, { data: fromSql(rowsSql(0, ROWS / APPENDS)) });
    for (let i = 1; i < APPENDS; i++) await table.append(fromSql(rowsSql(i * (ROWS / APPENDS), ROWS / APPENDS)));
    const before = table.version;
    const bytes = table.snapshot.files.reduce((n, f) => n + f.size, 0);
    log(
      `built ${table.snapshot.files.length} files (${(bytes / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    let optimized: Awaited<ReturnType<typeof optimize>> | undefined;
    const optimizeSample = await measure(async () => {
      optimized = await optimize(table, { zorderBy: ['a', 'b'], targetFileSize: Math.ceil(bytes / TARGET_FILES) });
    });
    if (!optimized?.committed) throw new Error('OPTIMIZE ZORDER committed nothing');
    const after = optimized.version;
    log(
      `OPTIMIZE ZORDER BY (a, b): ${optimized.metrics.numFilesRemoved} files → ${optimized.metrics.numFilesAdded} in ${optimizeSample.wallMs.toFixed(0)} ms (version ${after})`,
    );

    const beforeScans = await scanReports(query(location, before));
    const afterScans = await scanReports(query(location, after));
    log(`data skipping kept ${filesKept(beforeScans)} before, ${filesKept(afterScans)} after`);
    const expected = (await runSql(query(location, before))).rows;
    assertSameRows('after vs before OPTIMIZE', (await runSql(query(location, after))).rows, expected);

    const samples = await alternate(
      [
        { name: 'before', run: async () => void (await runSql(query(location, before))) },
        { name: 'after', run: async () => void (await runSql(query(location, after))) },
      ],
      { warmup: WARMUP, rounds: ROUNDS, log },
    );
    const beforeMs = wall(samples.get('before')!);
    const afterMs = wall(samples.get('after')!);
    const paired = beforeMs.map((ms, i) => ms / afterMs[i]!);
    return [
      {
        name: 'zorder_speedup',
        value: median(beforeMs) / median(afterMs),
        unit: 'ratio',
        note: `median of ${ROUNDS} runSql at the pre-OPTIMIZE version (${filesKept(beforeScans)} kept) ÷ median of ${ROUNDS} after OPTIMIZE ZORDER (${filesKept(afterScans)} kept), alternating; per-round ratios ${spread(paired, 1)}; ${String(expected[0]?.[0])} rows match`,
      },
      { name: 'zorder_before_ms', value: median(beforeMs), unit: 'ms', note: `samples ${spread(beforeMs, 1)} ms` },
      { name: 'zorder_after_ms', value: median(afterMs), unit: 'ms', note: `samples ${spread(afterMs, 1)} ms` },
      {
        name: 'zorder_optimize_ms',
        value: optimizeSample.wallMs,
        unit: 'ms',
        note: `OPTIMIZE ZORDER BY (a, b) of ${ROWS.toLocaleString('en-US')} rows into ${optimized.metrics.numFilesAdded} files; one sample`,
      },
    ];
  },
};
