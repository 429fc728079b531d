/**
 * OPTIMIZE end to end on real Parquet files: bin-packing, WHERE on partitions,
 * Z-order (measured by how many files' min/max boxes a two-column query box hits),
 * deletion-vector purging, and conflicts with concurrent writers.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CommitConflictError,
  DeltaTable,
  InvalidTableOperationError,
  Transaction,
  fromRows,
  fromSql,
  queryRows,
  withConnection,
  type AddFile,
  type PrimitiveTypeName,
  type StructField,
  type StructType,
} from '../../src/lake/index.js';
import { inlineDeletionVector } from '../../src/lake/deletion-vectors/deletion-vector.js';
import { optimize } from '../../src/lake/index.js';

const tempTable = () => path.join(mkdtempSync(path.join(tmpdir(), 'strata-optimize-')), 'table');
/** A local directory for a path or a file:// URL (table.location is a URL). */
const localDir = (location: string) => (location.startsWith('file:') ? fileURLToPath(location) : location);
const field = (name: string, type: PrimitiveTypeName): StructField => ({ name, type, nullable: true, metadata: {} });
const schema: StructType = {
  type: 'struct',
  fields: [field('id', 'long'), field('name', 'string'), field('score', 'double')],
};

/** Rows as a sorted list of JSON texts: equal iff the multisets are equal. */
const multiset = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

type LogLine = Record<string, Record<string, unknown>>;
function logLines(location: string, version: number): LogLine[] {
  const file = path.join(localDir(location), '_delta_log', `${String(version).padStart(20, '0')}.json`);
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LogLine);
}

async function smallFilesTable(appends: number, partitioned = false): Promise<DeltaTable> {
  const location = tempTable();
  const table = await DeltaTable.create(location, {
    schema: partitioned ? { type: 'struct', fields: [...schema.fields, field('region', 'string')] } : schema,
    ...(partitioned ? { partitionColumns: ['region'] } : {}),
  });
  for (let i = 0; i < appends; i++) {
    const region = partitioned ? `, CASE WHEN range % 2 = 0 THEN 'eu' ELSE 'us' END AS region` : '';
    await table.append(
      fromSql(`SELECT ${i * 100} + range AS id, 'n' || range AS name, random() AS score${region} FROM range(100)`),
    );
  }
  return table;
}

/** Every .parquet file under the table that no commit ever added: what a failed writer left behind. */
function orphanDataFiles(location: string, lastVersion: number): string[] {
  const referenced = new Set<string>();
  for (let v = 0; v <= lastVersion; v++) {
    for (const line of logLines(location, v)) if (line.add) referenced.add(decodeURIComponent(String(line.add.path)));
  }
  const onDisk = (readdirSync(localDir(location), { recursive: true }) as string[])
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith('.parquet') && !f.startsWith('_delta_log'));
  return onDisk.filter((f) => !referenced.has(f));
}

