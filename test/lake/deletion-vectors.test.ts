/**
 * Deletion vectors applied on read, end to end through the scan, for each storage
 * type: inline (`i`), UUID-relative file (`u`) and absolute path (`p`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/index.js';
import { DeltaTable, Transaction, fromSql, type AddFile, type DeletionVectorDescriptor } from '../../src/lake/index.js';
import {
  inlineDeletionVector,
  relativeDeletionVectorKey,
  writeDeletionVectorFile,
} from '../../src/lake/deletion-vectors/deletion-vector.js';

async function tableWithOneFile() {
  const location = path.join(mkdtempSync(path.join(tmpdir(), 'strata-dv-')), 'table');
  const table = await DeltaTable.create(location, {
    schema: { type: 'struct', fields: [{ name: 'id', type: 'long', nullable: false, metadata: {} }] },
    properties: { 'delta.enableDeletionVectors': 'true' },
  });
  await table.append(fromSql('SELECT range AS id FROM range(10)'));
  expect(table.snapshot.files).toHaveLength(1);
  return table;
}

/** Replaces the file's entry by one carrying the deletion vector, as a DELETE does. */
async function attach(table: DeltaTable, dv: DeletionVectorDescriptor): Promise<number[]> {
  const file = table.snapshot.files[0]!;
  const withDv: AddFile = { ...file, dataChange: true, deletionVector: dv };
  await new Transaction(table.snapshot, { operation: 'DELETE' })
    .readFiles([file])
    .removeFiles([file])
    .addFiles([withDv])
    .commit();
  const reopened = await DeltaTable.open(table.location);
  return (await reopened.rows({ orderBy: 'id' })).map((r) => Number(r.id));
}

describe('deletion vectors on read', () => {
  it('applies an inline deletion vector', async () => {
    const table = await tableWithOneFile();
    expect(table.snapshot.protocol.readerFeatures).toContain('deletionVectors');
    expect(await attach(table, inlineDeletionVector([0, 3, 9]))).toEqual([1, 2, 4, 5, 6, 7, 8]);
  });

  it('applies a deletion vector stored in a UUID-named file beside the data', async () => {
    const table = await tableWithOneFile();
    const store = openStore(table.location);
    const dv = await writeDeletionVectorFile(store, [2, 4], { prefix: 'ab' });
    expect(relativeDeletionVectorKey(dv)).toMatch(/^ab\/deletion_vector_[0-9a-f-]{36}\.bin$/);
    expect(await attach(table, dv)).toEqual([0, 1, 3, 5, 6, 7, 8, 9]);
  });

  it('applies a deletion vector stored at an absolute path', async () => {
    const table = await tableWithOneFile();
    const store = openStore(table.location);
    const relative = await writeDeletionVectorFile(store, [5, 6, 7, 8]);
    const absolute: DeletionVectorDescriptor = {
      ...relative,
      storageType: 'p',
      pathOrInlineDv: pathToFileURL(store.localPath(relativeDeletionVectorKey(relative))!).href,
    };
    expect(await attach(table, absolute)).toEqual([0, 1, 2, 3, 4, 9]);
  });

  it('reconciles by (path, deletion vector): the old entry of the file is gone', async () => {
    const table = await tableWithOneFile();
    await attach(table, inlineDeletionVector([1]));
    const reopened = await DeltaTable.open(table.location);
    expect(reopened.snapshot.files).toHaveLength(1);
    expect(reopened.snapshot.tombstones).toHaveLength(1);
    expect(reopened.snapshot.numRecords).toBe(9);
  });
});
