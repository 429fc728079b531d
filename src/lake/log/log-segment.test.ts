import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openStore, type ObjectStore } from '../../storage/index.js';
import { LogGapError, NotADeltaTableError, VersionNotFoundError } from '../errors.js';
import { LAST_CHECKPOINT, commitKey, padVersion, parseLogFileName } from './log-files.js';
import { listLog, loadLogSegment } from './log-segment.js';

function freshStore(): ObjectStore {
  return openStore(`memory://segment-${randomUUID()}/t`);
}

async function putAll(store: ObjectStore, keys: string[]): Promise<void> {
  await Promise.all(keys.map((k) => store.put(k, '{}\n')));
}

const log = (name: string) => `_delta_log/${name}`;

describe('log file names', () => {
  it('parses commits and every checkpoint kind, and ignores the rest', () => {
    expect(parseLogFileName('00000000000000000007.json')).toEqual({ kind: 'commit', version: 7 });
    expect(parseLogFileName('00000000000000000010.checkpoint.parquet')).toEqual({
      kind: 'checkpoint',
      version: 10,
      format: 'classic',
    });
    expect(parseLogFileName('00000000000000000010.checkpoint.0000000002.0000000003.parquet')).toEqual({
      kind: 'checkpoint',
      version: 10,
      format: 'multipart',
      part: 2,
      parts: 3,
    });
    expect(parseLogFileName('00000000000000000002.checkpoint.e8fa2696-9728-4e9c-b285-634743fdd4fb.json')).toMatchObject(
      { format: 'v2', encoding: 'json' },
    );
    for (const other of [
      '.00000000000000000001.json.crc',
      '00000000000000000001.crc',
      '00000000000000000001.00000000000000000003.compacted.json',
      '_last_checkpoint',
    ]) {
      expect(parseLogFileName(other)).toBeUndefined();
    }
  });
});

describe('log segments', () => {
  it('starts from the newest complete checkpoint and ignores incomplete multi-part sets', async () => {
    const store = freshStore();
    const commits = Array.from({ length: 13 }, (_, v) => commitKey(v));
    await putAll(store, [
      ...commits,
      log(`${padVersion(5)}.checkpoint.parquet`),
      log(`${padVersion(10)}.checkpoint.0000000001.0000000002.parquet`), // part 2 of 2 is missing
    ]);
    const segment = await loadLogSegment(store, store.root);
    expect(segment.version).toBe(12);
    expect(segment.checkpoint?.version).toBe(5);
    expect(segment.commits.map((c) => c.key)).toEqual(commits.slice(6));
    await store.put(log(`${padVersion(10)}.checkpoint.0000000002.0000000002.parquet`), 'x');
    const completed = await loadLogSegment(store, store.root);
    expect(completed.checkpoint).toMatchObject({ version: 10, format: 'multipart' });
    expect(completed.checkpoint?.files).toHaveLength(2);
    expect(completed.commits.map((c) => c.key)).toEqual(commits.slice(11));
  });

  it('uses _last_checkpoint to list only the tail, and falls back to listing when it is corrupt or stale', async () => {
    const store = freshStore();
    await putAll(store, [
      ...Array.from({ length: 4 }, (_, v) => commitKey(v)),
      log(`${padVersion(2)}.checkpoint.parquet`),
    ]);
    await store.put(LAST_CHECKPOINT, '{"version":2,"size":3}');
    expect((await loadLogSegment(store, store.root)).checkpoint?.version).toBe(2);
    await store.put(LAST_CHECKPOINT, '{"version":2,'); // truncated
    expect((await loadLogSegment(store, store.root)).checkpoint?.version).toBe(2);
    await store.put(LAST_CHECKPOINT, '{"version":3}'); // names a checkpoint that is not there
    const segment = await loadLogSegment(store, store.root);
    expect(segment.checkpoint?.version).toBe(2);
    expect(segment.version).toBe(3);
  });

  it('time travels to versions before the newest checkpoint', async () => {
    const store = freshStore();
    await putAll(store, [
      ...Array.from({ length: 6 }, (_, v) => commitKey(v)),
      log(`${padVersion(4)}.checkpoint.parquet`),
    ]);
    const segment = await loadLogSegment(store, store.root, 3);
    expect(segment.checkpoint).toBeUndefined();
    expect(segment.commits).toHaveLength(4);
  });

  it('refuses a gap, a missing table, and versions outside the log', async () => {
    const store = freshStore();
    await expect(loadLogSegment(store, store.root)).rejects.toBeInstanceOf(NotADeltaTableError);
    await putAll(store, [commitKey(0), commitKey(1), commitKey(3)]);
    await expect(loadLogSegment(store, store.root)).rejects.toThrow(LogGapError);
    await expect(loadLogSegment(store, store.root)).rejects.toThrow(/version 2/);
    await expect(loadLogSegment(store, store.root, 7)).rejects.toBeInstanceOf(VersionNotFoundError);
  });

  it('reports versions cleaned up from the log as not found, not as a gap', async () => {
    const store = freshStore();
    await putAll(store, [commitKey(5), commitKey(6), log(`${padVersion(5)}.checkpoint.parquet`)]);
    expect((await loadLogSegment(store, store.root)).version).toBe(6);
    await expect(loadLogSegment(store, store.root, 2)).rejects.toThrow(/no longer reconstructable/);
    const listing = await listLog(store);
    expect([...listing.commits.keys()]).toEqual([5, 6]);
  });
});