describe('OPTIMIZE bin-packing', () => {
  it('compacts many small files into one, with the same rows and dataChange false, in one version', async () => {
    const table = await smallFilesTable(12);
    const before = table.version;
    const rowsBefore = multiset(await table.rows());
    expect(table.snapshot.files).toHaveLength(12);

    const result = await optimize(table);
    expect(result).toMatchObject({ committed: true, version: before + 1 });
    expect(result.metrics).toMatchObject({ numFilesRemoved: 12, numFilesAdded: 1, partitionsOptimized: 1, numBins: 1 });
    const after = await DeltaTable.open(table.location);
    expect(after.version).toBe(before + 1);
    expect(after.snapshot.files).toHaveLength(1);
    expect(multiset(await after.rows())).toEqual(rowsBefore);
    expect(after.snapshot.numRecords).toBe(1200);

    const lines = logLines(table.location, before + 1);
    const info = lines[0]!.commitInfo!;
    expect(info).toMatchObject({
      operation: 'OPTIMIZE',
      isBlindAppend: false,
      operationParameters: { predicate: '[]', zOrderBy: '[]', auto: false },
    });
    expect(info.operationMetrics).toMatchObject({ numRemovedFiles: '12', numAddedFiles: '1' });
    const removes = lines.flatMap((l) => (l.remove ? [l.remove] : []));
    const adds = lines.flatMap((l) => (l.add ? [l.add] : []));
    expect(removes).toHaveLength(12);
    expect(adds).toHaveLength(1);
    expect([...removes, ...adds].every((a) => a.dataChange === false)).toBe(true);
    expect(JSON.parse(String(adds[0]!.stats))).toMatchObject({
      numRecords: 1200,
      minValues: { id: 0 },
      maxValues: { id: 1199 },
    });

    // Time travel to before the OPTIMIZE still reads the old files.
    const old = await DeltaTable.open(table.location, { version: before });
    expect(old.snapshot.files).toHaveLength(12);
    expect(multiset(await old.rows())).toEqual(rowsBefore);
    expect((await after.history(1))[0]!.operation).toBe('OPTIMIZE');
  });

  it('commits nothing when there is nothing to compact', async () => {
    const table = await smallFilesTable(1);
    const result = await optimize(table);
    expect(result).toMatchObject({ committed: false, version: table.version });
    expect(result.metrics.numFilesRemoved).toBe(0);
    expect((await DeltaTable.open(table.location)).version).toBe(table.version);
  });

  it('packs into bins of at most the target size', async () => {
    const table = await smallFilesTable(12);
    const sizes = table.snapshot.files.map((f) => f.size);
    const target = Math.max(...sizes) * 3 + 1; // three files per bin
    const result = await optimize(table, { targetFileSize: target });
    expect(result.metrics.numFilesRemoved).toBe(12);
    expect(result.metrics.numFilesAdded).toBe(4);
    expect(multiset(await (await DeltaTable.open(table.location)).rows())).toEqual(multiset(await table.rows()));
  });

  it('honours minFileSize: files at or above it are left alone', async () => {
    const table = await smallFilesTable(4);
    await table.append(
      fromSql(`SELECT 10000 + range AS id, md5(range::VARCHAR) AS name, random() AS score FROM range(20000)`),
    );
    const big = table.snapshot.files.reduce((a, b) => (a.size > b.size ? a : b));
    const small = Math.max(...table.snapshot.files.filter((f) => f !== big).map((f) => f.size));
    expect(big.size).toBeGreaterThan(small);
    const result = await optimize(table, { minFileSize: small + 1 });
    expect(result.metrics).toMatchObject({
      totalConsideredFiles: 4,
      numFilesRemoved: 4,
      numFilesAdded: 1,
      totalFilesSkipped: 1,
    });
    const after = await DeltaTable.open(table.location);
    expect(after.snapshot.files.map((f) => f.path)).toContain(big.path);
    expect(after.snapshot.files).toHaveLength(2);
  });

  it('purges rows hidden by deletion vectors', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema, properties: { 'delta.enableDeletionVectors': 'true' } });
    await table.append(fromSql('SELECT range AS id, NULL::VARCHAR AS name, NULL::DOUBLE AS score FROM range(10)'));
    const file = table.snapshot.files[0]!;
    const withDv: AddFile = { ...file, deletionVector: inlineDeletionVector([0, 3]) };
    await new Transaction(table.snapshot, { operation: 'DELETE' })
      .readFiles([file])
      .removeFiles([file])
      .addFiles([withDv])
      .commit();
    const deleted = await DeltaTable.open(location);
    const result = await optimize(deleted);
    expect(result.metrics).toMatchObject({
      numFilesRemoved: 1,
      numFilesAdded: 1,
      numDeletionVectorsRemoved: 1,
      numDeletionVectorRowsRemoved: 2,
    });
    const after = await DeltaTable.open(location);
    expect(after.snapshot.files.every((f) => !f.deletionVector)).toBe(true);
    expect((await after.rows({ orderBy: 'id' })).map((r) => r.id)).toEqual([1, 2, 4, 5, 6, 7, 8, 9]);
    const physical = path.join(localDir(location), decodeURIComponent(after.snapshot.files[0]!.path));
    const count = await withConnection((c) => queryRows(c, `SELECT count(*) AS n FROM read_parquet('${physical}')`));
    expect(count[0]!.n).toBe(8);
  });
});

describe('OPTIMIZE layouts', () => {
  it('rewrites under column mapping, filling a column older files lack with nulls', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema, properties: { 'delta.columnMapping.mode': 'name' } });
    await table.append(fromSql(`SELECT range AS id, 'a' || range AS name, range / 10 AS score FROM range(50)`));
    await table.append(
      fromSql(
        `SELECT 100 + range AS id, NULL::VARCHAR AS name, NULL::DOUBLE AS score, 'x' || range AS extra FROM range(50)`,
      ),
      { mergeSchema: true },
    );
    await table.append(
      fromSql(`SELECT 200 + range AS id, 'c' AS name, 1.0 AS score, NULL::VARCHAR AS extra FROM range(50)`),
    );
    const rowsBefore = multiset(await table.rows());
    const result = await optimize(table, { zorderBy: ['score', 'extra'] });
    expect(result.metrics).toMatchObject({ numFilesRemoved: 3, numFilesAdded: 1 });
    const after = await DeltaTable.open(location);
    expect(multiset(await after.rows())).toEqual(rowsBefore);
    const file = path.join(localDir(location), decodeURIComponent(after.snapshot.files[0]!.path));
    const columns = await withConnection((c) => queryRows(c, `DESCRIBE SELECT * FROM read_parquet('${file}')`));
    expect(columns.map((c) => String(c.column_name)).every((n) => n.startsWith('col-'))).toBe(true);
  });
});

