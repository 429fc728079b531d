/**
 * Crash safety: a writer SIGKILLed at any moment never leaves the table unreadable,
 * never loses an acknowledged commit, and never exposes part of a commit.
 *
 * A child process (helpers/append-worker.ts) appends one batch per commit in a loop
 * and prints `ACK <batch>` only after `append` returned. The parent kills it at
 * random moments (startup, mid data-file write, mid commit, mid checkpoint: appends
 * take a few milliseconds, so uniform delays land in every phase), restarts it on the
 * same table, and after every kill checks the table from scratch. The random schedule
 * is seeded; rerun a failure with STRATA_CRASH_SEED=<seed printed in the output>.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaTable, fromSql } from '../../src/lake/index.js';
import {
  type BatchCount,
  batchProblems,
  batchSchema,
  batchSql,
  commitVersions,
  contiguityProblems,
  countBatches,
  logDir,
  readCommit,
  rowsFor,
} from './helpers/batches.js';
import { seedFrom, seededRandom } from '../support/random.js';
import { sleep, stopWorkers, workerCommand, WorkerProcess, type WorkerCommand } from './helpers/worker-process.js';

const KILLS = 100;
/** Every this many kills the whole table is scanned again (in between, only new files). */
const FULL_SCAN_EVERY = 10;
/** Batch ids of run r are r * BATCHES_PER_RUN + i, so every batch id is unique. */
const BATCHES_PER_RUN = 1000;

let worker: WorkerCommand;
const roots: string[] = [];

beforeAll(async () => {
  worker = await workerCommand('append-worker');
});

afterAll(async () => {
  await stopWorkers();
  worker?.dispose();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function tempTable(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'strata-crash-'));
  roots.push(root);
  return path.join(root, 'table');
}

/** What killed writers left behind, counted for the report. */
interface Leftovers {
  tempCommits: number;
  checkpointTemps: number;
  stagingFolders: number;
  orphanDataFiles: number;
}

function leftovers(location: string, referenced: ReadonlySet<string>): Leftovers {
  const log = readdirSync(logDir(location));
  const staging = path.join(location, '_strata_staging');
  return {
    tempCommits: log.filter((n) => n.startsWith('.strata-tmp-')).length,
    checkpointTemps: log.filter((n) => n.endsWith('.tmp')).length,
    stagingFolders: readdirSync(location).includes('_strata_staging') ? readdirSync(staging).length : 0,
    orphanDataFiles: readdirSync(location).filter((n) => n.endsWith('.parquet') && !referenced.has(n)).length,
  };
}

