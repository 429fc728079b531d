/**
 * Concurrency: many writers on one table through optimistic transactions.
 *
 * - 8 writer processes × 100 appends: exactly 801 contiguous versions, every row once.
 * - Conflicting deletes (processes and in-process): one wins, the other fails with a
 *   typed CommitConflictError, the log holds only the winner, and no row is lost.
 * - Each conflict rule of the protocol, provoked in-process from one snapshot, and
 *   the races that must not conflict (blind appends, disjoint deletes) retrying alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommitConflictError,
  DeltaTable,
  Transaction,
  fromSql,
  type AddFile,
  type ConflictRule,
  type Snapshot,
} from '../../src/lake/index.js';
import {
  batchProblems,
  batchSchema,
  batchSql,
  commitVersions,
  contiguityProblems,
  countBatches,
  readCommit,
  rowsFor,
} from './helpers/batches.js';
import { stopWorkers, workerCommand, WorkerProcess, type WorkerCommand } from './helpers/worker-process.js';

const roots: string[] = [];
afterAll(async () => {
  await stopWorkers();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function tempTable(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'strata-concurrency-'));
  roots.push(root);
  return path.join(root, 'table');
}

const NO_ROWS = fromSql('SELECT 0::BIGINT AS writer, 0::BIGINT AS batch, 0::BIGINT AS seq WHERE false');

/** The batch a data file holds (each file of these tables holds exactly one). */
function batchOf(file: AddFile): number {
  const stats = JSON.parse(String(file.stats)) as { minValues: { batch: number }; maxValues: { batch: number } };
  expect(stats.minValues.batch).toBe(stats.maxValues.batch);
  return stats.minValues.batch;
}

function fileOfBatch(snapshot: Snapshot, batch: number): AddFile {
  const files = snapshot.files.filter((f) => batchOf(f) === batch);
  expect(files).toHaveLength(1);
  return files[0]!;
}

/** A table at version 3 holding batches 1, 2 and 3 of writer 0, one file each. */
async function threeBatches(): Promise<{ location: string; snapshot: Snapshot }> {
  const location = tempTable();
  const table = await DeltaTable.create(location, { schema: batchSchema });
  for (const batch of [1, 2, 3]) await table.append(fromSql(batchSql(0, batch)));
  return { location, snapshot: table.snapshot };
}

async function expectConflict(
  attempt: Promise<unknown>,
  rules: readonly ConflictRule[],
  winningVersion: number,
): Promise<CommitConflictError> {
  let thrown: unknown;
  try {
    await attempt;
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'the losing commit must fail').toBeInstanceOf(CommitConflictError);
  const conflict = thrown as CommitConflictError;
  expect(rules).toContain(conflict.rule);
  expect(conflict.code).toBe('LAKE_CONFLICT');
  expect(conflict.winningVersion).toBe(winningVersion);
  expect(conflict.message).toContain(conflict.rule);
  return conflict;
}

/** (batch, seq) keys of the rows, sorted. */
async function rowKeys(location: string): Promise<string[]> {
  const table = await DeltaTable.open(location);
  return (await table.rows()).map((r) => `${String(r.batch)}/${String(r.seq)}`).sort();
}

function keysOf(batches: readonly number[], keep: (batch: number, seq: number) => boolean = () => true): string[] {
  return batches
    .flatMap((b) =>
      Array.from({ length: rowsFor(b) }, (_, s) => s)
        .filter((s) => keep(b, s))
        .map((s) => `${b}/${s}`),
    )
    .sort();
}

