/**
 * skipping_speedup: a selective query (0.1% of rows) on a 1,000-file table clustered by
 * the filtered column, without data skipping ÷ with.
 *
 * The table: 10M rows, `id` 0..N-1 clustered, each file holding one disjoint range of
 * 10,000 ids (as 1,000 small appends of consecutive batches would leave it). Building it
 * by 1,000 Strata appends would take minutes, so it is written as a table loaded in bulk
 * would be: one partitioned DuckDB COPY writes the 1,000 files (with their column
 * statistics), and 10 commits of 100 add actions each (the Transaction API) make them the
 * table, with the Delta stats (numRecords, min/max, nullCount) from the COPY; then a
 * checkpoint.
 *
 * The query: `count(*), sum(x), avg(y) WHERE id BETWEEN a AND b` over 10,000 ids spanning
 * two files. With skipping: `runSql` with `delta_scan` (the engine prunes by the WHERE
 * using the stats, and binds the kept files). Without: the same `runSql` with
 * `dataSkipping: false`, which binds all 1,000 files (DuckDB then still skips row groups
 * inside each file by its Parquet statistics, but has to open every file to know). Also
 * timed, for reference: DuckDB's own `read_parquet` of all 1,000 files with the same WHERE.
 *
 * query_fixed_overhead_ms: what Strata adds to a pruned query, i.e. the pruned `runSql`
 * minus DuckDB's own `read_parquet` of the same kept files (the files whose id range
 * meets the WHERE, found here from the log's stats, not by the engine), each on a fresh
 * connection of the same instance with its result converted the same way: the median of
 * the per-round differences over many alternating rounds (one round costs a few ms). The
 * query repeats, as a dashboard's or an API's do: runSql then runs DuckDB's plan it kept
 * for the same bound text (reused-plans.ts), where read_parquet plans afresh each time.
 * query_fixed_overhead_cold_ms is the same difference for a text never seen before (a
 * distinct comment each round): parsed by DuckDB and planned afresh (the snapshot and
 * the files its WHERE keeps are remembered, being the same).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  DeltaTable,
  Transaction,
  fromSql,
  withConnection,
  writeCheckpoint,
  type AddFile,
} from '../../src/lake/index.js';
import { runSql } from '../../src/engine/index.js';
import { alternate, median, spread, wall, type BenchResult, type Scenario } from '../harness.js';
import { sqlString } from '../lake/sql.js';
import { readParquetSql } from './base-table.js';
import { watchLoad } from './machine-load.js';
import { assertSameRows, duckdbRows, filesKept, scanReports } from './queries.js';

const ROWS = 10_000_000;
const FILES = 1000;
const ROWS_PER_FILE = ROWS / FILES;
const COMMITS = 10;
const WARMUP = 2;
const ROUNDS = 21;
/** Rounds of the overhead pair: its difference is a millisecond or so, so it needs many samples. */
const OVERHEAD_ROUNDS = 201;
/** 0.1% of the rows, not aligned with file boundaries (so two files hold them). */
const FIRST_ID = 5_004_000;
const MATCHING = ROWS / 1000;

const rowsSql = `SELECT i::BIGINT AS id, (hash(i) % 1000)::INTEGER AS k, (hash(i + 1) % 1000000) / 100.0 AS x, ((i * 31) % 9973) / 3.0 AS y FROM range(0, ${ROWS}) AS t(i)`;
const selective = (from: string) =>
  `SELECT count(*) AS n, sum(x) AS sum_x, avg(y) AS avg_y FROM ${from} WHERE id BETWEEN ${FIRST_ID} AND ${FIRST_ID + MATCHING - 1}`;