describe('OPTIMIZE WHERE', () => {
  it('touches only the partitions the predicate selects', async () => {
    const table = await smallFilesTable(5, true);
    const files = (t: DeltaTable, region: string) =>
      t.snapshot.files.filter((f) => f.partitionValues.region === region);
    const usBefore = files(table, 'us')
      .map((f) => f.path)
      .sort();
    expect(files(table, 'eu')).toHaveLength(5);
    const rowsBefore = multiset(await table.rows());

    const result = await optimize(table, { where: "region = 'eu'" });
    expect(result.metrics).toMatchObject({ numFilesRemoved: 5, numFilesAdded: 1, partitionsOptimized: 1 });
    const after = await DeltaTable.open(table.location);
    expect(files(after, 'eu')).toHaveLength(1);
    expect(
      files(after, 'us')
        .map((f) => f.path)
        .sort(),
    ).toEqual(usBefore);
    expect(multiset(await after.rows())).toEqual(rowsBefore);
    expect(logLines(table.location, after.version)[0]!.commitInfo!.operationParameters).toMatchObject({
      predicate: `["region = 'eu'"]`,
    });
  });

  it('refuses a predicate on a data column, naming it, and writes nothing', async () => {
    const table = await smallFilesTable(3, true);
    const failure = optimize(table, { where: 'score > 0.5' });
    await expect(failure).rejects.toBeInstanceOf(InvalidTableOperationError);
    await expect(failure).rejects.toThrow(/"score", which is not a partition column.*\(region\)/);
    await expect(failure).rejects.toMatchObject({ details: { column: 'score' } });
    await expect(optimize(table, { where: "region = 'eu' AND nope = 1" })).rejects.toMatchObject({
      details: { column: 'nope' },
    });
    expect((await DeltaTable.open(table.location)).version).toBe(table.version);
  });

  it('refuses WHERE on a table without partitions', async () => {
    const table = await smallFilesTable(2);
    await expect(optimize(table, { where: 'id > 3' })).rejects.toThrow(/needs a partitioned table/);
  });
});

