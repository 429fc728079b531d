/**
 * DELETE, UPDATE and MERGE on real tables: deletion vectors written in the spec format
 * and merged with existing ones, copy-on-write touching only affected files, commitInfo
 * like Delta's, append-only refusal, MERGE's one-match rule, conflicts between
 * concurrent deletes, and engine-pruned candidate files.
 */
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/index.js';
import {
  AppendOnlyTableError,
  CommitConflictError,
  DeltaTable,
  InvalidTableOperationError,
  MergeCardinalityError,
  fromRows,
  fromSql,
  queryRows,
  readChanges,
  withConnection,
  type AddFile,
  type DeletionVectorDescriptor,
  type StructType,
} from '../../src/lake/index.js';
import { readDeletionVector, relativeDeletionVectorKey } from '../../src/lake/deletion-vectors/deletion-vector.js';

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'grp', type: 'string', nullable: true, metadata: {} },
    { name: 'v', type: 'double', nullable: true, metadata: {} },
  ],
};

const tempLocation = () => path.join(mkdtempSync(path.join(tmpdir(), 'strata-dml-')), 'table');

/** A table with three files of 10 rows: ids 0-9, 10-19, 20-29; grp = 'g' + (id % 3). */
async function threeFiles(
  properties: Record<string, string> = {},
  partitionColumns: string[] = [],
): Promise<DeltaTable> {
  const table = await DeltaTable.create(tempLocation(), { schema, properties, partitionColumns });
  for (let f = 0; f < 3; f++) {
    await table.append(
      fromSql(`SELECT range AS id, 'g' || (range % 3) AS grp, range * 1.5 AS v FROM range(${f * 10}, ${f * 10 + 10})`),
    );
  }
  return table;
}

const DV = { 'delta.enableDeletionVectors': 'true' };

/** The table's local directory (locations are file:// URLs). */
const dirOf = (table: DeltaTable) => openStore(table.location).localPath('')!;

const ids = async (table: DeltaTable) => (await table.rows({ orderBy: 'id' })).map((r) => Number(r.id));