describe('crash safety under SIGKILL', () => {
  it(`survives ${KILLS} random kills of an appending writer`, async () => {
    const seed = seedFrom('STRATA_CRASH_SEED');
    const random = seededRandom(seed);
    console.log(`crash-safety seed: ${seed} (rerun with STRATA_CRASH_SEED=${seed})`);
    const location = tempTable();
    // A short checkpoint interval puts checkpoint writes (and _last_checkpoint) in the kill zone too.
    await DeltaTable.create(location, { schema: batchSchema, properties: { 'delta.checkpointInterval': '5' } });

    const acked = new Map<number, number[]>(); // run -> acked batches
    const referenced = new Set<string>(); // data files named by any add
    let checkedThrough = 0; // commits verified so far
    const stats = { committedUnacked: 0, killsBeforeReady: 0, killsWithoutAck: 0 };
    const started = Date.now();
    const timing = { waitLoaded: 0, runningChild: 0, verify: 0 };

    /** Batches seen in the data so far (data files are immutable once committed). */
    const seen = new Map<number, BatchCount>();
    const scannedFiles = new Set<string>();

    /**
     * The table after a kill: a contiguous log, every commit one whole batch, every
     * batch all-or-nothing in the data, every ACK present. The data of files not yet
     * scanned is read through the table's scan each time, the whole table every
     * FULL_SCAN_EVERY kills and at the end (and must agree with what was seen).
     */
    const verify = async (label: string, runsSoFar: number, full: boolean) => {
      const versions = commitVersions(location);
      expect(contiguityProblems(versions), `${label}: versions not contiguous`).toEqual([]);
      const latest = versions.at(-1)!;
      const table = await DeltaTable.open(location);
      expect(table.version, `${label}: opened version`).toBe(latest);

      // Every new commit is exactly one whole batch (read strictly from the JSON).
      for (let v = checkedThrough + 1; v <= latest; v++) {
        const commit = readCommit(location, v);
        expect(commit.operation, `${label}: commit ${v}`).toBe('WRITE');
        expect(commit.removes, `${label}: commit ${v}`).toEqual([]);
        expect([...commit.addedRows.keys()], `${label}: commit ${v} batches`).toHaveLength(1);
        const [batch, rows] = [...commit.addedRows][0]!;
        expect(rows, `${label}: commit ${v} rows of batch ${batch}`).toBe(rowsFor(batch));
        for (const add of commit.adds) referenced.add(decodeURIComponent(add));
      }
      checkedThrough = latest;

      // The data: each batch all-or-nothing, each exactly once.
      const live = new Set(table.snapshot.files.map((f) => f.path));
      expect(
        [...scannedFiles].filter((p) => !live.has(p)),
        `${label}: files that were in the table are gone`,
      ).toEqual([]);
      const fresh = table.snapshot.files.filter((f) => !scannedFiles.has(f.path));
      const counts = await countBatches(table.snapshot, fresh);
      expect(
        [...counts].flatMap(([batch, count]) => batchProblems(batch, count)),
        `${label}: partial batches`,
      ).toEqual([]);
      expect(
        [...counts.keys()].filter((b) => seen.has(b)),
        `${label}: batches committed twice`,
      ).toEqual([]);
      for (const [batch, count] of counts) seen.set(batch, count);
      for (const f of fresh) scannedFiles.add(f.path);
      if (full) {
        const all = await countBatches(table.snapshot);
        expect(
          [...all].flatMap(([batch, count]) => batchProblems(batch, count)),
          `${label}: partial batches (full scan)`,
        ).toEqual([]);
        expect(
          [...all.keys()].sort((a, b) => a - b),
          `${label}: full scan`,
        ).toEqual([...seen.keys()].sort((a, b) => a - b));
      }

      // Only batches a worker attempted; each ACKed one present.
      let unacked = 0;
      for (const batch of seen.keys()) {
        const run = Math.floor(batch / BATCHES_PER_RUN);
        const ok = acked.get(run) ?? [];
        if (ok.includes(batch)) continue;
        // Committed but not acknowledged: only the one in flight when the run was killed.
        const next = ok.length === 0 ? run * BATCHES_PER_RUN : Math.max(...ok) + 1;
        expect(run < runsSoFar && batch === next, `${label}: batch ${batch} is present but was never in flight`).toBe(
          true,
        );
        unacked++;
      }
      const missing = [...acked.values()].flat().filter((b) => !seen.has(b));
      expect(missing, `${label}: acknowledged batches missing`).toEqual([]);
      return { unacked, table };
    };

    // Loading node, the bundle and DuckDB's native library costs a worker ~0.5 s of CPU,
    // so worker r + 1 is started as soon as worker r is released, and loads while r
    // runs and the table is checked after r's kill; it touches the table only after GO.
    const spawnRun = (run: number) =>
      new WorkerProcess(worker, {
        location,
        writer: 0,
        firstBatch: run * BATCHES_PER_RUN,
        count: run < KILLS ? BATCHES_PER_RUN - 1 : 10,
        waitForGo: true,
      });
    let next = spawnRun(0);
    let previousUnacked = 0;
    for (let run = 0; run < KILLS; run++) {
      const child = next;
      let mark = Date.now();
      expect(
        await child.waitForLine((l) => l === 'LOADED'),
        `run ${run}: worker died while starting:\n${child.stderr}`,
      ).toBe('LOADED');
      child.send('GO');
      // The next worker loads while this one runs and the table is checked after its kill.
      next = spawnRun(run + 1);
      timing.waitLoaded += Date.now() - mark;
      mark = Date.now();
      const roll = random();
      if (roll < 0.15) {
        // Measured from GO: lands in snapshot loading or the first appends.
        await sleep(random() * 200);
      } else {
        const ready = await child.waitForLine((l) => l.startsWith('READY'));
        expect(ready, `run ${run}: worker died before READY:\n${child.stderr}`).toBeDefined();
        const scale = roll < 0.5 ? 15 : roll < 0.85 ? 150 : 600;
        await sleep(random() * scale);
      }
      child.kill('SIGKILL');
      const status = await child.exited;
      timing.runningChild += Date.now() - mark;
      mark = Date.now();
      expect(status, `run ${run}: the worker must die by our SIGKILL, not on its own:\n${child.stderr}`).toEqual({
        code: null,
        signal: 'SIGKILL',
      });
      const ackedNow = child.lines.flatMap((l) => (l.startsWith('ACK ') ? [Number(l.slice(4))] : []));
      acked.set(run, ackedNow);
      if (!child.lines.some((l) => l.startsWith('READY'))) stats.killsBeforeReady++;
      if (ackedNow.length === 0) stats.killsWithoutAck++;

      const { unacked } = await verify(`after kill ${run + 1}`, run + 1, (run + 1) % FULL_SCAN_EVERY === 0);
      if (unacked > previousUnacked) stats.committedUnacked++;
      previousUnacked = unacked;
      timing.verify += Date.now() - mark;
    }

    // After all that, a writer still works normally on the same table (and its leftovers).
    const finalRun = KILLS;
    const last = next;
    expect(await last.waitForLine((l) => l === 'LOADED'), last.stderr).toBe('LOADED');
    last.send('GO');
    const status = await last.exited;
    expect(status, last.stderr).toEqual({ code: 0, signal: null });
    acked.set(
      finalRun,
      last.lines.flatMap((l) => (l.startsWith('ACK ') ? [Number(l.slice(4))] : [])),
    );
    expect(acked.get(finalRun)).toHaveLength(10);
    const { table } = await verify('after the final clean run', finalRun + 1, true);

    const totalAcked = [...acked.values()].flat().length;
    const final = leftovers(location, referenced);
    console.log(
      `crash-safety: ${KILLS} kills in ${((Date.now() - started) / 1000).toFixed(1)} s; ${table.version} commits, ${totalAcked} acknowledged; ` +
        `kills between commit and ACK: ${stats.committedUnacked}; before READY: ${stats.killsBeforeReady}; runs without any ACK: ${stats.killsWithoutAck}; ` +
        `leftovers now: ${JSON.stringify(final)}; time waiting for the next worker to load ${(timing.waitLoaded / 1000).toFixed(1)} s, ` +
        `workers running until killed ${(timing.runningChild / 1000).toFixed(1)} s, checking the table ${(timing.verify / 1000).toFixed(1)} s`,
    );
    // The schedule must actually have exercised kills inside the write path (leftovers
    // only come from kills mid-write; nothing cleans them up here).
    expect(totalAcked).toBeGreaterThan(KILLS / 2);
    expect(
      final.orphanDataFiles + final.stagingFolders + final.tempCommits + final.checkpointTemps + stats.committedUnacked,
    ).toBeGreaterThan(0);
  }, 240_000);

  it('leftovers of a killed writer (temp commit, staging folder, checkpoint temp, orphan data file) never break reads or writes', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, {
      schema: batchSchema,
      properties: { 'delta.checkpointInterval': '2' },
    });
    await table.append(fromSql(batchSql(1, 1)));
    await table.append(fromSql(batchSql(1, 2))); // checkpoint at 2
    const next = table.version + 1;
    const log = logDir(location);

    // What each crash point leaves, byte for byte as the writers name them:
    // a commit temp cut mid-line (LocalStore.putIfAbsent before its link),
    writeFileSync(
      path.join(log, `.strata-tmp-${randomUUID()}`),
      '{"commitInfo":{"operation":"WRITE"}}\n{"add":{"path":"part-gone.snappy.par',
    );
    // a half-written checkpoint parquet for the next version (checkpoint-writer before its rename),
    writeFileSync(
      path.join(log, `.${String(next).padStart(20, '0')}.checkpoint.parquet.${randomUUID()}.tmp`),
      'PAR1 not really',
    );
    // a staging folder with a partial data file (data-writer before the rename into the table),
    mkdirSync(path.join(location, '_strata_staging', randomUUID()), { recursive: true });
    writeFileSync(
      path.join(location, '_strata_staging', readdirSync(path.join(location, '_strata_staging'))[0]!, 'data_0.parquet'),
      'PAR1 truncated',
    );
    // and a data file renamed into the table whose commit never happened (garbage on purpose: no reader may touch it).
    writeFileSync(path.join(location, `part-${randomUUID()}.snappy.parquet`), 'not parquet at all');

    const reopened = await DeltaTable.open(location);
    expect(reopened.version).toBe(next - 1);
    const counts = await countBatches(reopened.snapshot);
    expect([...counts.keys()].sort()).toEqual([1, 2]);
    expect([...counts].flatMap(([b, c]) => batchProblems(b, c))).toEqual([]);

    // Writing goes on at the next version, and the next checkpoint replaces nothing it should not.
    await reopened.append(fromSql(batchSql(1, 3)));
    await reopened.append(fromSql(batchSql(1, 4))); // checkpoint at 4
    expect(reopened.version).toBe(next + 1);
    expect(commitVersions(location)).toEqual([0, 1, 2, 3, 4]);
    expect(readCommit(location, next).addedRows).toEqual(new Map([[3, rowsFor(3)]]));
    const fresh = await DeltaTable.open(location);
    expect([...(await countBatches(fresh.snapshot)).keys()].sort()).toEqual([1, 2, 3, 4]);
  });
});
