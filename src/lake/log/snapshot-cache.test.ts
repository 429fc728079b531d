import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type ObjectStore } from '../../storage/index.js';
import { fromSql } from '../write/data-source.js';
import { VersionNotFoundError } from '../errors.js';
import { forgetSnapshots, latestVersion, openSnapshot } from './snapshot-cache.js';
import { loadSnapshot, type Snapshot } from './snapshot.js';
import { DeltaTable } from '../table.js';

const dirs: string[] = [];
function tempTable(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'strata-snapcache-'));
  dirs.push(dir);
  return path.join(dir, 't');
}
beforeEach(() => forgetSnapshots());
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A store that records every key it reads, to show what a refresh touched. */
function countingStore(location: string): ObjectStore & { reads: string[] } {
  const inner = openStore(location);
  const reads: string[] = [];
  return Object.assign(Object.create(inner) as ObjectStore, {
    reads,
    get: (key: string) => {
      reads.push(key);
      return inner.get(key);
    },
  });
}

/** Everything a reader can observe of a snapshot, in a comparable form. */
function observed(snapshot: Snapshot): unknown {
  const byKey = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
  return {
    version: snapshot.version,
    protocol: snapshot.protocol,
    metadata: snapshot.metadata,
    schema: snapshot.schema,
    files: [...snapshot.files].sort(byKey),
    tombstones: [...snapshot.tombstones].sort(byKey),
    txns: snapshot.txns,
    domains: [...snapshot.domains.entries()],
    timestamp: snapshot.timestamp,
    numRecords: snapshot.numRecords,
  };
}

async function expectSameAsFullLoad(location: string, version?: number): Promise<Snapshot> {
  const cached = await openSnapshot(location, version === undefined ? {} : { version });
  const full = await loadSnapshot(openStore(location), version);
  expect(observed(cached)).toEqual(observed(full));
  return cached;
}