describe('OPTIMIZE ZORDER BY', () => {
  interface Box {
    a: [number, number];
    b: [number, number];
  }
  /** Files whose [min, max] box in (a, b) intersects the query box: those a reader cannot skip. */
  const overlapping = (files: readonly AddFile[], box: Box) =>
    files.filter((f) => {
      const stats = JSON.parse(String(f.stats)) as {
        minValues: Record<string, number>;
        maxValues: Record<string, number>;
      };
      return (
        stats.minValues.a! <= box.a[1] &&
        stats.maxValues.a! >= box.a[0] &&
        stats.minValues.b! <= box.b[1] &&
        stats.maxValues.b! >= box.b[0]
      );
    }).length;

  it('clusters rows so a two-column query box hits far fewer files, with the same rows', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, {
      schema: { type: 'struct', fields: [field('a', 'long'), field('b', 'long'), field('payload', 'string')] },
    });
    for (let i = 0; i < 32; i++) {
      await table.append(
        fromSql(
          `SELECT floor(random() * 1000)::BIGINT AS a, floor(random() * 1000)::BIGINT AS b, md5(random()::VARCHAR) AS payload FROM range(2000)`,
        ),
      );
    }
    const box: Box = { a: [100, 199], b: [600, 699] };
    const query = 'a BETWEEN 100 AND 199 AND b BETWEEN 600 AND 699';
    const beforeFiles = table.snapshot.files;
    const hitBefore = overlapping(beforeFiles, box);
    expect(hitBefore).toBe(32);
    const rowsBefore = multiset(await table.rows());
    const inBoxBefore = multiset(await table.rows({ where: query }));

    const total = beforeFiles.reduce((n, f) => n + f.size, 0);
    const result = await optimize(table, { zorderBy: ['a', 'B'], targetFileSize: Math.ceil(total / 32) });
    expect(result.metrics.zOrderBy).toEqual(['a', 'b']);
    const after = await DeltaTable.open(location);
    const hitAfter = overlapping(after.snapshot.files, box);
    expect(after.snapshot.files.length).toBeGreaterThanOrEqual(16);
    // A 10% x 10% box: before, every file spans the whole square; after, only a few.
    expect(hitAfter).toBeLessThanOrEqual(hitBefore / 4);
    expect(multiset(await after.rows())).toEqual(rowsBefore);
    expect(multiset(await after.rows({ where: query }))).toEqual(inBoxBefore);
    const info = logLines(location, after.version)[0]!.commitInfo!;
    expect(info.operationParameters).toMatchObject({ zOrderBy: '["a","b"]' });
  });

  it('Z-orders each partition on its own', async () => {
    const table = await smallFilesTable(4, true);
    const rowsBefore = multiset(await table.rows());
    const result = await optimize(table, { zorderBy: ['id', 'score'] });
    expect(result.metrics).toMatchObject({ numFilesRemoved: 8, partitionsOptimized: 2 });
    const after = await DeltaTable.open(table.location);
    expect(after.snapshot.files.map((f) => f.partitionValues.region).sort()).toEqual(['eu', 'us']);
    expect(multiset(await after.rows())).toEqual(rowsBefore);
  });

  it('refuses unknown and partition columns with a typed error naming them', async () => {
    const table = await smallFilesTable(2, true);
    await expect(optimize(table, { zorderBy: ['id', 'nope'] })).rejects.toMatchObject({
      code: 'LAKE_INVALID_OPERATION',
      details: { column: 'nope' },
    });
    await expect(optimize(table, { zorderBy: ['region'] })).rejects.toThrow(/"region" is a partition column/);
    await expect(optimize(table, { zorderBy: ['id', 'ID'] })).rejects.toThrow(/twice/);
    expect((await DeltaTable.open(table.location)).version).toBe(table.version);
  });
});

describe('OPTIMIZE and concurrent writers', () => {
  it('fails with a conflict when a concurrent delete removed a file it compacts, and resurrects nothing', async () => {
    const table = await smallFilesTable(4);
    const stale = table.snapshot;
    const victim = stale.files[0]!;
    // A DELETE commits first, removing one of the files OPTIMIZE is about to rewrite.
    const fresh = await DeltaTable.open(table.location);
    await new Transaction(fresh.snapshot, { operation: 'DELETE' }).readFiles([victim]).removeFiles([victim]).commit();
    const afterDelete = await DeltaTable.open(table.location);
    const rowsAfterDelete = multiset(await afterDelete.rows());

    const failure = optimize(stale);
    await expect(failure).rejects.toBeInstanceOf(CommitConflictError);
    await expect(failure).rejects.toMatchObject({ rule: 'concurrent-delete-read' });
    const now = await DeltaTable.open(table.location);
    expect(now.version).toBe(afterDelete.version);
    expect(multiset(await now.rows())).toEqual(rowsAfterDelete);
    expect(orphanDataFiles(table.location, now.version)).toEqual([]);
  });

  it('makes a delete that read a file before OPTIMIZE rewrote it fail, instead of deleting from a gone file', async () => {
    const table = await smallFilesTable(4);
    const stale = table.snapshot;
    const victim = stale.files[0]!;
    await optimize(await DeltaTable.open(table.location));
    const rowsAfterOptimize = multiset(await (await DeltaTable.open(table.location)).rows());
    const failure = new Transaction(stale, { operation: 'DELETE' }).readFiles([victim]).removeFiles([victim]).commit();
    await expect(failure).rejects.toBeInstanceOf(CommitConflictError);
    expect(multiset(await (await DeltaTable.open(table.location)).rows())).toEqual(rowsAfterOptimize);
  });

  it('does not conflict with a concurrent append', async () => {
    const table = await smallFilesTable(4);
    const stale = table.snapshot;
    const fresh = await DeltaTable.open(table.location);
    await fresh.append(fromRows([{ id: 9999, name: 'late', score: 1 }]));
    const result = await optimize(stale);
    expect(result.version).toBe(stale.version + 2);
    const now = await DeltaTable.open(table.location);
    expect(now.snapshot.files).toHaveLength(2);
    expect(now.snapshot.numRecords).toBe(401);
    expect((await now.rows({ where: 'id = 9999' })).map((r) => r.name)).toEqual(['late']);
  });
});
