import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type ObjectStore } from '../../storage/index.js';
import { commitText, type Action, type AddFile } from './actions.js';
import { shouldCheckpoint, writeCheckpoint } from './checkpoint-writer.js';
import { LAST_CHECKPOINT, classicCheckpointKey, commitKey, parseLogFileName } from './log-files.js';
import { readRows } from '../read/read.js';
import { loadSnapshot, type Snapshot } from './snapshot.js';
import { GOLDEN, copyGoldenTable } from '../../../test/support/golden-tables.js';
import { readParquetActions } from './log-reader.js';

const WEEK = 7 * 86_400_000;
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function copyTable(name: string): Promise<string> {
  const dir = await copyGoldenTable(name, 'strata-ckpt-');
  dirs.push(dir);
  return dir;
}

/** Deletes every commit and every checkpoint but our classic one at `keep`. */
async function dropLogExcept(store: ObjectStore, keep: number): Promise<void> {
  for (const { key } of await store.list('_delta_log/')) {
    if (parseLogFileName(key.slice('_delta_log/'.length)) && key !== classicCheckpointKey(keep))
      await store.delete(key);
  }
}

async function sortedRows(snapshot: Snapshot): Promise<string[]> {
  return (await readRows(snapshot)).map((row) => JSON.stringify(row)).sort();
}

function fileView(files: readonly AddFile[]) {
  return files
    .map((f) => ({
      path: f.path,
      partitionValues: f.partitionValues,
      size: f.size,
      modificationTime: f.modificationTime,
      stats: f.stats ?? null,
      deletionVector: f.deletionVector ?? null,
    }))
    .sort(
      (a, b) =>
        a.path.localeCompare(b.path) ||
        JSON.stringify(a.deletionVector).localeCompare(JSON.stringify(b.deletionVector)),
    );
}

async function expectSameTable(after: Snapshot, before: Snapshot): Promise<void> {
  expect(after.version).toBe(before.version);
  expect(after.segment.checkpoint?.version).toBe(before.version);
  expect(after.segment.checkpoint?.format).toBe('classic');
  expect(after.segment.commits).toHaveLength(0);
  expect(after.protocol).toEqual(before.protocol);
  expect(after.metadata).toEqual(before.metadata);
  expect(fileView(after.files)).toEqual(fileView(before.files));
  expect(after.files.every((f) => f.dataChange === false)).toBe(true);
  expect(after.txns).toEqual(before.txns);
  expect(await sortedRows(after)).toEqual(await sortedRows(before));
}

describe('writeCheckpoint', () => {
  const cases = [
    'basic-with-inserts-deletes-checkpoint',
    'dv-partitioned-with-checkpoint',
    'data-reader-partition-values',
    'table-with-columnmapping-mode-name',
    'time-travel-partition-changes-a',
    'data-reader-escaped-chars',
    'v2-checkpoint-parquet',
    'multi-part-checkpoint',
    'basic-with-vacuum-protocol-check-feature',
    'deltalog-getChanges',
  ];

  it.each(cases)('%s: a checkpoint alone reproduces the snapshot', async (name) => {
    const dir = await copyTable(name);
    const before = await loadSnapshot(openStore(dir));
    const result = await writeCheckpoint(before);
    expect(result.version).toBe(before.version);
    expect(result.numOfAddFiles).toBe(before.files.length);

    await dropLogExcept(openStore(dir), before.version);
    const after = await loadSnapshot(openStore(dir));
    await expectSameTable(after, before);
  });

  it('marks the checkpoint of a v2Checkpoint table as a V2 checkpoint (checkpointMetadata)', async () => {
    const dir = await copyTable('v2-checkpoint-parquet');
    const before = await loadSnapshot(openStore(dir));
    await writeCheckpoint(before);
    const key = `_delta_log/${String(before.version).padStart(20, '0')}.checkpoint.parquet`;
    const actions = await readParquetActions(openStore(dir), [key]);
    expect(actions.filter((a) => a.kind === 'checkpointMetadata')).toEqual([
      { kind: 'checkpointMetadata', checkpointMetadata: { version: before.version } },
    ]);
    const plain = await copyTable('basic-with-inserts-deletes-checkpoint');
    const plainSnapshot = await loadSnapshot(openStore(plain));
    await writeCheckpoint(plainSnapshot);
    const plainKey = `_delta_log/${String(plainSnapshot.version).padStart(20, '0')}.checkpoint.parquet`;
    expect((await readParquetActions(openStore(plain), [plainKey])).some((a) => a.kind === 'checkpointMetadata')).toBe(
      false,
    );
  });

  it('writes _last_checkpoint, and the loader starts from it', async () => {
    const dir = await copyTable('basic-with-inserts-deletes-checkpoint');
    const store = openStore(dir);
    const before = await loadSnapshot(store);
    const result = await writeCheckpoint(before);

    const stat = await fs.stat(
      path.join(dir, '_delta_log', `${String(before.version).padStart(20, '0')}.checkpoint.parquet`),
    );
    const hint = JSON.parse(new TextDecoder().decode(await store.get(LAST_CHECKPOINT))) as Record<string, unknown>;
    expect(hint).toEqual({
      version: before.version,
      size: result.numActions,
      sizeInBytes: stat.size,
      numOfAddFiles: before.files.length,
    });
    expect(result.sizeInBytes).toBe(stat.size);
    // protocol + metaData + one row per live file (every tombstone is long expired).
    expect(result.numActions).toBe(2 + before.files.length);

    // With the hint, only the tail from our checkpoint is listed: the older checkpoint is unseen.
    const after = await loadSnapshot(openStore(dir));
    expect(after.segment.listing.checkpoints.map((c) => c.version)).toEqual([before.version]);
    expect(Math.min(...after.segment.listing.commits.keys())).toBe(before.version);
    // Time travel to an older version still replays the older log.
    expect((await loadSnapshot(openStore(dir), 5)).version).toBe(5);
  });

  it('does not move _last_checkpoint backwards', async () => {
    const dir = await copyTable('basic-with-inserts-deletes-checkpoint');
    const store = openStore(dir);
    await writeCheckpoint(await loadSnapshot(store));
    await writeCheckpoint(await loadSnapshot(store, 11));
    expect(await store.head(classicCheckpointKey(11))).toBeDefined();
    const hint = JSON.parse(new TextDecoder().decode(await store.get(LAST_CHECKPOINT))) as { version: number };
    expect(hint.version).toBe(13);
  });

  it('keeps tombstones younger than delta.deletedFileRetentionDuration', async () => {
    const dir = await copyTable('basic-with-inserts-overwrite-restore');
    const before = await loadSnapshot(openStore(dir));
    const stamps = before.tombstones.map((t) => t.deletionTimestamp ?? 0).sort((a, b) => a - b);
    expect(stamps.length).toBeGreaterThan(1);
    // A clock at which only the newest tombstones are within the default week.
    const now = stamps[stamps.length - 1]! + WEEK - 1;
    const young = before.tombstones.filter((t) => (t.deletionTimestamp ?? 0) > now - WEEK);
    expect(young.length).toBeGreaterThan(0);
    expect(young.length).toBeLessThan(before.tombstones.length);

    const result = await writeCheckpoint(before, { now });
    expect(result.numActions).toBe(2 + before.files.length + young.length);
    await dropLogExcept(openStore(dir), before.version);
    const after = await loadSnapshot(openStore(dir));
    expect(after.tombstones.map((t) => t.path).sort()).toEqual(young.map((t) => t.path).sort());
    expect(after.tombstones.every((t) => t.dataChange === false && t.stats === undefined)).toBe(true);
    await expectSameTable(after, before);
  });

  it('works on a memory:// store', async () => {
    const source = openStore(path.join(GOLDEN, 'dv-partitioned-with-checkpoint', 'delta'));
    const store = openStore(`memory://ckpt-${randomUUID()}/table`);
    for (const { key } of await source.list('')) await store.put(key, await source.get(key));
    const before = await loadSnapshot(store);
    const result = await writeCheckpoint(before);
    expect((await store.head(classicCheckpointKey(before.version)))?.size).toBe(result.sizeInBytes);

    await dropLogExcept(store, before.version);
    await expectSameTable(await loadSnapshot(openStore(store.root)), before);
  });
});