describe('openSnapshot', () => {
  it('brings a cached snapshot up to date by reading only the new commits', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { data: fromSql('SELECT range AS id FROM range(5)') });
    await table.append(fromSql('SELECT 5 AS id'));
    const store = countingStore(location);
    const first = await openSnapshot(store);
    expect(first.version).toBe(1);
    await table.append(fromSql('SELECT 6 AS id'));
    await table.append(fromSql('SELECT 7 AS id'));
    store.reads.length = 0;
    const updated = await openSnapshot(store);
    expect(updated.version).toBe(3);
    const commitsRead = () => store.reads.filter((key) => !key.endsWith('_last_checkpoint')).sort();
    expect(commitsRead()).toEqual(['_delta_log/00000000000000000002.json', '_delta_log/00000000000000000003.json']);
    expect(observed(updated)).toEqual(observed(await loadSnapshot(openStore(location))));
    // One commit behind (the probe, no listing): that commit only.
    await table.append(fromSql('SELECT 8 AS id'));
    store.reads.length = 0;
    const probed = await openSnapshot(store);
    expect(probed.version).toBe(4);
    expect(commitsRead()).toEqual(['_delta_log/00000000000000000004.json']);
    expect(observed(probed)).toEqual(observed(await loadSnapshot(openStore(location))));
    // Nothing new: the same snapshot object, no commit read.
    store.reads.length = 0;
    expect(await openSnapshot(location)).toBe(await openSnapshot(location));
    expect(commitsRead()).toEqual([]);
  });

  it('equals a full load after DML with removes, deletion vectors and metadata/protocol changes', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, {
      data: fromSql("SELECT range AS id, 'r' || range AS name FROM range(100)"),
      properties: { 'delta.enableDeletionVectors': 'true' },
    });
    await table.append(fromSql("SELECT range + 100 AS id, 'x' AS name FROM range(50)"));
    await expectSameAsFullLoad(location);

    await table.delete('id % 7 = 0'); // deletion vectors
    const afterDelete = await expectSameAsFullLoad(location);
    expect(afterDelete.files.some((f) => f.deletionVector !== undefined)).toBe(true);

    await table.update({ name: "'u'" }, 'id < 10');
    await expectSameAsFullLoad(location);
    await table.overwrite(fromSql("SELECT 1 AS id, 'o' AS name")); // removes every file
    const afterOverwrite = await expectSameAsFullLoad(location);
    expect(afterOverwrite.tombstones.length).toBeGreaterThan(0);

    await table.addColumns([{ name: 'extra', type: 'long', nullable: true, metadata: {} }]);
    await table.setProperties({ 'delta.enableChangeDataFeed': 'true', 'delta.appendOnly': 'false' });
    const changed = await expectSameAsFullLoad(location);
    expect(changed.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'extra']);
    expect(changed.configuration['delta.enableChangeDataFeed']).toBe('true');
    await table.append(fromSql("SELECT 2 AS id, 'c' AS name, 9::BIGINT AS extra"), { txn: { appId: 'a', version: 4 } });
    const withTxn = await expectSameAsFullLoad(location);
    expect(withTxn.txn('a')?.version).toBe(4);
  });

  it('loads a checkpoint that appeared since the cached version', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, {
      data: fromSql('SELECT 0 AS id'),
      properties: { 'delta.checkpointInterval': '3' },
    });
    await openSnapshot(location);
    for (let i = 1; i <= 4; i++) await table.append(fromSql(`SELECT ${i} AS id`));
    const updated = await expectSameAsFullLoad(location);
    expect(updated.version).toBe(4);
    expect(updated.segment.checkpoint?.version).toBe(3);
    // One commit at a time, the last one writing a checkpoint (version 6).
    await table.append(fromSql('SELECT 5 AS id'));
    expect((await expectSameAsFullLoad(location)).segment.checkpoint?.version).toBe(3);
    await table.append(fromSql('SELECT 6 AS id'));
    expect((await expectSameAsFullLoad(location)).segment.checkpoint?.version).toBe(6);
    // Time travel across the checkpoint from the cached versions.
    await expectSameAsFullLoad(location, 2);
    await expectSameAsFullLoad(location, 3);
  });

  it('sees a newer checkpoint when the commits right after the cached version were cleaned up', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, {
      data: fromSql('SELECT 0 AS id'),
      properties: { 'delta.checkpointInterval': '5' },
    });
    expect((await openSnapshot(location)).version).toBe(0);
    for (let i = 1; i <= 5; i++) await table.append(fromSql(`SELECT ${i} AS id`));
    // What log cleanup leaves: the checkpoint at 5, commits before it gone (the next one included).
    for (let v = 1; v < 5; v++) rmSync(path.join(location, '_delta_log', `${String(v).padStart(20, '0')}.json`));
    const latest = await openSnapshot(location);
    expect(latest.version).toBe(5);
    expect(latest.files).toHaveLength(6);
    expect(await latestVersion(location)).toBe(5);
  });

  it('time travel by version and timestamp uses the cache only up to the version asked for', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { data: fromSql('SELECT 1 AS id') });
    await openSnapshot(location);
    await table.append(fromSql('SELECT 2 AS id'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await table.append(fromSql('SELECT 3 AS id'));
    await expectSameAsFullLoad(location, 1);
    await expectSameAsFullLoad(location, 0);
    await expectSameAsFullLoad(location);
    const v1 = await openSnapshot(location, { version: 1 });
    const byTime = await openSnapshot(location, { timestamp: v1.timestamp });
    expect(byTime.version).toBe(1);
    await expect(openSnapshot(location, { version: 3 })).rejects.toThrow(VersionNotFoundError);
  });

  it('notices a table deleted and created again at the same path', async () => {
    const dir = tempTable();
    const table = await DeltaTable.create(dir, { data: fromSql('SELECT 1 AS id') });
    const first = await openSnapshot(dir);
    expect(await openSnapshot(dir)).toBe(first);
    await table.append(fromSql('SELECT 2 AS id'));
    const second = await openSnapshot(dir);
    expect(second.version).toBe(1);
    expect((await openSnapshot(dir, { version: 0 })).version).toBe(0);
    expect(await latestVersion(dir)).toBe(1);

    rmSync(dir, { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await DeltaTable.create(dir, { data: fromSql("SELECT 'x' AS name, 3 AS n") });
    expect(await latestVersion(dir)).toBe(0);
    const recreated = await openSnapshot(dir, { version: 0 });
    expect(recreated.schema.fields.map((f) => f.name)).toEqual(['name', 'n']);
    expect((await openSnapshot(dir)).version).toBe(0);
    await expect(openSnapshot(dir, { version: 1 })).rejects.toThrow(VersionNotFoundError);

    // Re-created with more versions than the cached one: still another table.
    await openSnapshot(dir);
    rmSync(dir, { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await DeltaTable.create(dir, { data: fromSql('SELECT 10 AS z') });
    await again.append(fromSql('SELECT 11 AS z'));
    const latest = await expectSameAsFullLoad(dir);
    expect(latest.schema.fields.map((f) => f.name)).toEqual(['z']);
  });

  it('concurrent refreshes while writers commit each see a state equal to a full load', async () => {
    const location = tempTable();
    await DeltaTable.create(location, { data: fromSql('SELECT 0 AS id') });
    await openSnapshot(location);
    const writers = Array.from({ length: 4 }, async (_, w) => {
      const table = await DeltaTable.open(location);
      for (let i = 0; i < 3; i++) await table.append(fromSql(`SELECT ${w * 10 + i} AS id`));
    });
    const readers = Array.from({ length: 6 }, async () => {
      const seen: Snapshot[] = [];
      for (let i = 0; i < 5; i++) seen.push(await openSnapshot(location));
      return seen;
    });
    const [, seen] = await Promise.all([Promise.all(writers), Promise.all(readers)]);
    const store = openStore(location);
    for (const snapshot of seen.flat()) {
      expect(observed(snapshot)).toEqual(observed(await loadSnapshot(store, snapshot.version)));
    }
    const final = await expectSameAsFullLoad(location);
    expect(final.version).toBe(12);
    expect(final.numRecords).toBe(13);
  });
});

describe('latestVersion', () => {
  it('lists after the last known version and agrees with a full load', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, {
      data: fromSql('SELECT 0 AS id'),
      properties: { 'delta.checkpointInterval': '2' },
    });
    expect(await latestVersion(location)).toBe(0);
    for (let i = 1; i <= 5; i++) {
      await table.append(fromSql(`SELECT ${i} AS id`));
      expect(await latestVersion(location)).toBe(i);
    }
    forgetSnapshots();
    expect(await latestVersion(location)).toBe(5); // from _last_checkpoint, cold
    await expect(latestVersion(tempTable())).rejects.toThrow(/holds no commits/);
  });
});