export const skipping: Scenario = {
  name: 'skipping_speedup',
  description: `0.1% selective query on a ${FILES}-file table clustered by id: runSql without data skipping vs with, ${ROUNDS} alternating rounds`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const location = path.join(workDir, 'clustered');
    const table = await buildClustered(location, log);
    const strataSql = selective(`delta_scan(${sqlString(location)})`);
    const rawSql = selective(readParquetSql(table.snapshot, location));
    const keptSql = selective(keptFilesSql(table, location));

    const pruned = await scanReports(strataSql);
    const unpruned = await scanReports(strataSql, { dataSkipping: false });
    log(`with skipping: ${filesKept(pruned)} (filter ${pruned[0]?.filter ?? 'none'}); without: ${filesKept(unpruned)}`);
    if ((pruned[0]?.filesKept ?? FILES) >= FILES)
      throw new Error('data skipping kept every file: the engine did not prune by the WHERE');
    const expected = await duckdbRows(rawSql);
    if (Number(expected[0]?.[0]) !== MATCHING)
      throw new Error(`the query matched ${String(expected[0]?.[0])} rows, expected ${MATCHING}`);
    assertSameRows('pruned vs read_parquet', (await runSql(strataSql)).rows, expected);
    assertSameRows('unpruned vs read_parquet', (await runSql(strataSql, { dataSkipping: false })).rows, expected);
    assertSameRows('read_parquet of the kept files vs all', await duckdbRows(keptSql), expected);

    const load = watchLoad();
    const samples = await alternate(
      [
        { name: 'with_skipping', run: async () => void (await runSql(strataSql)) },
        { name: 'without_skipping', run: async () => void (await runSql(strataSql, { dataSkipping: false })) },
        { name: 'read_parquet', run: async () => void (await duckdbRows(rawSql)) },
      ],
      { warmup: WARMUP, rounds: ROUNDS, log },
    );

    const overheadSamples = await alternate(
      [
        { name: 'with_skipping', run: async () => void (await runSql(strataSql)) },
        { name: 'read_parquet_kept', run: async () => void (await duckdbRows(keptSql)) },
      ],
      { warmup: 10, rounds: OVERHEAD_ROUNDS },
    );
    let fresh = 0;
    const coldSamples = await alternate(
      [
        { name: 'with_skipping_new_text', run: async () => void (await runSql(`${strataSql} -- ${fresh++}`)) },
        { name: 'read_parquet_kept', run: async () => void (await duckdbRows(keptSql)) },
      ],
      { warmup: 10, rounds: OVERHEAD_ROUNDS },
    );
    const cold = wall(coldSamples.get('with_skipping_new_text')!);
    const coldKept = wall(coldSamples.get('read_parquet_kept')!);
    const coldDifferences = cold.map((ms, i) => ms - coldKept[i]!);
    const pruned1 = wall(overheadSamples.get('with_skipping')!);
    const kept = wall(overheadSamples.get('read_parquet_kept')!);
    const differences = pruned1.map((ms, i) => ms - kept[i]!);
    log(
      `overhead pair: runSql pruned median ${median(pruned1).toFixed(2)} ms, read_parquet of the kept files median ${median(kept).toFixed(2)} ms`,
    );

    const withSkipping = wall(samples.get('with_skipping')!);
    const without = wall(samples.get('without_skipping')!);
    const raw = wall(samples.get('read_parquet')!);
    const paired = without.map((ms, i) => ms / withSkipping[i]!);
    return [
      {
        name: 'skipping_speedup',
        value: median(without) / median(withSkipping),
        unit: 'ratio',
        bound: { min: 20 },
        note: `median of ${ROUNDS} runSql with dataSkipping: false (all ${FILES} files bound) ÷ median of ${ROUNDS} runSql with skipping (${filesKept(pruned)} kept by stats), alternating; per-round ratios ${spread(paired, 1)}; ${load.describe()}`,
      },
      {
        name: 'query_fixed_overhead_ms',
        value: median(differences),
        unit: 'ms',
        bound: { max: 1 },
        note: `median over ${OVERHEAD_ROUNDS} alternating rounds of (runSql of the pruned query, its kept plan reused − DuckDB read_parquet of the same ${filesKept(pruned)} kept, same WHERE, fresh connection and plan each, rows converted alike); medians ${median(pruned1).toFixed(2)} vs ${median(kept).toFixed(2)} ms; differences ${spread(differences, 2)} ms`,
      },
      {
        name: 'query_fixed_overhead_cold_ms',
        value: median(coldDifferences),
        unit: 'ms',
        note: `as query_fixed_overhead_ms, but each runSql text new (a distinct comment): parsed by DuckDB and planned afresh (snapshot and pruning remembered); medians ${median(cold).toFixed(2)} vs ${median(coldKept).toFixed(2)} ms; differences ${spread(coldDifferences, 2)} ms`,
      },
      {
        name: 'skipping_with_ms',
        value: median(withSkipping),
        unit: 'ms',
        note: `runSql, files pruned by the engine; samples ${spread(withSkipping, 1)} ms`,
      },
      {
        name: 'skipping_without_ms',
        value: median(without),
        unit: 'ms',
        note: `runSql with dataSkipping: false; samples ${spread(without, 1)} ms`,
      },
      {
        name: 'skipping_read_parquet_ms',
        value: median(raw),
        unit: 'ms',
        note: `DuckDB read_parquet of all ${FILES} files, same WHERE; samples ${spread(raw, 1)} ms`,
      },
      {
        name: 'skipping_speedup_vs_read_parquet',
        value: median(raw) / median(withSkipping),
        unit: 'ratio',
        note: 'skipping_read_parquet_ms ÷ skipping_with_ms: the pruned Strata query against DuckDB reading every file itself',
      },
    ];
  },
};

