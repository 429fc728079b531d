import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../storage/index.js';
import { commitText } from '../log/actions.js';
import { relativeDeletionVectorKey } from '../deletion-vectors/deletion-vector.js';
import { UnsupportedProtocolError, VacuumRetentionError } from '../errors.js';
import { commitKey } from '../log/log-files.js';
import { readRows } from '../read/read.js';
import { loadSnapshot, type Snapshot } from '../log/snapshot.js';
import { vacuum } from './vacuum.js';
import { copyGoldenTable } from '../../../test/support/golden-tables.js';

const HOUR = 3_600_000;
const OLD = new Date(Date.UTC(2020, 0, 1));
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** Relative paths of every file under `dir`. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await walk(dir, rel)));
    else out.push(rel);
  }
  return out;
}

/**
 * A writable copy of a golden table plus untracked files (a stray at the root, one in a
 * partition-like folder, hidden ones), every file last modified in 2020.
 */
async function setup(name: string): Promise<string> {
  const dir = await copyGoldenTable(name, 'strata-vacuum-');
  dirs.push(dir);
  await fs.mkdir(path.join(dir, 'stray=1'));
  await fs.mkdir(path.join(dir, '_staging'));
  await fs.mkdir(path.join(dir, '_strata_staging', 'killed-writer'), { recursive: true });
  for (const file of [
    'stray.parquet',
    'stray=1/orphan.parquet',
    '_staging/part.parquet',
    '.hidden.parquet',
    '_strata_staging/killed-writer/part-1.parquet',
  ]) {
    await fs.writeFile(path.join(dir, file), 'not tracked by the log');
  }
  for (const file of await walk(dir)) await fs.utimes(path.join(dir, file), OLD, OLD);
  return dir;
}

/** What VACUUM must delete: every visible file that is neither live nor a live DV file. */
function expectedCandidates(all: readonly string[], snapshot: Snapshot): string[] {
  const live = new Set(
    snapshot.files.flatMap((f) => [
      decodeURIComponent(f.path),
      ...(f.deletionVector?.storageType === 'u' ? [relativeDeletionVectorKey(f.deletionVector)] : []),
    ]),
  );
  const hidden = (f: string) =>
    !f.startsWith('_strata_staging/') &&
    f.split('/').some((s) => s.startsWith('.') || (s.startsWith('_') && !s.includes('=')));
  return all.filter((f) => !live.has(f) && !hidden(f)).sort();
}

async function sortedRows(dir: string): Promise<string[]> {
  return (await readRows(await loadSnapshot(openStore(dir)))).map((r) => JSON.stringify(r)).sort();
}

