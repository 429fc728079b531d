/**
 * snapshot_load_ms_10k_commits: opening a table with 10,000 commits, checkpointed.
 *
 * The table: version 0 creates it and version 1 is a real 1,000-row append through
 * Strata; versions 2..9,989 are written directly as JSON commits that repeat version 1's
 * commitInfo and add action (same stats, a new file name hard-linked to version 1's
 * data file, so the table stays valid); versions 9,990..9,999 are real appends again,
 * and the one at 9,990 writes the checkpoint (default `delta.checkpointInterval` 10)
 * and `_last_checkpoint` the way any writer would. Opening the latest version thus reads
 * `_last_checkpoint`, lists the log's tail, reads the 10,000-file checkpoint and replays
 * 9 JSON commits. The older checkpoints a real table would also have (every 10 versions)
 * are not written: a load never reads them, only lists past them.
 *
 * Baseline, alternating with the loads: reading that checkpoint file alone with DuckDB
 * (`SELECT * FROM read_parquet(...)`, all columns materialized).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DeltaTable, forgetSnapshots, fromSql, withConnection } from '../../src/lake/index.js';
import { alternate, measure, median, spread, wall, type BenchResult, type Scenario } from '../harness.js';
import { mixedRowsSql } from './mixed-rows.js';
import { measureRefresh } from './snapshot-refresh.js';
import { sqlString } from './sql.js';

const COMMITS = 10_000;
const CHECKPOINT_INTERVAL = 10;
/** Versions after the last checkpoint that are real appends (the checkpointing one included). */
const REAL_TAIL = 10;
const WARMUP = 1;
const ROUNDS = 9;
const JSON_ONLY_ROUNDS = 3;

const logKey = (version: number, suffix: string) =>
  path.join('_delta_log', `${String(version).padStart(20, '0')}${suffix}`);

