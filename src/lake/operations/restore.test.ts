/**
 * RESTORE end to end on real files: rows, history, metadata, missing files after
 * VACUUM, and the protocol merge.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromRows, fromSql } from '../write/data-source.js';
import { VersionNotFoundError } from '../errors.js';
import { RestoreMissingFilesError, mergeProtocols, restore } from './restore.js';
import { describeConstraintChanges } from './restore-constraints.js';
import type { StructType } from '../log/schema.js';
import { DeltaTable } from '../table.js';
import { vacuum } from './vacuum.js';

const tempTable = () => path.join(mkdtempSync(path.join(tmpdir(), 'strata-restore-')), 'table');
/** A local directory for a path or a file:// URL (table.location is a URL). */
const localDir = (location: string) => (location.startsWith('file:') ? fileURLToPath(location) : location);
const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'name', type: 'string', nullable: true, metadata: {} },
  ],
};
const ids = async (table: DeltaTable) => (await table.rows({ orderBy: 'id' })).map((r) => Number(r.id));
const commitCount = (location: string) =>
  readdirSync(path.join(localDir(location), '_delta_log')).filter((f) => f.endsWith('.json')).length;

async function threeVersions(): Promise<DeltaTable> {
  const table = await DeltaTable.create(tempTable(), { schema }); // v0
  await table.append(fromRows([{ id: 1 }, { id: 2 }])); // v1
  await table.append(fromRows([{ id: 3 }])); // v2
  await table.overwrite(fromRows([{ id: 10 }])); // v3
  return table;
}

