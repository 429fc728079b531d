/**
 * The write path end to end on real Parquet files: create, append, overwrite,
 * replaceWhere, schema enforcement and evolution, idempotent txn, stats, time travel.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DeltaTable,
  SchemaMismatchError,
  InvalidTableOperationError,
  TableExistsError,
  fromFile,
  fromRows,
  fromSql,
  withConnection,
  queryRows,
  type StructType,
} from '../../src/lake/index.js';
import { StrataError } from '../../src/core/index.js';

const tempTable = () => path.join(mkdtempSync(path.join(tmpdir(), 'strata-write-')), 'table');

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'name', type: 'string', nullable: true, metadata: {} },
    { name: 'day', type: 'date', nullable: true, metadata: {} },
    { name: 'score', type: 'double', nullable: true, metadata: {} },
  ],
};

const sortById = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => Number(a.id) - Number(b.id));

function logLines(location: string, version: number): Record<string, Record<string, unknown>>[] {
  const file = path.join(location, '_delta_log', `${String(version).padStart(20, '0')}.json`);
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

describe('creating and appending', () => {
  it('creates a table, appends rows, and reads them back with stats in every add', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    expect(table.version).toBe(0);
    const result = await table.append(
      fromRows([
        { id: 1, name: 'a', day: '2026-01-01', score: 1.5 },
        { id: 2, name: null, day: '2026-01-02', score: null },
      ]),
    );
    expect(result).toMatchObject({ version: 1, numRows: 2, skipped: false });
    expect(sortById(await table.rows())).toEqual([
      { id: 1, name: 'a', day: '2026-01-01', score: 1.5 },
      { id: 2, name: null, day: '2026-01-02', score: null },
    ]);
    const lines = logLines(location, 1);
    const commitInfo = lines[0]!.commitInfo!;
    expect(commitInfo).toMatchObject({
      operation: 'WRITE',
      readVersion: 0,
      isBlindAppend: true,
      operationParameters: { mode: 'Append' },
    });
    expect(String(commitInfo.engineInfo)).toMatch(/^strata\/\d+\.\d+\.\d+/);
    const add = lines.find((l) => l.add)!.add!;
    expect(JSON.parse(String(add.stats))).toEqual({
      numRecords: 2,
      minValues: { id: 1, name: 'a', day: '2026-01-01', score: 1.5 },
      maxValues: { id: 2, name: 'a', day: '2026-01-02', score: 1.5 },
      nullCount: { id: 0, name: 1, day: 0, score: 1 },
    });
    const protocol = logLines(location, 0).find((l) => l.protocol)!.protocol;
    expect(protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
  });

  it('refuses to create a table twice', async () => {
    const location = tempTable();
    await DeltaTable.create(location, { schema });
    await expect(DeltaTable.create(location, { schema })).rejects.toBeInstanceOf(TableExistsError);
  });

  it('truncates long strings in stats, keeping the max an upper bound', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    const long = 'x'.repeat(40);
    await table.append(fromRows([{ id: 1, name: long }]));
    const add = logLines(location, 1).find((l) => l.add)!.add!;
    const stats = JSON.parse(String(add.stats)) as { minValues: { name: string }; maxValues: { name: string } };
    expect(stats.minValues.name).toBe('x'.repeat(32));
    expect(stats.maxValues.name > long).toBe(true);
    expect([...stats.maxValues.name].length).toBe(33);
  });

  it('writes Hive-style partition folders with the spec serialization of partition values', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, {
      schema: {
        type: 'struct',
        fields: [
          ...schema.fields,
          { name: 'region', type: 'string', nullable: true, metadata: {} },
          { name: 'ts', type: 'timestamp', nullable: true, metadata: {} },
        ],
      },
      partitionColumns: ['region', 'ts'],
    });
    await table.append(
      fromSql(`SELECT * FROM (VALUES
      (1, 'a', DATE '2026-01-01', 1.0, 'eu/west=1', TIMESTAMPTZ '2026-01-01 10:00:00+00'),
      (2, 'b', DATE '2026-01-01', 2.0, NULL, NULL),
      (3, 'c', DATE '2026-01-02', 3.0, 'eu/west=1', TIMESTAMPTZ '2026-01-01 10:00:00+00')) t(id, name, day, score, region, ts)`),
    );
    const adds = logLines(location, 1).flatMap((l) => (l.add ? [l.add] : []));
    expect(
      adds.map((a) => a.partitionValues).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([
      { region: 'eu/west=1', ts: '2026-01-01T10:00:00.000000Z' },
      { region: null, ts: null },
    ]);
    expect(readdirSync(location).sort()).toEqual(
      expect.arrayContaining(['_delta_log', 'region=__HIVE_DEFAULT_PARTITION__']),
    );
    for (const add of adds) {
      const file = path.join(location, decodeURIComponent(String(add.path)));
      expect(readFileSync(file).subarray(0, 4).toString()).toBe('PAR1');
      // Partition columns live in the log, not in the data files.
      const columns = await withConnection((c) =>
        queryRows(c, `DESCRIBE SELECT * FROM read_parquet('${file}', hive_partitioning = false)`),
      );
      expect(columns.map((c) => c.column_name)).toEqual(['id', 'name', 'day', 'score']);
    }
    const rows = sortById(await table.rows());
    expect(rows.map((r) => [r.id, r.region, r.ts])).toEqual([
      [1, 'eu/west=1', '2026-01-01 10:00:00+00'],
      [2, null, null],
      [3, 'eu/west=1', '2026-01-01 10:00:00+00'],
    ]);
  });

  it('splits output into files of the target size', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    const result = await table.append(fromSql(`SELECT range AS id, md5(range::VARCHAR) AS name FROM range(200000)`), {
      targetFileSize: 1024 * 1024,
    });
    expect(result.numFiles).toBeGreaterThan(1);
    expect(table.snapshot.files).toHaveLength(result.numFiles);
    expect(table.snapshot.numRecords).toBe(200000);
  });

  it('gives every data file a unique name across writes', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    for (let i = 0; i < 3; i++) await table.append(fromRows([{ id: i }]));
    const paths = table.snapshot.files.map((f) => f.path);
    expect(new Set(paths).size).toBe(3);
  });
});

describe('schema enforcement and evolution', () => {
  it('refuses a column of the wrong type, naming the column and both types, and writes nothing', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    const failure = table.append(fromSql(`SELECT 1::BIGINT AS id, DATE '2026-01-01' AS score`));
    await expect(failure).rejects.toBeInstanceOf(SchemaMismatchError);
    await expect(failure).rejects.toThrow(/"score".*double.*date/);
    expect((await DeltaTable.open(location)).version).toBe(0);
    expect(readdirSync(location).filter((f) => f.endsWith('.parquet'))).toEqual([]);
  });

  it('names an unreadable input file in a typed error and writes nothing', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    const broken = path.join(path.dirname(location), 'broken.parquet');
    writeFileSync(broken, 'not parquet at all');
    const failure = table.append(fromFile(broken));
    await expect(failure).rejects.toBeInstanceOf(StrataError);
    await expect(failure).rejects.toThrow(/Cannot read .*broken\.parquet \(as parquet\)/);
    expect((await DeltaTable.open(location)).version).toBe(0);
  });

  it('refuses an unknown column unless mergeSchema, which adds it as nullable', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    await table.append(fromRows([{ id: 1 }]));
    await expect(table.append(fromRows([{ id: 2, extra: 'x' }]))).rejects.toThrow(/"extra".*mergeSchema/);
    await table.append(fromRows([{ id: 2, extra: 'x' }]), { mergeSchema: true });
    expect(table.snapshot.schema.fields.map((f) => [f.name, f.type, f.nullable])).toContainEqual([
      'extra',
      'string',
      true,
    ]);
    expect(sortById(await table.rows()).map((r) => r.extra)).toEqual([null, 'x']);
  });

  it('widens integers losslessly', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    await table.append(fromSql(`SELECT 7::INTEGER AS id, 2::INTEGER AS score`));
    expect(await table.rows()).toEqual([{ id: 7, name: null, day: null, score: 2 }]);
  });
});

describe('overwrite', () => {
  it('replaces every row and keeps the old version readable', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    await table.append(fromRows([{ id: 1 }, { id: 2 }]));
    await table.overwrite(fromRows([{ id: 3 }]));
    expect((await table.rows()).map((r) => r.id)).toEqual([3]);
    const old = await DeltaTable.open(location, { version: 1 });
    expect(sortById(await old.rows()).map((r) => r.id)).toEqual([1, 2]);
  });

  it('replaceWhere replaces only matching rows, rewriting files that hold both kinds', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    await table.append(
      fromRows([
        { id: 1, name: 'keep' },
        { id: 2, name: 'old' },
        { id: 3, name: 'old' },
      ]),
    );
    await table.overwrite(fromRows([{ id: 20, name: 'old' }]), { replaceWhere: "name = 'old'" });
    expect(sortById(await table.rows()).map((r) => [r.id, r.name])).toEqual([
      [1, 'keep'],
      [20, 'old'],
    ]);
    const commit = logLines(location, 2);
    expect(commit[0]!.commitInfo!.operationParameters).toEqual({ mode: 'Overwrite', predicate: '["name = \'old\'"]' });
  });

  it('replaceWhere refuses data outside the predicate and writes nothing', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    await table.append(fromRows([{ id: 1, name: 'a' }]));
    const failure = table.overwrite(fromRows([{ id: 2, name: 'b' }]), { replaceWhere: "name = 'a'" });
    await expect(failure).rejects.toBeInstanceOf(InvalidTableOperationError);
    await expect(failure).rejects.toThrow(/1 row\(s\).*do not match replaceWhere/);
    expect((await DeltaTable.open(location)).version).toBe(1);
  });
});

describe('idempotent writes and time travel', () => {
  it('skips a batch whose txn version was already committed', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    expect((await table.append(fromRows([{ id: 1 }]), { txn: { appId: 'loader', version: 5 } })).skipped).toBe(false);
    expect((await table.append(fromRows([{ id: 1 }]), { txn: { appId: 'loader', version: 5 } })).skipped).toBe(true);
    expect((await table.append(fromRows([{ id: 1 }]), { txn: { appId: 'loader', version: 4 } })).skipped).toBe(true);
    const reopened = await DeltaTable.open(location);
    expect(reopened.snapshot.txn('loader')?.version).toBe(5);
    expect(await reopened.rows()).toHaveLength(1);
  });

  it('travels by version and by timestamp, and lists history newest first', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema });
    await table.append(fromRows([{ id: 1 }]));
    await new Promise((r) => setTimeout(r, 30));
    const between = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    await table.append(fromRows([{ id: 2 }]));
    expect((await DeltaTable.open(location, { timestamp: between })).version).toBe(1);
    expect((await DeltaTable.open(location, { timestamp: new Date(between).toISOString() })).version).toBe(1);
    expect((await (await DeltaTable.open(location, { version: 1 })).rows()).map((r) => r.id)).toEqual([1]);
    await expect(DeltaTable.open(location, { version: 9 })).rejects.toThrow(/Version 9 .* latest is 2/);
    await expect(DeltaTable.open(location, { timestamp: '2000-01-01' })).rejects.toThrow(/no version at 2000-01-01/);
    const history = await table.history();
    expect(history.map((h) => [h.version, h.operation])).toEqual([
      [2, 'WRITE'],
      [1, 'WRITE'],
      [0, 'CREATE TABLE'],
    ]);
  });
});

describe('checkpoints after commits', () => {
  it('writes a checkpoint every delta.checkpointInterval commits and loads from it', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema, properties: { 'delta.checkpointInterval': '3' } });
    for (let i = 1; i <= 7; i++) await table.append(fromRows([{ id: i }]));
    const log = readdirSync(path.join(location, '_delta_log'));
    expect(log.filter((f) => f.endsWith('.checkpoint.parquet')).sort()).toEqual([
      `${'3'.padStart(20, '0')}.checkpoint.parquet`,
      `${'6'.padStart(20, '0')}.checkpoint.parquet`,
    ]);
    expect(JSON.parse(readFileSync(path.join(location, '_delta_log', '_last_checkpoint'), 'utf8'))).toMatchObject({
      version: 6,
    });
    const reopened = await DeltaTable.open(location);
    expect(reopened.snapshot.segment.checkpoint?.version).toBe(6);
    expect(sortById(await reopened.rows()).map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('column mapping and stores', () => {
  it('writes physical names under column mapping and reads logical names', async () => {
    const location = tempTable();
    const table = await DeltaTable.create(location, { schema, properties: { 'delta.columnMapping.mode': 'name' } });
    const field = table.snapshot.schema.fields[1]!;
    expect(field.metadata['delta.columnMapping.physicalName']).toMatch(/^col-/);
    expect(table.snapshot.protocol).toMatchObject({ minReaderVersion: 2, minWriterVersion: 5 });
    await table.append(fromRows([{ id: 1, name: 'n' }]));
    expect(await table.rows()).toEqual([{ id: 1, name: 'n', day: null, score: null }]);
    const file = path.join(location, decodeURIComponent(table.snapshot.files[0]!.path));
    const columns = await withConnection((c) =>
      queryRows(c, `DESCRIBE SELECT * FROM read_parquet('${file}', hive_partitioning = false)`),
    );
    expect(columns.map((c) => String(c.column_name)).every((n) => n.startsWith('col-'))).toBe(true);
  });

  it('works on a memory:// store', async () => {
    const location = `memory://write-test-${Date.now()}/t`;
    const table = await DeltaTable.create(location, { schema });
    await table.append(fromRows([{ id: 1 }, { id: 2 }]));
    const reopened = await DeltaTable.open(location);
    expect(sortById(await reopened.rows()).map((r) => r.id)).toEqual([1, 2]);
  });
});