describe('8 writer processes × 100 appends', () => {
  let worker: WorkerCommand;
  beforeAll(async () => {
    worker = await workerCommand('append-worker');
  });
  afterAll(() => worker?.dispose());

  it('makes exactly 801 contiguous versions with every row present exactly once, and a concurrent reader never sees a partial state', async () => {
    const WRITERS = 8;
    const APPENDS = 100;
    const location = tempTable();
    await DeltaTable.create(location, { schema: batchSchema });
    // Writer w appends batches w*1000 .. w*1000+99; all start together on GO.
    const workers = Array.from(
      { length: WRITERS },
      (_, w) =>
        new WorkerProcess(worker, { location, writer: w, firstBatch: w * 1000, count: APPENDS, waitForGo: true }),
    );
    for (const w of workers) expect(await w.waitForLine((l) => l === 'LOADED'), w.stderr).toBe('LOADED');
    const started = Date.now();
    for (const w of workers) w.send('GO');

    // Meanwhile a reader keeps opening the table: it must never see a gap, a partial
    // batch, a version going backwards, or miss a batch acknowledged before it opened.
    let writing = true;
    const readerProblems: string[] = [];
    const seenByReader = new Set<number>();
    const scanned = new Set<string>();
    let reads = 0;
    let lastVersion = 0;
    const readOnce = async () => {
      const ackedBefore = workers.flatMap((w) =>
        w.lines.flatMap((l) => (l.startsWith('ACK ') ? [Number(l.slice(4))] : [])),
      );
      const snapshot = (await DeltaTable.open(location)).snapshot;
      if (snapshot.version < lastVersion)
        readerProblems.push(`version went back from ${lastVersion} to ${snapshot.version}`);
      lastVersion = snapshot.version;
      const fresh = snapshot.files.filter((f) => !scanned.has(f.path));
      for (const [batch, count] of await countBatches(snapshot, fresh)) {
        readerProblems.push(...batchProblems(batch, count));
        if (seenByReader.has(batch)) readerProblems.push(`batch ${batch} in two files`);
        seenByReader.add(batch);
      }
      for (const f of fresh) scanned.add(f.path);
      if (snapshot.files.length !== scanned.size)
        readerProblems.push(`version ${snapshot.version}: a file disappeared`);
      readerProblems.push(
        ...ackedBefore
          .filter((b) => !seenByReader.has(b))
          .map((b) => `batch ${b} acknowledged but not in version ${snapshot.version}`),
      );
      reads++;
    };
    const reader = (async () => {
      while (writing) {
        try {
          await readOnce();
        } catch (error) {
          readerProblems.push(`reading failed: ${String(error)}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const statuses = await Promise.all(workers.map((w) => w.exited));
    writing = false;
    await reader;
    expect(readerProblems.slice(0, 10)).toEqual([]);
    expect(reads).toBeGreaterThan(1);
    workers.forEach((w, i) => expect(w.lines[1], `writer ${i} opened the table`).toMatch(/^READY \d+$/));
    const seconds = (Date.now() - started) / 1000;
    statuses.forEach((status, w) =>
      expect(status, `writer ${w}:\n${workers[w]!.stderr}`).toEqual({ code: 0, signal: null }),
    );
    workers.forEach((w, i) =>
      expect(
        w.lines.filter((l) => l.startsWith('ACK ')),
        `writer ${i} acks`,
      ).toHaveLength(APPENDS),
    );

    const versions = commitVersions(location);
    expect(versions).toHaveLength(WRITERS * APPENDS + 1);
    expect(contiguityProblems(versions)).toEqual([]);
    const table = await DeltaTable.open(location);
    expect(table.version).toBe(WRITERS * APPENDS);

    // Each commit is one whole batch; together they are each batch exactly once.
    const committed = new Map<number, number>();
    let lostRaces = 0;
    for (let v = 1; v <= WRITERS * APPENDS; v++) {
      const commit = readCommit(location, v);
      expect(commit.addedRows.size, `commit ${v}`).toBe(1);
      const [batch, rows] = [...commit.addedRows][0]!;
      expect(committed.has(batch), `batch ${batch} committed twice`).toBe(false);
      expect(rows).toBe(rowsFor(batch));
      committed.set(batch, v);
      if (commit.readVersion !== v - 1) lostRaces++;
    }
    const counts = await countBatches(table.snapshot);
    const expected = Array.from({ length: WRITERS }, (_, w) =>
      Array.from({ length: APPENDS }, (_, i) => w * 1000 + i),
    ).flat();
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(expected);
    expect([...counts].flatMap(([b, c]) => batchProblems(b, c))).toEqual([]);
    for (const [batch, count] of counts) expect(count.writer, `batch ${batch}`).toBe(Math.floor(batch / 1000));
    const totalRows = expected.reduce((n, b) => n + rowsFor(b), 0);
    expect([...counts.values()].reduce((n, c) => n + c.rows, 0)).toBe(totalRows);
    console.log(
      `concurrency: ${WRITERS} processes × ${APPENDS} appends = ${versions.length - 1} commits in ${seconds.toFixed(1)} s (${((versions.length - 1) / seconds).toFixed(0)} commits/s), ${lostRaces} commits won after losing at least one race, ${totalRows} rows; a concurrent reader opened the table ${reads} times`,
    );
    // Without lost races this would not have tested concurrency at all.
    expect(lostRaces).toBeGreaterThan(0);
  }, 300_000);
});

describe('conflicting deletes', () => {
  let worker: WorkerCommand;
  beforeAll(async () => {
    worker = await workerCommand('delete-worker');
  });
  afterAll(() => worker?.dispose());

  type Round = {
    a: [string, (b: number, s: number) => boolean];
    b: [string, (b: number, s: number) => boolean];
    rules: readonly ConflictRule[];
  };
  const DELETE_RULES: readonly ConflictRule[] = ['concurrent-delete-read', 'concurrent-delete-delete'];
  const rounds: readonly Round[] = [
    // Overlapping whole files.
    {
      a: ['batch IN (1, 2)', (b) => b === 1 || b === 2],
      b: ['batch IN (2, 3)', (b) => b === 2 || b === 3],
      rules: DELETE_RULES,
    },
    // Overlapping rows inside one file: the winner removes batch 2's file and adds the
    // rewritten rest, so (as in Delta, which checks added files before deleted ones)
    // the loser may be told concurrent-append instead of a delete rule.
    {
      a: ['batch = 2 AND seq < 10', (b, s) => b === 2 && s < 10],
      b: ['batch = 2 AND seq >= 5', (b, s) => b === 2 && s >= 5],
      rules: [...DELETE_RULES, 'concurrent-append'],
    },
    // Same rows.
    { a: ['batch = 3', (b) => b === 3], b: ['batch = 3', (b) => b === 3], rules: DELETE_RULES },
  ];

  it.each(rounds.map((r, i) => [i, r] as const))(
    'two processes deleting overlapping rows (round %i): one wins, the other fails typed, no row lost',
    async (_i, round) => {
      const { location } = await threeBatches();
      const before = await rowKeys(location);
      const a = new WorkerProcess(worker, { location, predicate: round.a[0] });
      const b = new WorkerProcess(worker, { location, predicate: round.b[0] });
      for (const w of [a, b]) expect(await w.waitForLine((l) => l.startsWith('READY')), w.stderr).toBe('READY 3');
      a.send('GO');
      b.send('GO');
      await Promise.all([a.exited, b.exited]);
      const results = [a, b].map((w) => {
        const line = w.lines.find((l) => l.startsWith('RESULT '));
        expect(line, w.stderr).toBeDefined();
        return JSON.parse(line!.slice(7)) as {
          ok: boolean;
          version?: number;
          name?: string;
          rule?: string;
          code?: string;
        };
      });
      const winners = results.filter((r) => r.ok);
      expect(winners, JSON.stringify(results)).toHaveLength(1);
      const loser = results.find((r) => !r.ok)!;
      expect(loser).toMatchObject({ name: 'CommitConflictError', code: 'LAKE_CONFLICT' });
      expect(round.rules).toContain(loser.rule);
      expect(winners[0]!.version).toBe(4);
      expect(commitVersions(location)).toEqual([0, 1, 2, 3, 4]);

      // Exactly the winner's result: its rows gone, the loser's delete not applied.
      const winnerMatches = results[0]!.ok ? round.a[1] : round.b[1];
      expect(await rowKeys(location)).toEqual(keysOf([1, 2, 3], (bt, s) => !winnerMatches(bt, s)));
      expect(before).toEqual(keysOf([1, 2, 3]));
    },
  );

  it('two in-process overwrites with overlapping replaceWhere from one snapshot: one wins, the other fails typed', async () => {
    const { location } = await threeBatches();
    const first = await DeltaTable.open(location);
    const second = await DeltaTable.open(location);
    const outcomes = await Promise.allSettled([
      first.overwrite(NO_ROWS, { replaceWhere: 'batch = 1 OR (batch = 2 AND seq % 2 = 0)' }),
      second.overwrite(NO_ROWS, { replaceWhere: 'batch = 2' }),
    ]);
    const won = outcomes.findIndex((o) => o.status === 'fulfilled');
    const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult | undefined;
    expect(won).toBeGreaterThanOrEqual(0);
    expect(lost, 'both deletes succeeded').toBeDefined();
    // If `first` wins it also adds batch 2's rewritten odd rows: concurrent-append is then as right as a delete rule.
    await expectConflict(
      Promise.reject(lost!.reason),
      won === 0
        ? ['concurrent-delete-read', 'concurrent-delete-delete', 'concurrent-append']
        : ['concurrent-delete-read', 'concurrent-delete-delete'],
      4,
    );
    expect(commitVersions(location)).toEqual([0, 1, 2, 3, 4]);
    const expected = won === 0 ? keysOf([1, 2, 3], (b, s) => !(b === 1 || (b === 2 && s % 2 === 0))) : keysOf([1, 3]);
    expect(await rowKeys(location)).toEqual(expected);

    // The loser, re-reading the table, applies its delete on top of the winner's.
    const loser = won === 0 ? second : first;
    await loser.refresh();
    await loser.overwrite(NO_ROWS, {
      replaceWhere: won === 0 ? 'batch = 2' : 'batch = 1 OR (batch = 2 AND seq % 2 = 0)',
    });
    expect(await rowKeys(location)).toEqual(keysOf([3]));
  });
});

describe('conflict rules, provoked in-process from one snapshot', () => {
  it('protocol-changed: a concurrent protocol upgrade fails an append', async () => {
    const { location, snapshot } = await threeBatches();
    const stale = await DeltaTable.open(location);
    await new Transaction(snapshot, { operation: 'UPGRADE PROTOCOL' })
      .setProtocol({ minReaderVersion: 1, minWriterVersion: 3 })
      .commit();
    await expectConflict(stale.append(fromSql(batchSql(0, 9))), ['protocol-changed'], 4);
    expect(commitVersions(location)).toEqual([0, 1, 2, 3, 4]);
    expect(await rowKeys(location)).toEqual(keysOf([1, 2, 3]));
  });

  it('metadata-changed: a concurrent property change fails an append', async () => {
    const { location, snapshot } = await threeBatches();
    const stale = await DeltaTable.open(location);
    const metadata = {
      ...snapshot.metadata,
      configuration: { ...snapshot.metadata.configuration, 'strata.test.owner': 'someone' },
    };
    await new Transaction(snapshot, { operation: 'SET TBLPROPERTIES' }).setMetadata(metadata).commit();
    await expectConflict(stale.append(fromSql(batchSql(0, 9))), ['metadata-changed'], 4);
    expect(commitVersions(location)).toEqual([0, 1, 2, 3, 4]);
  });

  it('concurrent-append: a Serializable reader of the whole table loses to a blind append; WriteSerializable does not', async () => {
    const { location, snapshot } = await threeBatches();
    const other = await DeltaTable.open(location);
    await other.append(fromSql(batchSql(0, 4))); // version 4, a blind append
    const serializable = new Transaction(snapshot, {
      operation: 'TEST READ',
      isolationLevel: 'Serializable',
    }).readFiles(snapshot.files);
    await expectConflict(serializable.commit(), ['concurrent-append'], 4);
    expect(commitVersions(location)).toEqual([0, 1, 2, 3, 4]);
    const writeSerializable = new Transaction(snapshot, { operation: 'TEST READ' }).readFiles(snapshot.files);
    const committed = await writeSerializable.commit();
    expect(committed).toMatchObject({ version: 5, attempts: 2 });
  });

  it('concurrent-append: a non-blind write adding files into the read predicate conflicts; outside it, the reader retries', async () => {
    const { location, snapshot } = await threeBatches();
    const other = await DeltaTable.open(location);
    // Not a blind append: replaceWhere reads the table (it removes nothing here, batch 50 is new).
    await other.overwrite(fromSql(batchSql(0, 50)), { replaceWhere: 'batch = 50' });
    expect(readCommit(location, 4).removes).toEqual([]);
    const readsBatch50 = new Transaction(snapshot, { operation: 'TEST READ' }).readFiles([], (f) => batchOf(f) === 50);
    await expectConflict(readsBatch50.commit(), ['concurrent-append'], 4);
    const readsBatch99 = new Transaction(snapshot, { operation: 'TEST READ' }).readFiles([], (f) => batchOf(f) === 99);
    expect(await readsBatch99.commit()).toMatchObject({ version: 5, attempts: 2 });
  });

  it('concurrent-delete-read: a concurrent delete of a file the transaction read fails it', async () => {
    const { location, snapshot } = await threeBatches();
    const other = await DeltaTable.open(location);
    await other.overwrite(NO_ROWS, { replaceWhere: 'batch = 1' }); // version 4 removes batch 1's file
    const readBatch1 = new Transaction(snapshot, { operation: 'TEST' }).readFiles(
      [fileOfBatch(snapshot, 1)],
      () => false,
    );
    const conflict = await expectConflict(readBatch1.commit(), ['concurrent-delete-read'], 4);
    expect(conflict.details.path).toBe(fileOfBatch(snapshot, 1).path);
    // A stale replaceWhere of other rows read every file, so it conflicts too.
    const stale = await DeltaTable.open(location, { version: 3 });
    await expectConflict(stale.overwrite(NO_ROWS, { replaceWhere: 'batch = 3' }), ['concurrent-delete-read'], 4);
    expect(commitVersions(location)).toEqual([0, 1, 2, 3, 4]);
    expect(await rowKeys(location)).toEqual(keysOf([2, 3]));
  });

  it('concurrent-delete-delete: two blind removes of the same file, the second fails', async () => {
    const { location, snapshot } = await threeBatches();
    const target = fileOfBatch(snapshot, 2);
    await new Transaction(snapshot, { operation: 'DELETE' }).removeFiles([target]).commit();
    const conflict = await expectConflict(
      new Transaction(snapshot, { operation: 'DELETE' }).removeFiles([target]).commit(),
      ['concurrent-delete-delete'],
      4,
    );
    expect(conflict.details.path).toBe(target.path);
    expect(commitVersions(location)).toEqual([0, 1, 2, 3, 4]);
    expect(await rowKeys(location)).toEqual(keysOf([1, 3]));
  });

  it('concurrent-transaction: two writes for the same txn app id, the second fails and is then skipped as done', async () => {
    const { location } = await threeBatches();
    const first = await DeltaTable.open(location);
    const second = await DeltaTable.open(location);
    await first.append(fromSql(batchSql(0, 10)), { txn: { appId: 'nightly-load', version: 7 } });
    await expectConflict(
      second.append(fromSql(batchSql(0, 10)), { txn: { appId: 'nightly-load', version: 7 } }),
      ['concurrent-transaction'],
      4,
    );
    expect(commitVersions(location)).toEqual([0, 1, 2, 3, 4]);
    await second.refresh();
    expect(await second.append(fromSql(batchSql(0, 10)), { txn: { appId: 'nightly-load', version: 7 } })).toMatchObject(
      { skipped: true, version: 4 },
    );
    expect(await rowKeys(location)).toEqual(keysOf([1, 2, 3, 10]));
  });
});

describe('races without a logical conflict retry automatically', () => {
  it('two blind appends from one snapshot both land', async () => {
    const { location } = await threeBatches();
    const handles = await Promise.all(Array.from({ length: 4 }, () => DeltaTable.open(location)));
    const results = await Promise.all(handles.map((h, i) => h.append(fromSql(batchSql(0, 20 + i)))));
    expect(results.map((r) => r.version).sort()).toEqual([4, 5, 6, 7]);
    expect(commitVersions(location)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await rowKeys(location)).toEqual(keysOf([1, 2, 3, 20, 21, 22, 23]));
  });

  it('deletes of disjoint files, each reading only its own file, both land', async () => {
    const { location, snapshot } = await threeBatches();
    const one = fileOfBatch(snapshot, 1);
    const three = fileOfBatch(snapshot, 3);
    const first = await new Transaction(snapshot, { operation: 'DELETE' })
      .readFiles([one], () => false)
      .removeFiles([one])
      .commit();
    const second = await new Transaction(snapshot, { operation: 'DELETE' })
      .readFiles([three], () => false)
      .removeFiles([three])
      .commit();
    expect([first.version, first.attempts, second.version, second.attempts]).toEqual([4, 1, 5, 2]);
    // The retried commit's snapshot already includes the winner's delete.
    expect(second.snapshot.files.map(batchOf)).toEqual([2]);
    expect(await rowKeys(location)).toEqual(keysOf([2]));
  });
});