/** `read_parquet([...])` of the files whose id range (from their stats in the log) meets the selective WHERE. */
function keptFilesSql(table: DeltaTable, location: string): string {
  const last = FIRST_ID + MATCHING - 1;
  const kept = table.snapshot.files.filter((file) => {
    const stats = JSON.parse(file.stats ?? '{}') as { minValues?: { id?: number }; maxValues?: { id?: number } };
    return (stats.minValues?.id ?? -Infinity) <= last && (stats.maxValues?.id ?? Infinity) >= FIRST_ID;
  });
  return `read_parquet([${kept.map((f) => sqlString(path.join(location, decodeURIComponent(f.path)))).join(', ')}])`;
}

interface CopyStatsRow {
  readonly filename: string;
  readonly count: string | number;
  readonly file_size_bytes: string | number;
  readonly column_statistics: ReadonlyArray<{
    key: string;
    value: ReadonlyArray<{ key: string; value: string | null }>;
  }>;
  readonly partition_keys: ReadonlyArray<{ key: string; value: string | null }>;
}

async function buildClustered(location: string, log: (message: string) => void): Promise<DeltaTable> {
  const started = performance.now();
  const table = await DeltaTable.create(location, { data: fromSql(`${rowsSql} LIMIT 0`) });
  const staging = path.join(location, '_bench_staging');
  const written = await withConnection(async (c) => {
    const reader = await c.runAndReadAll(
      `COPY (SELECT *, id // ${ROWS_PER_FILE} AS __file FROM (${rowsSql})) TO ${sqlString(staging)}` +
        " (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (__file), RETURN_STATS, FILENAME_PATTERN 'part-{uuid}')",
    );
    return reader.getRowObjectsJson() as unknown as CopyStatsRow[];
  });
  if (written.length !== FILES)
    throw new Error(`the partitioned COPY wrote ${written.length} files, expected ${FILES}`);
  const now = Date.now();
  const adds = await Promise.all(
    written.map(async (file): Promise<AddFile> => {
      const index = Number(file.partition_keys.find((k) => k.key === '__file')?.value);
      const name = `part-${String(index).padStart(5, '0')}-${path.basename(file.filename, '.parquet').replace(/^part-/, '')}.snappy.parquet`;
      await fs.rename(file.filename, path.join(location, name));
      return {
        path: name,
        partitionValues: {},
        size: Number(file.file_size_bytes),
        modificationTime: now,
        dataChange: true,
        stats: JSON.stringify(deltaStats(file)),
      };
    }),
  );
  await fs.rm(staging, { recursive: true, force: true });
  adds.sort((a, b) => a.path.localeCompare(b.path));
  let snapshot = table.snapshot;
  const perCommit = FILES / COMMITS;
  for (let i = 0; i < COMMITS; i++) {
    const txn = new Transaction(snapshot, { operation: 'WRITE', operationParameters: { mode: 'Append' } });
    snapshot = (await txn.addFiles(adds.slice(i * perCommit, (i + 1) * perCommit)).commit()).snapshot;
  }
  await writeCheckpoint(snapshot);
  const opened = await DeltaTable.open(location);
  if (opened.snapshot.files.length !== FILES || opened.snapshot.numRecords !== ROWS) {
    throw new Error(`clustered table has ${opened.snapshot.files.length} files and ${opened.snapshot.numRecords} rows`);
  }
  log(
    `built the ${FILES}-file clustered table (${ROWS.toLocaleString('en-US')} rows, version ${opened.version}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return opened;
}

/** Delta per-file stats from DuckDB's RETURN_STATS (every column here is numeric). */
function deltaStats(file: CopyStatsRow): {
  numRecords: number;
  minValues: Record<string, number>;
  maxValues: Record<string, number>;
  nullCount: Record<string, number>;
} {
  const stats = {
    numRecords: Number(file.count),
    minValues: {} as Record<string, number>,
    maxValues: {} as Record<string, number>,
    nullCount: {} as Record<string, number>,
  };
  for (const column of file.column_statistics) {
    const name = JSON.parse(column.key) as string; // keys are quoted identifiers
    if (name === '__file') continue;
    const value = (key: string) => column.value.find((e) => e.key === key)?.value;
    stats.nullCount[name] = Number(value('null_count') ?? 0);
    const min = value('min');
    const max = value('max');
    if (min != null && max != null) {
      stats.minValues[name] = Number(min);
      stats.maxValues[name] = Number(max);
    }
  }
  return stats;
}