function commit(location: string, version: number): Array<Record<string, Record<string, unknown>>> {
  const file = path.join(openStore(location).localPath('')!, '_delta_log', `${String(version).padStart(20, '0')}.json`);
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

const actionsOf = (location: string, version: number, kind: string) =>
  commit(location, version).flatMap((l) => (l[kind] ? [l[kind]] : []));

describe('DELETE with deletion vectors', () => {
  it('writes one DV file for the commit, in the spec format, readable after reopening', async () => {
    const table = await threeFiles(DV);
    const before = new Map(table.snapshot.files.map((f) => [f.path, f]));
    const result = await table.delete('id % 10 IN (1, 4) AND id < 20');
    expect(result).toMatchObject({
      numDeletedRows: 4,
      numDeletionVectorsAdded: 2,
      numRemovedFiles: 0,
      numAddedFiles: 0,
      numCopiedRows: 0,
    });

    const bins = readdirSync(dirOf(table)).filter((f) => f.endsWith('.bin'));
    expect(bins).toHaveLength(1);
    expect(bins[0]).toMatch(/^deletion_vector_[0-9a-f-]{36}\.bin$/);
    const adds = actionsOf(table.location, result.version, 'add') as unknown as AddFile[];
    const removes = actionsOf(table.location, result.version, 'remove');
    expect(adds).toHaveLength(2);
    expect(removes).toHaveLength(2);
    expect(removes.every((r) => r.dataChange === true && r.deletionVector === undefined)).toBe(true);
    const dvs = adds.map((a) => a.deletionVector!);
    expect(new Set(dvs.map((d) => d.pathOrInlineDv)).size).toBe(1);
    expect(dvs.map((d) => d.storageType)).toEqual(['u', 'u']);
    expect(dvs.map((d) => d.offset).sort((a, b) => a! - b!)[0]).toBe(1);
    expect(new Set(dvs.map((d) => d.offset)).size).toBe(2);
    for (const add of adds) {
      expect(add.dataChange).toBe(true);
      expect(relativeDeletionVectorKey(add.deletionVector!)).toBe(bins[0]);
      // Same file, same stats (numRecords is the physical count), bounds marked not tight.
      const original = before.get(add.path)!;
      expect(JSON.parse(add.stats!)).toEqual({ ...JSON.parse(original.stats!), tightBounds: false });
      expect(await readDeletionVector(add.deletionVector!, openStore(table.location))).toEqual([1, 4]);
    }

    const reopened = await DeltaTable.open(table.location);
    expect(reopened.snapshot.files).toHaveLength(3);
    expect(reopened.snapshot.numRecords).toBe(26);
    expect(await ids(reopened)).toEqual(
      Array.from({ length: 30 }, (_, i) => i).filter((i) => !(i < 20 && [1, 4].includes(i % 10))),
    );
  });

  it('merges a new DV with the file existing one and removes the old (path, DV) entry', async () => {
    const table = await threeFiles(DV);
    await table.delete('id IN (2, 3)');
    const first = table.snapshot.files.find((f) => f.deletionVector)!;
    const result = await table.delete('id IN (5, 9)');
    expect(result).toMatchObject({ numDeletedRows: 2, numDeletionVectorsUpdated: 1, numDeletionVectorsAdded: 0 });
    const removed = actionsOf(table.location, result.version, 'remove');
    expect(removed).toHaveLength(1);
    expect(removed[0]!.deletionVector).toEqual(first.deletionVector);
    const file = table.snapshot.files.find((f) => f.path === first.path)!;
    expect(file.deletionVector!.cardinality).toBe(4);
    expect(
      await readDeletionVector(file.deletionVector as DeletionVectorDescriptor, openStore(table.location)),
    ).toEqual([2, 3, 5, 9]);
    const reopened = await DeltaTable.open(table.location);
    expect(reopened.snapshot.files.filter((f) => f.path === first.path)).toHaveLength(1);
    expect((await ids(reopened)).slice(0, 6)).toEqual([0, 1, 4, 6, 7, 8]);
  });

  it('removes a file whose rows are all deleted instead of giving it a DV', async () => {
    const table = await threeFiles(DV);
    await table.delete('id = 11');
    const result = await table.delete('id >= 10 AND id < 20');
    expect(result).toMatchObject({
      numDeletedRows: 9,
      numRemovedFiles: 1,
      numDeletionVectorsRemoved: 1,
      numDeletionVectorsAdded: 0,
    });
    expect(actionsOf(table.location, result.version, 'add')).toEqual([]);
    expect(table.snapshot.files).toHaveLength(2);
    expect(table.snapshot.files.every((f) => !f.deletionVector)).toBe(true);
  });

  it('UPDATE marks the old versions in a DV and writes only the new versions', async () => {
    const table = await threeFiles(DV);
    const result = await table.update({ v: 'v * 100', grp: "'changed'" }, 'id IN (3, 13)');
    expect(result).toMatchObject({ numUpdatedRows: 2, numDeletionVectorsAdded: 2, numAddedFiles: 1, numCopiedRows: 0 });
    const added = (actionsOf(table.location, result.version, 'add') as unknown as AddFile[]).filter(
      (a) => !a.deletionVector,
    );
    expect(JSON.parse(added[0]!.stats!).numRecords).toBe(2);
    const rows = await table.rows({ where: "grp = 'changed'", orderBy: 'id' });
    expect(rows).toEqual([
      { id: 3, grp: 'changed', v: 450 },
      { id: 13, grp: 'changed', v: 1950 },
    ]);
    expect((await table.rows()).length).toBe(30);
  });
});

describe('copy-on-write DML', () => {
  it('rewrites only the files holding affected rows', async () => {
    const table = await threeFiles();
    const before = table.snapshot.files.map((f) => f.path);
    const result = await table.delete('id IN (12, 13)');
    expect(result).toMatchObject({
      numDeletedRows: 2,
      numCopiedRows: 8,
      numRemovedFiles: 1,
      numAddedFiles: 1,
      numDeletionVectorsAdded: 0,
    });
    const after = table.snapshot.files.map((f) => f.path);
    expect(after.filter((p) => before.includes(p))).toHaveLength(2);
    expect(table.snapshot.files.every((f) => !f.deletionVector)).toBe(true);
    expect(readdirSync(dirOf(table)).filter((f) => f.endsWith('.bin'))).toEqual([]);
    expect((await ids(table)).length).toBe(28);
  });

  it('moves updated rows between partitions', async () => {
    const table = await threeFiles({}, ['grp']);
    await table.update({ grp: "'g9'" }, 'id < 3');
    const counts = await table.rows({ orderBy: 'grp' });
    expect(
      counts
        .filter((r) => r.grp === 'g9')
        .map((r) => Number(r.id))
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(table.snapshot.files.some((f) => f.partitionValues.grp === 'g9')).toBe(true);
    expect(counts).toHaveLength(30);
  });

  it('works on a memory:// store, deletion vectors included', async () => {
    for (const properties of [{}, DV]) {
      const location = `memory://dml-${Date.now()}-${Math.random()}/t`;
      const table = await DeltaTable.create(location, { schema, properties });
      await table.append(
        fromRows([
          { id: 1, grp: 'a' },
          { id: 2, grp: 'b' },
          { id: 3, grp: 'a' },
        ]),
      );
      await table.delete("grp = 'b'");
      await table.update({ v: '7' }, 'id = 3');
      expect(await ids(await DeltaTable.open(location))).toEqual([1, 3]);
      expect((await table.rows({ where: 'id = 3' }))[0]!.v).toBe(7);
    }
  });
});

describe('commitInfo', () => {
  it('records DELETE, UPDATE and MERGE with Delta operation parameters and metrics', async () => {
    const table = await threeFiles();
    const del = await table.delete('id = 1');
    const info = (v: number) => commit(table.location, v)[0]!.commitInfo!;
    expect(info(del.version)).toMatchObject({
      operation: 'DELETE',
      operationParameters: { predicate: '["id = 1"]' },
      isBlindAppend: false,
      readVersion: del.version - 1,
      operationMetrics: {
        numDeletedRows: '1',
        numCopiedRows: '9',
        numRemovedFiles: '1',
        numAddedFiles: '1',
        numDeletionVectorsAdded: '0',
      },
    });
    const upd = await table.update({ v: '0' }, 'id < 5');
    expect(info(upd.version)).toMatchObject({
      operation: 'UPDATE',
      operationParameters: { predicate: 'id < 5' },
      operationMetrics: { numUpdatedRows: '4', numCopiedRows: '5', numRemovedFiles: '1', numAddedFiles: '1' },
    });
    const merged = await table.merge(fromSql('SELECT * FROM (VALUES (2, 20.0), (100, 1.0)) s(id, v)'), {
      on: 'target.id = source.id',
      clauses: [
        { when: 'matched', condition: 'source.v > 10', action: { kind: 'update', set: { v: 'source.v' } } },
        { when: 'notMatched', action: { kind: 'insert', values: { id: 'source.id', v: 'source.v', grp: "'new'" } } },
        { when: 'notMatchedBySource', condition: 'target.id >= 25', action: { kind: 'delete' } },
      ],
    });
    expect(merged).toMatchObject({ numUpdatedRows: 1, numInsertedRows: 1, numDeletedRows: 5, numSourceRows: 2 });
    expect(info(merged.version)).toMatchObject({
      operation: 'MERGE',
      operationParameters: {
        predicate: 'target.id = source.id',
        matchedPredicates: '[{"predicate":"source.v > 10","actionType":"update"}]',
        notMatchedPredicates: '[{"actionType":"insert"}]',
        notMatchedBySourcePredicates: '[{"predicate":"target.id >= 25","actionType":"delete"}]',
      },
      operationMetrics: {
        numSourceRows: '2',
        numTargetRowsInserted: '1',
        numTargetRowsUpdated: '1',
        numTargetRowsMatchedUpdated: '1',
        numTargetRowsDeleted: '5',
        numTargetRowsNotMatchedBySourceDeleted: '5',
        numTargetRowsMatchedDeleted: '0',
        numTargetRowsCopied: '13',
        numTargetFilesRemoved: '2',
        numOutputRows: '15',
      },
    });
    expect((await table.history(1))[0]!.operation).toBe('MERGE');
  });
});

describe('MERGE semantics', () => {
  it('applies the first clause whose condition holds, in order', async () => {
    const table = await threeFiles();
    await table.merge(fromSql('SELECT range AS id FROM range(0, 6)'), {
      on: 'target.id = source.id',
      clauses: [
        { when: 'matched', condition: 'target.id % 2 = 0', action: { kind: 'delete' } },
        { when: 'matched', condition: 'target.id < 4', action: { kind: 'update', set: { grp: "'first'" } } },
        { when: 'matched', action: { kind: 'update', set: { grp: "'second'" } } },
      ],
    });
    const rows = await table.rows({ where: 'id < 6', orderBy: 'id' });
    expect(rows.map((r) => [r.id, r.grp])).toEqual([
      [1, 'first'],
      [3, 'first'],
      [5, 'second'],
    ]);
  });

  it('refuses a target row matched by several source rows, naming it, and commits nothing', async () => {
    const table = await threeFiles();
    const version = table.version;
    const failure = table.merge(fromSql('SELECT * FROM (VALUES (7, 1.0), (7, 2.0)) s(id, v)'), {
      on: 'target.id = source.id',
      clauses: [{ when: 'matched', action: { kind: 'update', set: { v: 'source.v' } } }],
    });
    await expect(failure).rejects.toBeInstanceOf(MergeCardinalityError);
    await expect(failure).rejects.toThrow(/\{"id":7,"grp":"g1","v":10\.5\} is matched by 2 source rows/);
    expect((await DeltaTable.open(table.location)).version).toBe(version);
  });

  it('allows several matches when the only matched clause is an unconditional DELETE', async () => {
    const table = await threeFiles(DV);
    const result = await table.merge(fromSql('SELECT * FROM (VALUES (7), (7), (8)) s(id)'), {
      on: 'target.id = source.id',
      clauses: [{ when: 'matched', action: { kind: 'delete' } }],
    });
    expect(result.numDeletedRows).toBe(2);
    expect(await ids(table)).not.toContain(7);
    expect((await table.rows()).length).toBe(28);
  });

  it('inserts with "*" and updates with "*" by column name', async () => {
    const table = await threeFiles();
    await table.merge(
      fromRows([
        { v: 9, id: 1, grp: 'x' },
        { grp: 'y', id: 50, v: 5 },
      ]),
      {
        on: 'target.id = source.id',
        clauses: [
          { when: 'matched', action: { kind: 'update', set: '*' } },
          { when: 'notMatched', action: { kind: 'insert', values: '*' } },
        ],
      },
    );
    expect(await table.rows({ where: 'id IN (1, 50)', orderBy: 'id' })).toEqual([
      { id: 1, grp: 'x', v: 9 },
      { id: 50, grp: 'y', v: 5 },
    ]);
  });

  it('refuses malformed specs with typed errors', async () => {
    const table = await threeFiles();
    const source = fromSql('SELECT 1 AS id');
    await expect(table.merge(source, { on: 'target.id = source.id', clauses: [] })).rejects.toThrow(
      /at least one WHEN clause/,
    );
    await expect(
      table.merge(source, {
        on: 'target.id = source.id',
        clauses: [{ when: 'matched', action: { kind: 'insert', values: '*' } }],
      }),
    ).rejects.toThrow(/clause 1 \(WHEN MATCHED\) cannot INSERT/);
    await expect(
      table.merge(source, {
        on: 'target.id = source.id',
        clauses: [
          { when: 'matched', action: { kind: 'delete' } },
          { when: 'matched', condition: 'true', action: { kind: 'delete' } },
        ],
      }),
    ).rejects.toThrow(/only the last one may omit its condition/);
    await expect(
      table.merge(source, {
        on: 'target.id = source.id',
        clauses: [{ when: 'notMatched', action: { kind: 'insert', values: '*' } }],
      }),
    ).rejects.toThrow(/source has no "grp"/);
    await expect(
      table.merge(source, {
        on: 'target.nope = source.id',
        clauses: [{ when: 'matched', action: { kind: 'delete' } }],
      }),
    ).rejects.toBeInstanceOf(InvalidTableOperationError);
    await expect(table.update({ nope: '1' })).rejects.toThrow(/no such column/);
    await expect(table.delete('nope > 1')).rejects.toThrow(
      /DELETE on .* the predicate \(nope > 1\) cannot be evaluated/,
    );
  });
});

describe('append-only tables', () => {
  it('refuse DELETE, UPDATE and MERGE that would change rows, and accept insert-only MERGE', async () => {
    const table = await threeFiles({ 'delta.appendOnly': 'true' });
    const version = table.version;
    await expect(table.delete('id = 1')).rejects.toBeInstanceOf(AppendOnlyTableError);
    await expect(table.update({ v: '0' })).rejects.toBeInstanceOf(AppendOnlyTableError);
    const upsert = table.merge(fromSql('SELECT 1 AS id'), {
      on: 'target.id = source.id',
      clauses: [{ when: 'matched', action: { kind: 'delete' } }],
    });
    await expect(upsert).rejects.toBeInstanceOf(AppendOnlyTableError);
    await expect(upsert).rejects.toThrow(/\[LAKE_APPEND_ONLY\].*append-only/);
    expect((await DeltaTable.open(table.location)).version).toBe(version);
    const inserted = await table.merge(fromSql("SELECT * FROM (VALUES (1, 'a'), (99, 'b')) s(id, grp)"), {
      on: 'target.id = source.id',
      clauses: [{ when: 'notMatched', action: { kind: 'insert', values: { id: 'source.id', grp: 'source.grp' } } }],
    });
    expect(inserted).toMatchObject({ numInsertedRows: 1, numRemovedFiles: 0 });
  });
});

describe('statements that change nothing', () => {
  it('commit no version: DELETE, UPDATE and MERGE of 0 rows leave the log as it was', async () => {
    const variants: Record<string, string>[] = [{}, DV, { 'delta.enableChangeDataFeed': 'true' }];
    for (const properties of variants) {
      const table = await threeFiles(properties);
      const version = table.version;
      const logFiles = () => readdirSync(path.join(dirOf(table), '_delta_log')).sort();
      const before = logFiles();
      expect(await table.delete('id = 999999')).toMatchObject({ committed: false, version, numDeletedRows: 0 });
      expect(await table.update({ v: '0' }, 'id < 0')).toMatchObject({ committed: false, version, numUpdatedRows: 0 });
      const merged = await table.merge(fromRows([{ id: 500, grp: 'x', v: 1 }]), {
        on: 'target.id = source.id',
        clauses: [{ when: 'matched', action: { kind: 'update', set: { v: 'source.v' } } }],
      });
      expect(merged).toMatchObject({ committed: false, version, numUpdatedRows: 0, numSourceRows: 1 });
      expect(logFiles()).toEqual(before);
      expect((await DeltaTable.open(table.location)).version).toBe(version);
      // A statement that changes a row still commits.
      expect(await table.delete('id = 1')).toMatchObject({ committed: true, version: version + 1, numDeletedRows: 1 });
    }
  });
});

describe('table layouts and connections', () => {
  it('changes column-mapped tables by logical name and records their changes', async () => {
    const table = await threeFiles({ 'delta.columnMapping.mode': 'name', 'delta.enableChangeDataFeed': 'true' }, [
      'grp',
    ]);
    await table.update({ v: '-1' }, "grp = 'g1' AND id < 10");
    await table.delete('id = 0');
    await table.merge(fromRows([{ id: 3, v: 33 }]), {
      on: 'target.id = source.id',
      clauses: [{ when: 'matched', action: { kind: 'update', set: { v: 'source.v' } } }],
    });
    const reopened = await DeltaTable.open(table.location);
    expect(await reopened.rows({ where: 'id < 5', orderBy: 'id' })).toEqual([
      { id: 1, grp: 'g1', v: -1 },
      { id: 2, grp: 'g2', v: 3 },
      { id: 3, grp: 'g0', v: 33 },
      { id: 4, grp: 'g1', v: -1 },
    ]);
    const changes = await readChanges(table, table.version - 2, table.version);
    expect(
      changes
        .filter((c) => c._change_type === 'update_postimage')
        .map((c) => Number(c.id))
        .sort((a, b) => a - b),
    ).toEqual([1, 3, 4, 7]);
  });

  it('starts from an empty table: MERGE inserts, DELETE and UPDATE change nothing', async () => {
    const table = await DeltaTable.create(tempLocation(), { schema, properties: DV });
    expect((await table.delete('id = 1')).numDeletedRows).toBe(0);
    expect((await table.update({ v: '1' })).numUpdatedRows).toBe(0);
    const merged = await table.merge(fromRows([{ id: 1, grp: 'a', v: 1 }]), {
      on: 'target.id = source.id',
      clauses: [
        { when: 'matched', action: { kind: 'delete' } },
        { when: 'notMatched', action: { kind: 'insert', values: '*' } },
      ],
    });
    expect(merged).toMatchObject({ numInsertedRows: 1, numDeletedRows: 0 });
    expect(await ids(table)).toEqual([1]);
  });

  it('runs on a caller connection, where the source can be the caller view', async () => {
    const table = await threeFiles();
    await withConnection(async (connection) => {
      await connection.run("CREATE TEMP VIEW updates AS SELECT * FROM (VALUES (5, 'five')) u(id, grp)");
      await table.merge(
        fromSql('SELECT * FROM updates'),
        {
          on: 'target.id = source.id',
          clauses: [{ when: 'matched', action: { kind: 'update', set: { grp: 'source.grp' } } }],
        },
        { connection },
      );
      await table.delete('id IN (SELECT id + 1 FROM updates)', { connection });
      expect(
        await queryRows(connection, "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE '__strata_%'"),
      ).toEqual([{ n: 0 }]);
    });
    expect(await table.rows({ where: 'id IN (5, 6)' })).toEqual([{ id: 5, grp: 'five', v: 7.5 }]);
  });
});

describe('concurrency and candidate files', () => {
  it('a DELETE that lost the race to a DELETE of the same file fails with a typed conflict', async () => {
    for (const properties of [{}, DV]) {
      const table = await threeFiles(properties);
      const stale = await DeltaTable.open(table.location);
      await table.delete('id = 1');
      const failure = stale.delete('id = 2');
      await expect(failure).rejects.toBeInstanceOf(CommitConflictError);
      await expect(failure).rejects.toThrow(
        /\[LAKE_CONFLICT\] Commit conflict \(concurrent-(append|delete-read|delete-delete)\)/,
      );
      expect(await ids(await DeltaTable.open(table.location))).toContain(2);
    }
  });

  it('only touches rows in the candidate files the engine passes', async () => {
    const table = await threeFiles(DV);
    const first = table.snapshot.files.find((f) => JSON.parse(f.stats!).minValues.id === 0)!;
    const result = await table.delete('id % 2 = 0', { candidateFiles: [first] });
    expect(result.numDeletedRows).toBe(5);
    expect((await ids(table)).filter((i) => i % 2 === 0)).toEqual([10, 12, 14, 16, 18, 20, 22, 24, 26, 28]);
  });
});