export const snapshotLoad: Scenario = {
  name: 'snapshot_load_ms_10k_commits',
  description: `DeltaTable.open of a ${COMMITS.toLocaleString('en-US')}-commit table (checkpoint every ${CHECKPOINT_INTERVAL}) vs read_parquet of its checkpoint`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const location = path.join(workDir, 'table');
    const lastCheckpoint = COMMITS - REAL_TAIL;
    const build = await buildTable(location, lastCheckpoint, log);
    const checkpointFile = path.join(location, logKey(lastCheckpoint, '.checkpoint.parquet'));
    const hint = JSON.parse(await fs.readFile(path.join(location, '_delta_log', '_last_checkpoint'), 'utf8')) as {
      version?: number;
    };
    if (hint.version !== lastCheckpoint)
      throw new Error(`expected _last_checkpoint at ${lastCheckpoint}, found ${JSON.stringify(hint)}`);
    const liveFiles = COMMITS - 1; // version 0 adds no file

    const samples = await alternate(
      [
        {
          name: 'open',
          run: async () => {
            forgetSnapshots(); // a full load, not the snapshot cache
            const table = await DeltaTable.open(location);
            if (table.version !== COMMITS - 1 || table.snapshot.files.length !== liveFiles) {
              throw new Error(
                `opened version ${table.version} with ${table.snapshot.files.length} files; expected ${COMMITS - 1} and ${liveFiles}`,
              );
            }
          },
        },
        {
          name: 'read_parquet',
          run: async () => {
            const reader = await withConnection((c) =>
              c.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(checkpointFile)})`),
            );
            if (reader.currentRowCount < lastCheckpoint)
              throw new Error(`checkpoint has ${reader.currentRowCount} rows, expected at least ${lastCheckpoint}`);
          },
        },
      ],
      { warmup: WARMUP, rounds: ROUNDS, log },
    );

    // Time travel to just before the checkpoint: a replay of every JSON commit.
    const jsonOnly: number[] = [];
    for (let i = 0; i < JSON_ONLY_ROUNDS; i++) {
      forgetSnapshots();
      const sample = await measure(async () => {
        const table = await DeltaTable.open(location, { version: lastCheckpoint - 1 });
        if (table.version !== lastCheckpoint - 1) throw new Error(`opened version ${table.version}`);
      });
      jsonOnly.push(sample.wallMs);
      log(`open at version ${lastCheckpoint - 1} (no checkpoint): ${sample.wallMs.toFixed(0)} ms`);
    }

    const load = wall(samples.get('open')!);
    const baseline = wall(samples.get('read_parquet')!);
    // Last: it adds commits after version COMMITS - 1.
    const refresh = await measureRefresh(location, COMMITS, build.writeCommit, log);
    return [
      {
        name: 'snapshot_load_ms_10k_commits',
        value: median(load),
        unit: 'ms',
        note: `median of ${ROUNDS} DeltaTable.open of version ${COMMITS - 1}; samples ${spread(load)} ms`,
      },
      {
        name: 'snapshot_checkpoint_read_parquet_ms',
        value: median(baseline),
        unit: 'ms',
        note: `DuckDB read_parquet of the ${lastCheckpoint.toLocaleString('en-US')}-add checkpoint (${build.checkpointBytes.toLocaleString('en-US')} bytes) alone; samples ${spread(baseline, 1)} ms`,
      },
      {
        name: 'snapshot_load_ratio_vs_read_parquet',
        value: median(load) / median(baseline),
        unit: 'ratio',
        note: 'snapshot_load_ms_10k_commits ÷ snapshot_checkpoint_read_parquet_ms',
      },
      {
        name: 'snapshot_load_ms_10k_json_commits',
        value: median(jsonOnly),
        unit: 'ms',
        note: `DeltaTable.open at version ${lastCheckpoint - 1}: no checkpoint applies, ${lastCheckpoint.toLocaleString('en-US')} JSON commits replayed; median of ${JSON_ONLY_ROUNDS}`,
      },
      {
        name: 'checkpoint_commit_extra_ms_10k_commits',
        value: build.checkpointingAppendMs - build.plainAppendMs,
        unit: 'ms',
        note: `the append at version ${lastCheckpoint} (${build.checkpointingAppendMs.toFixed(0)} ms, which writes the checkpoint and runs log cleanup) minus the median plain append after it (${build.plainAppendMs.toFixed(0)} ms); one sample`,
      },
      ...refresh,
    ];
  },
};

interface BuildInfo {
  /** Writes one more commit (an add of a new file) the way versions 2.. were written. */
  readonly writeCommit: (version: number) => Promise<void>;
  readonly checkpointBytes: number;
  readonly checkpointingAppendMs: number;
  readonly plainAppendMs: number;
}

async function buildTable(
  location: string,
  lastCheckpoint: number,
  log: (message: string) => void,
): Promise<BuildInfo> {
  const started = performance.now();
  const created = await DeltaTable.create(location, { data: fromSql(mixedRowsSql(0)) });
  await created.append(fromSql(mixedRowsSql(1000)));
  const template = (await fs.readFile(path.join(location, logKey(1, '.json')), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>);
  const commitInfo = template.find((a) => a.commitInfo)?.commitInfo;
  const add = template.find((a) => a.add)?.add;
  if (!commitInfo || !add) throw new Error('version 1 has no commitInfo or add');
  const dataFile = path.join(location, decodeURIComponent(String(add.path)));
  const firstTimestamp = Number(commitInfo.timestamp);

  const writeCommit = async (version: number) => {
    const file = `part-00000-${randomUUID()}-c000.snappy.parquet`;
    await fs.link(dataFile, path.join(location, file));
    const timestamp = firstTimestamp + version;
    const actions = [
      { commitInfo: { ...commitInfo, timestamp, readVersion: version - 1, txnId: randomUUID() } },
      { add: { ...add, path: file, modificationTime: timestamp } },
    ];
    await fs.writeFile(
      path.join(location, logKey(version, '.json')),
      actions.map((a) => `${JSON.stringify(a)}\n`).join(''),
    );
  };

  // Versions 2 .. lastCheckpoint - 1, written in parallel batches.
  const BATCH = 256;
  for (let first = 2; first < lastCheckpoint; first += BATCH) {
    const versions = Array.from({ length: Math.min(BATCH, lastCheckpoint - first) }, (_, i) => first + i);
    await Promise.all(versions.map(writeCommit));
  }
  log(`wrote ${lastCheckpoint - 2} JSON commits in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const replay = await measure(async () => DeltaTable.open(location));
  const table = await DeltaTable.open(location);
  log(
    `replayed ${lastCheckpoint} JSON commits in ${replay.wallMs.toFixed(0)} ms; appending versions ${lastCheckpoint}..${COMMITS - 1}`,
  );
  const appendMs: number[] = [];
  for (let i = 0; i < REAL_TAIL; i++) {
    const sample = await measure(() => table.append(fromSql(mixedRowsSql(10, 1000 + 10 * i))));
    appendMs.push(sample.wallMs);
  }
  if (table.version !== COMMITS - 1) throw new Error(`built version ${table.version}, expected ${COMMITS - 1}`);
  const { size } = await fs.stat(path.join(location, logKey(lastCheckpoint, '.checkpoint.parquet')));
  log(
    `built in ${((performance.now() - started) / 1000).toFixed(1)} s; appends ${appendMs.map((ms) => ms.toFixed(0)).join(', ')} ms`,
  );
  return {
    writeCommit,
    checkpointBytes: size,
    checkpointingAppendMs: appendMs[0]!,
    plainAppendMs: median(appendMs.slice(1)),
  };
}