describe('RESTORE', () => {
  it('restores the rows of an old version in one RESTORE commit', async () => {
    const table = await threeVersions();
    const result = await restore(table, { version: 1 });
    expect(result).toMatchObject({ version: 4, restoredVersion: 1 });
    expect(result.metrics).toMatchObject({ numRestoredFiles: 1, numRemovedFiles: 1, numOfFilesAfterRestore: 1 });
    const after = await DeltaTable.open(table.location);
    expect(after.version).toBe(4);
    expect(await ids(after)).toEqual([1, 2]);
    const [entry] = await after.history(1);
    expect(entry).toMatchObject({
      version: 4,
      operation: 'RESTORE',
      operationParameters: { version: 1, timestamp: null },
      readVersion: 3,
    });
    expect(entry!.operationMetrics).toMatchObject({
      numRestoredFiles: '1',
      numRemovedFiles: '1',
      tableSizeAfterRestore: String(result.metrics.tableSizeAfterRestore),
    });
    const lines = readFileSync(
      path.join(localDir(table.location), '_delta_log', `${'4'.padStart(20, '0')}.json`),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, { dataChange?: boolean }>);
    expect(lines.filter((l) => l.add || l.remove).every((l) => (l.add ?? l.remove)!.dataChange === true)).toBe(true);
    // And forward again: restoring the version before the RESTORE.
    await restore(after, { version: 3 });
    expect(await ids(await DeltaTable.open(table.location))).toEqual([10]);
  });

  it('restores by timestamp', async () => {
    const table = await DeltaTable.create(tempTable(), { schema });
    await table.append(fromRows([{ id: 1 }]));
    await new Promise((r) => setTimeout(r, 30));
    const between = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    await table.append(fromRows([{ id: 2 }]));
    const result = await restore(table, { timestamp: new Date(between).toISOString() });
    expect(result.restoredVersion).toBe(1);
    expect(await ids(await DeltaTable.open(table.location))).toEqual([1]);
    expect((await table.history(1))[0]!.operationParameters).toMatchObject({
      version: null,
      timestamp: new Date(between).toISOString(),
    });
  });

  it('restores the schema when it changed since', async () => {
    const table = await DeltaTable.create(tempTable(), { schema });
    await table.append(fromRows([{ id: 1 }]));
    await table.append(fromRows([{ id: 2, extra: 'x' }]), { mergeSchema: true });
    expect(table.snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'extra']);
    const result = await restore(table, { version: 1 });
    expect(result.snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'name']);
    expect(await (await DeltaTable.open(table.location)).rows()).toEqual([{ id: 1, name: null }]);
  });

  it('names the constraints it removes and re-adds', async () => {
    const strict: StructType = {
      type: 'struct',
      fields: [{ name: 'id', type: 'long', nullable: false, metadata: {} }],
    };
    const table = await DeltaTable.create(tempTable(), { schema: strict }); // v0
    await table.append(fromRows([{ id: 1 }])); // v1
    await table.addConstraint('positive', 'id > 0'); // v2
    const back = await restore(table, { version: 1 }); // v3
    expect(back.constraints).toEqual({
      removed: [{ kind: 'check', name: 'positive', expression: 'id > 0' }],
      added: [],
    });
    expect((await DeltaTable.open(table.location)).constraints).toEqual([]);
    const reopened = await DeltaTable.open(table.location);
    const again = await restore(reopened, { version: 2 }); // v4
    expect(again.constraints).toEqual({
      removed: [],
      added: [{ kind: 'check', name: 'positive', expression: 'id > 0' }],
    });
    // A schema overwrite made id nullable; restoring a version before it brings NOT NULL back.
    const latest = await DeltaTable.open(table.location);
    await latest.overwrite(fromSql('SELECT 5::BIGINT AS id'), { overwriteSchema: true }); // v5
    expect(latest.snapshot.schema.fields[0]!.nullable).toBe(true);
    const strictAgain = await restore(latest, { version: 1 });
    expect(strictAgain.constraints).toEqual({
      removed: [{ kind: 'check', name: 'positive', expression: 'id > 0' }],
      added: [{ kind: 'notNull', name: 'id', expression: 'id IS NOT NULL' }],
    });
    expect(describeConstraintChanges(strictAgain.constraints)).toBe(
      '; removed CHECK positive (id > 0); re-added NOT NULL id',
    );
    expect(describeConstraintChanges({ removed: [], added: [] })).toBe('');
    expect(
      describeConstraintChanges({ removed: [{ kind: 'generated', name: 'g', expression: 'id + 1' }], added: [] }),
    ).toBe('; removed generated column g (id + 1)');
  });

  it('fails naming the files VACUUM deleted, and writes nothing', async () => {
    const table = await threeVersions();
    const needed = (await DeltaTable.open(table.location, { version: 2 })).snapshot.files.map((f) => f.path).sort();
    const vacuumed = await vacuum(table.snapshot, { retentionHours: 0, force: true, now: Date.now() + 1000 });
    expect(vacuumed.deleted.length).toBe(2);
    const before = commitCount(table.location);
    const failure = restore(table, { version: 2 });
    await expect(failure).rejects.toBeInstanceOf(RestoreMissingFilesError);
    await expect(failure).rejects.toMatchObject({
      code: 'LAKE_RESTORE_MISSING_FILES',
      restoredVersion: 2,
      missing: needed,
    });
    await expect(failure).rejects.toThrow(new RegExp(needed[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(commitCount(table.location)).toBe(before);
    expect((await DeltaTable.open(table.location)).version).toBe(3);
  });

  it('refuses a version the table does not have', async () => {
    const table = await threeVersions();
    await expect(restore(table, { version: 7 })).rejects.toBeInstanceOf(VersionNotFoundError);
    await expect(restore(table, { version: -1 })).rejects.toBeInstanceOf(VersionNotFoundError);
  });

  it('restores a version whose files carry deletion vectors', async () => {
    const table = await DeltaTable.create(tempTable(), {
      schema,
      properties: { 'delta.enableDeletionVectors': 'true' },
    });
    await table.append(fromSql('SELECT range AS id, NULL::VARCHAR AS name FROM range(5)'));
    await table.overwrite(fromRows([{ id: 100 }]));
    await restore(table, { version: 1 });
    expect(await ids(await DeltaTable.open(table.location))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('mergeProtocols', () => {
  it('never downgrades and unions features', () => {
    expect(
      mergeProtocols({ minReaderVersion: 1, minWriterVersion: 2 }, { minReaderVersion: 1, minWriterVersion: 4 }),
    ).toEqual({ minReaderVersion: 1, minWriterVersion: 4 });
    expect(
      mergeProtocols(
        {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['deletionVectors'],
          writerFeatures: ['deletionVectors'],
        },
        {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['columnMapping'],
          writerFeatures: ['columnMapping', 'appendOnly'],
        },
      ),
    ).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors', 'columnMapping'],
      writerFeatures: ['deletionVectors', 'columnMapping', 'appendOnly'],
    });
  });
});