describe('vacuum', () => {
  it.each([
    'basic-with-inserts-deletes-checkpoint',
    'basic-with-inserts-overwrite-restore',
    'dv-partitioned-with-checkpoint',
  ])('%s: deletes exactly the removed and untracked files', async (name) => {
    const dir = await setup(name);
    const snapshot = await loadSnapshot(openStore(dir));
    const rows = await sortedRows(dir);
    const all = await walk(dir);
    const expected = expectedCandidates(all, snapshot);
    // Every removed file that is not live again is among them, as are both strays.
    const live = new Set(snapshot.files.map((f) => decodeURIComponent(f.path)));
    for (const t of snapshot.tombstones)
      if (!live.has(decodeURIComponent(t.path))) expect(expected).toContain(decodeURIComponent(t.path));
    // ...and what a killed writer left in its staging folder.
    expect(expected).toEqual(
      expect.arrayContaining([
        'stray.parquet',
        'stray=1/orphan.parquet',
        '_strata_staging/killed-writer/part-1.parquet',
      ]),
    );

    const dry = await vacuum(snapshot, { dryRun: true });
    expect(dry).toEqual({ deleted: expected, dryRun: true, retentionHours: 168 });
    expect(await walk(dir)).toEqual(all);

    const updates: number[] = [];
    const real = await vacuum(snapshot, { progress: { update: (_label, done) => updates.push(done) } });
    expect(real.deleted).toEqual(expected);
    expect(updates[updates.length - 1]).toBe(expected.length);
    const left = await walk(dir);
    expect(left.sort()).toEqual(all.filter((f) => !expected.includes(f)).sort());
    expect(left).toEqual(expect.arrayContaining(['_staging/part.parquet', '.hidden.parquet']));
    expect(existsSync(path.join(dir, 'stray=1'))).toBe(false); // emptied folder removed
    expect(await sortedRows(dir)).toEqual(rows);
    expect((await vacuum(await loadSnapshot(openStore(dir)), { dryRun: true })).deleted).toEqual([]);
  });

  it('keeps files modified within the retention and files removed after the cutoff', async () => {
    const dir = await setup('basic-with-inserts-overwrite-restore');
    const snapshot = await loadSnapshot(openStore(dir));
    const recent = new Date(Date.now() - HOUR);
    await fs.utimes(path.join(dir, 'stray.parquet'), recent, recent);
    expect((await vacuum(snapshot, { dryRun: true })).deleted).not.toContain('stray.parquet');

    // At a clock just after the removals, their tombstones protect the files; strays still go.
    const removedAt = Math.max(...snapshot.tombstones.map((t) => t.deletionTimestamp ?? 0));
    const { deleted } = await vacuum(snapshot, { dryRun: true, now: removedAt + HOUR });
    expect(deleted).toEqual(['_strata_staging/killed-writer/part-1.parquet', 'stray=1/orphan.parquet']);
  });

  it('refuses a retention below the table retention unless forced', async () => {
    const dir = await setup('basic-with-inserts-deletes-checkpoint');
    const snapshot = await loadSnapshot(openStore(dir));
    await expect(vacuum(snapshot, { retentionHours: 0 })).rejects.toBeInstanceOf(VacuumRetentionError);
    await expect(vacuum(snapshot, { retentionHours: 167 })).rejects.toThrow(/LAKE_VACUUM_RETENTION/);

    const fresh = 'fresh.parquet';
    await fs.writeFile(path.join(dir, fresh), 'just written');
    const forced = await vacuum(snapshot, { retentionHours: 0, force: true, now: Date.now() + 1000 });
    expect(forced.retentionHours).toBe(0);
    expect(forced.deleted).toContain(fresh);
    expect(existsSync(path.join(dir, fresh))).toBe(false);
  });

  it('uses delta.deletedFileRetentionDuration as the default and the minimum', async () => {
    const store = openStore(`memory://vacuum-${randomUUID()}/t`);
    const schemaString = '{"type":"struct","fields":[{"name":"x","type":"long","nullable":true,"metadata":{}}]}';
    await store.put(
      commitKey(0),
      commitText([
        { kind: 'protocol', protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
        {
          kind: 'metaData',
          metaData: {
            id: 't',
            format: { provider: 'parquet' },
            schemaString,
            partitionColumns: [],
            configuration: { 'delta.deletedFileRetentionDuration': 'interval 2 days' },
          },
        },
      ]),
    );
    await store.put('orphan.parquet', 'x');
    const snapshot = await loadSnapshot(store);
    expect(await vacuum(snapshot, { now: Date.now() + 47 * HOUR })).toEqual({
      deleted: [],
      dryRun: false,
      retentionHours: 48,
    });
    await expect(vacuum(snapshot, { retentionHours: 47 })).rejects.toBeInstanceOf(VacuumRetentionError);
    expect((await vacuum(snapshot, { now: Date.now() + 49 * HOUR })).deleted).toEqual(['orphan.parquet']);
    expect(await store.head('orphan.parquet')).toBeUndefined();
  });

  it('checks the writer protocol first (vacuumProtocolCheck)', async () => {
    const dir = await setup('basic-with-vacuum-protocol-check-feature');
    const snapshot = await loadSnapshot(openStore(dir));
    expect(snapshot.protocol.readerFeatures).toContain('vacuumProtocolCheck');
    expect((await vacuum(snapshot, { dryRun: true })).deleted).toContain('stray.parquet');

    const store = openStore(dir);
    await store.put(
      commitKey(snapshot.version + 1),
      commitText([
        {
          kind: 'protocol',
          protocol: {
            ...snapshot.protocol,
            writerFeatures: [...(snapshot.protocol.writerFeatures ?? []), 'futureWriterFeature'],
          },
        },
      ]),
    );
    await expect(vacuum(await loadSnapshot(store))).rejects.toBeInstanceOf(UnsupportedProtocolError);
    expect(existsSync(path.join(dir, 'stray.parquet'))).toBe(true);
  });
});
