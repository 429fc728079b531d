import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../storage/index.js';
import { commitText } from './actions.js';
import { writeCheckpoint } from './checkpoint-writer.js';
import { VersionNotFoundError } from '../errors.js';
import { cleanupExpiredLogs } from './log-cleanup.js';
import { commitKey } from './log-files.js';
import { readRows } from '../read/read.js';
import { loadSnapshot } from './snapshot.js';
import { GOLDEN, copyGoldenTable } from '../../../test/support/golden-tables.js';

const DAY = 86_400_000;
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function copyTable(name: string): Promise<string> {
  const dir = await copyGoldenTable(name, 'strata-logclean-');
  dirs.push(dir);
  return dir;
}

/** Sets the mtime of every `_delta_log` file whose name holds a version: `ageDays(version)` days ago. */
async function ageLog(dir: string, ageDays: (version: number) => number): Promise<void> {
  const log = path.join(dir, '_delta_log');
  for (const name of await fs.readdir(log)) {
    const match = /(\d{20})/.exec(name);
    if (!match) continue;
    const when = new Date(Date.now() - ageDays(Number(match[1])) * DAY);
    await fs.utimes(path.join(log, name), when, when);
  }
}

async function logNames(dir: string): Promise<string[]> {
  return (await fs.readdir(path.join(dir, '_delta_log'))).sort();
}

const pad = (v: number) => String(v).padStart(20, '0');

describe('cleanupExpiredLogs', () => {
  it('deletes the log before the newest checkpoint that only expired files precede', async () => {
    const dir = await copyTable('basic-with-inserts-deletes-checkpoint'); // versions 0..13, checkpoint at 10
    await ageLog(dir, (v) => (v <= 11 ? 60 : 1));
    const store = openStore(dir);
    const before = await loadSnapshot(store);
    const rows = await readRows(before, { orderBy: 'ALL' });

    const { deleted } = await cleanupExpiredLogs(store, before);
    const expected = [];
    for (let v = 0; v < 10; v++) expected.push(`_delta_log/${pad(v)}.json`, `_delta_log/.${pad(v)}.json.crc`);
    expect(deleted.sort()).toEqual(expected.sort());
    const left = await logNames(dir);
    expect(left).toContain(`${pad(10)}.checkpoint.parquet`);
    expect(left).toContain(`.${pad(10)}.checkpoint.parquet.crc`);
    expect(left).toContain(`${pad(10)}.json`);

    const after = await loadSnapshot(openStore(dir));
    expect(after.version).toBe(13);
    expect(await readRows(after, { orderBy: 'ALL' })).toEqual(rows);
    for (let v = 10; v <= 13; v++) expect((await loadSnapshot(openStore(dir), v)).version).toBe(v);
    await expect(loadSnapshot(openStore(dir), 9)).rejects.toBeInstanceOf(VersionNotFoundError);
  });

  it('deletes nothing when a file before every usable checkpoint is still within retention', async () => {
    const dir = await copyTable('basic-with-inserts-deletes-checkpoint');
    await ageLog(dir, (v) => (v === 5 ? 1 : 60));
    const before = await logNames(dir);
    const { deleted } = await cleanupExpiredLogs(openStore(dir), await loadSnapshot(openStore(dir)));
    expect(deleted).toEqual([]);
    expect(await logNames(dir)).toEqual(before);
  });

  it('deletes nothing while the files are younger than 30 days, by default', async () => {
    const dir = await copyTable('basic-with-inserts-deletes-checkpoint');
    await ageLog(dir, () => 20);
    expect((await cleanupExpiredLogs(openStore(dir), await loadSnapshot(openStore(dir)))).deleted).toEqual([]);
  });

  it('never uses a checkpoint after the snapshot version', async () => {
    const dir = await copyTable('basic-with-inserts-deletes-checkpoint');
    await ageLog(dir, () => 60);
    const { deleted } = await cleanupExpiredLogs(openStore(dir), await loadSnapshot(openStore(dir), 9));
    expect(deleted).toEqual([]);
  });

  it('follows delta.logRetentionDuration and delta.enableExpiredLogCleanup', async () => {
    const dir = await copyTable('basic-with-inserts-deletes-checkpoint');
    const store = openStore(dir);
    const metadata = (await loadSnapshot(store)).metadata;
    const setConfig = async (version: number, configuration: Record<string, string>) => {
      await store.put(commitKey(version), commitText([{ kind: 'metaData', metaData: { ...metadata, configuration } }]));
    };
    await setConfig(14, { 'delta.logRetentionDuration': 'interval 2 days', 'delta.enableExpiredLogCleanup': 'false' });
    await ageLog(dir, (v) => (v <= 11 ? 10 : 0));
    expect((await cleanupExpiredLogs(store, await loadSnapshot(store))).deleted).toEqual([]);

    await setConfig(15, { 'delta.logRetentionDuration': 'interval 2 days' });
    await ageLog(dir, (v) => (v <= 11 ? 10 : 0));
    const { deleted } = await cleanupExpiredLogs(store, await loadSnapshot(store));
    expect(deleted).toHaveLength(20);
  });

  it('moves to a newer checkpoint written by writeCheckpoint (memory:// store, clock option)', async () => {
    const source = openStore(path.join(GOLDEN, 'basic-with-inserts-deletes-checkpoint', 'delta'));
    const store = openStore(`memory://logclean-${randomUUID()}/t`);
    for (const { key } of await source.list('')) await store.put(key, await source.get(key));
    await writeCheckpoint(await loadSnapshot(store));
    const snapshot = await loadSnapshot(store);
    const rows = await readRows(snapshot, { orderBy: 'ALL' });

    expect((await cleanupExpiredLogs(store, snapshot)).deleted).toEqual([]);
    const { deleted } = await cleanupExpiredLogs(store, snapshot, { now: Date.now() + 40 * DAY });
    expect(deleted).toContain(`_delta_log/${pad(10)}.checkpoint.parquet`);
    expect(deleted).toContain(`_delta_log/${pad(12)}.json`);
    const left = (await store.list('_delta_log/')).map((m) => m.key.slice('_delta_log/'.length));
    expect(left.filter((n) => /^\d{20}\./.test(n)).sort()).toEqual([
      `${pad(13)}.checkpoint.parquet`,
      `${pad(13)}.json`,
    ]);
    expect(await readRows(await loadSnapshot(openStore(store.root)), { orderBy: 'ALL' })).toEqual(rows);
  });
});