describe('writeCheckpoint of transaction ids and domain metadata', () => {
  it('keeps the newest txn per app and live domains, not removed ones', async () => {
    const store = openStore(`memory://ckpt-${randomUUID()}/domains`);
    const v0: Action[] = [
      { kind: 'protocol', protocol: { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['domainMetadata'] } },
      {
        kind: 'metaData',
        metaData: {
          id: 't',
          format: { provider: 'parquet' },
          schemaString: '{"type":"struct","fields":[{"name":"x","type":"long","nullable":true,"metadata":{}}]}',
          partitionColumns: [],
          configuration: {},
        },
      },
      { kind: 'txn', txn: { appId: 'a', version: 1 } },
      { kind: 'domainMetadata', domainMetadata: { domain: 'keep', configuration: '{"k":1}', removed: false } },
      { kind: 'domainMetadata', domainMetadata: { domain: 'drop', configuration: '{}', removed: false } },
    ];
    const v1: Action[] = [
      { kind: 'txn', txn: { appId: 'a', version: 2, lastUpdated: 5 } },
      { kind: 'txn', txn: { appId: 'b', version: 7 } },
      { kind: 'domainMetadata', domainMetadata: { domain: 'drop', configuration: '{}', removed: true } },
    ];
    await store.put(commitKey(0), commitText(v0));
    await store.put(commitKey(1), commitText(v1));
    const before = await loadSnapshot(store);
    const result = await writeCheckpoint(before);
    expect(result.numActions).toBe(2 + 2 + 1);

    await dropLogExcept(store, 1);
    const after = await loadSnapshot(openStore(store.root));
    expect([...after.domains.values()]).toEqual([{ domain: 'keep', configuration: '{"k":1}', removed: false }]);
    expect(after.txns).toEqual([
      { appId: 'a', version: 2, lastUpdated: 5 },
      { appId: 'b', version: 7 },
    ]);
    // Writer 7 without reader 3: writerFeatures set, readerFeatures absent (null in the file).
    expect(after.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['domainMetadata'] });
    expect(after.metadata.format).toEqual({ provider: 'parquet', options: {} });
  });
});

describe('shouldCheckpoint', () => {
  it('follows delta.checkpointInterval (default 10)', () => {
    expect(shouldCheckpoint(10, {})).toBe(true);
    expect(shouldCheckpoint(20, {})).toBe(true);
    expect(shouldCheckpoint(5, {})).toBe(false);
    expect(shouldCheckpoint(0, {})).toBe(false);
    expect(shouldCheckpoint(6, { 'delta.checkpointInterval': '3' })).toBe(true);
    expect(shouldCheckpoint(10, { 'delta.checkpointInterval': '3' })).toBe(false);
    expect(shouldCheckpoint(10, { 'delta.checkpointInterval': 'often' })).toBe(true);
  });
});
