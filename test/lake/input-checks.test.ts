/**
 * Strict CSV and JSON-lines input (lake/write/csv-input.ts, jsonl-input.ts, bad-rows.ts)
 * on real files: every row is checked against the header and, on append, the table's
 * schema; bad rows fail the write (naming file, line, column and value), or are skipped
 * or quarantined to a side file. Valid CSV (quoted delimiters and newlines, empty
 * lines, BOM, CRLF) is never rejected.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadRowsError, DeltaTable, fromFile, type StructType } from '../../src/lake/index.js';
import { isStrataError } from '../../src/core/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-input-'));
let n = 0;
const tableDir = () => path.join(dir, `table-${++n}`);
function file(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'integer', nullable: false, metadata: {} },
    { name: 'day', type: 'date', nullable: true, metadata: {} },
    { name: 'kind', type: 'string', nullable: true, metadata: {} },
  ],
};

async function typedTable(): Promise<DeltaTable> {
  return DeltaTable.create(tableDir(), { schema });
}

async function failure(write: Promise<unknown>): Promise<BadRowsError> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStrataError(error, 'LAKE_BAD_ROWS'), String(error)).toBe(true);
  return error as BadRowsError;
}

describe('CSV rows that do not fit fail by default, naming file, line and column', () => {
  it('an extra field: no longer one string column named after the header', async () => {
    const input = file('extra.csv', 'id,day,kind\n1,2024-01-01,a\n2,2024-01-02,b,extra\n3,2024-01-03,c\n');
    const location = tableDir();
    const error = await failure(DeltaTable.create(location, { data: fromFile(input) }));
    expect(error.message).toBe(
      `[LAKE_BAD_ROWS] Line 3 of ${input}: the line has 4 fields but the header has 3; nothing was written. ` +
        "Pass badRows: 'skip' to leave bad rows out, or badRows: 'quarantine' to write them to a side file.",
    );
    expect(await DeltaTable.exists(location)).toBe(false);
    const { table, result } = await DeltaTable.createFrom(location, {
      data: fromFile(input, 'csv', { badRows: 'skip' }),
    });
    expect(table.snapshot.schema.fields.map((f) => `${f.name} ${String(f.type)}`)).toEqual([
      'id long',
      'day date',
      'kind string',
    ]);
    expect(result).toMatchObject({ numRows: 2, input: { mode: 'skip', rejected: [{ line: 3 }] } });
  });

  it('a missing field and an unbalanced quote', async () => {
    const missing = file('missing.csv', 'id,day,kind\n1,2024-01-01,a\n2,2024-01-02\n');
    expect(await failure(DeltaTable.create(tableDir(), { data: fromFile(missing) }))).toMatchObject({
      line: 3,
      column: 'kind',
      reason: 'the line has 2 fields but the header has 3',
    });
    const quote = file('quote.csv', 'id,day,kind\n1,2024-01-01,a\n"2,2024-01-02,b\n3,2024-01-03,c\n');
    const error = await failure(DeltaTable.create(tableDir(), { data: fromFile(quote) }));
    expect(error).toMatchObject({ line: 3, column: 'id' });
    expect(error.reason).toMatch(/quote/);
  });

  it('a bad value in a typed append, with its line, column and value; the table is unchanged', async () => {
    const table = await typedTable();
    const input = file(
      'typed.csv',
      'id,day,kind\n1,2024-01-01,a\n\n2,2024-01-02,"b\nc"\nabc,2024-01-03,c\n4,not a day,d\n',
    );
    const error = await failure(table.append(fromFile(input)));
    expect(error).toMatchObject({ file: input, line: 6, column: 'id', value: 'abc', badLines: 2 });
    expect(error.message).toMatch(
      /Line 6 of .*typed\.csv, column "id": cannot read "abc" as INTEGER \(2 bad lines in all\)/,
    );
    await table.refresh();
    expect(table.version).toBe(0);
    expect(readdirSync(table.location.replace('file://', '')).filter((f) => f.endsWith('.parquet'))).toEqual([]);

    const result = await table.append(fromFile(input, 'csv', { badRows: 'skip' }));
    expect(result.input?.rejected.map((r) => [r.line, r.column])).toEqual([
      [6, 'id'],
      [7, 'day'],
    ]);
    expect(await table.rows({ orderBy: 'id' })).toEqual([
      { id: 1, day: '2024-01-01', kind: 'a' },
      { id: 2, day: '2024-01-02', kind: 'b\nc' },
    ]);
  });

  it('an empty value in a NOT NULL column', async () => {
    const table = await typedTable();
    const input = file('notnull.csv', 'id,kind\n1,a\n,b\n');
    expect(await failure(table.append(fromFile(input)))).toMatchObject({
      line: 3,
      column: 'id',
      reason: 'empty value in a NOT NULL column',
    });
  });
});

describe('valid CSV is read as it is', () => {
  it('BOM, CRLF, empty lines, quoted delimiters, quotes and newlines', async () => {
    const input = file(
      'valid.csv',
      '\uFEFFid,day,kind\r\n1,2024-01-01,"a, b"\r\n\r\n2,2024-01-02,"say ""hi""\r\nthere"\r\n3,2024-01-03,\r\n',
    );
    const table = await typedTable();
    const result = await table.append(fromFile(input));
    expect(result).toMatchObject({ numRows: 3, input: { rejected: [] } });
    expect(await table.rows({ orderBy: 'id' })).toEqual([
      { id: 1, day: '2024-01-01', kind: 'a, b' },
      { id: 2, day: '2024-01-02', kind: 'say "hi"\r\nthere' },
      { id: 3, day: '2024-01-03', kind: null },
    ]);
    const crlfBad = file('crlf-bad.csv', 'id,day,kind\r\n1,2024-01-01,a\r\n2,"x\r\ny",b\r\n3,2024-01-03,c,d\r\n');
    expect(await failure(table.append(fromFile(crlfBad)))).toMatchObject({
      line: 3,
      column: 'day',
      reason: 'cannot read a value spanning lines as DATE',
      badLines: 2,
    });
  });

  it('a header-only file makes an empty table with the header columns', async () => {
    const input = file('header.csv', 'id,day,kind\n');
    const { table, result } = await DeltaTable.createFrom(tableDir(), { data: fromFile(input) });
    expect(result.numRows).toBe(0);
    expect(table.snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'day', 'kind']);
  });

  it('a semicolon-separated file keeps its delimiter', async () => {
    const input = file('semi.csv', 'id;kind\n1;a\n2;b\n');
    const { table } = await DeltaTable.createFrom(tableDir(), { data: fromFile(input) });
    expect(await table.rows({ orderBy: 'id' })).toEqual([
      { id: 1, kind: 'a' },
      { id: 2, kind: 'b' },
    ]);
  });
});

describe('JSON lines', () => {
  const lines = [
    '{"id": 1, "day": "2024-01-01", "kind": "a"}',
    '{"id": "abc"}',
    '',
    '{not json',
    '[1, 2]',
    '{"id": 2, "kind": 3}',
    '{"id": null}',
    '{"id": 3, "kind": "c"}',
  ];

  it('fails on the first bad line, naming it', async () => {
    const table = await typedTable();
    const input = file('rows.jsonl', lines.join('\n') + '\n');
    const error = await failure(table.append(fromFile(input)));
    expect(error).toMatchObject({ line: 2, column: 'id', value: '"abc"', badLines: 5 });
    const malformed = file('malformed.jsonl', '{"id": 1}\r\n{"id": 2,\r\n');
    expect(await failure(DeltaTable.create(tableDir(), { data: fromFile(malformed) }))).toMatchObject({
      line: 2,
      reason: expect.stringMatching(/^not valid JSON/),
    });
  });

  it('quarantines bad lines to <input>.rejected.jsonl, each with its line and reason', async () => {
    const table = await typedTable();
    const input = file('q.jsonl', '\uFEFF' + lines.join('\r\n'));
    const result = await table.append(fromFile(input, undefined, { badRows: 'quarantine' }));
    expect(result.numRows).toBe(2);
    expect(result.input?.quarantineFile).toBe(`${input}.rejected.jsonl`);
    const quarantined = readFileSync(`${input}.rejected.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(quarantined.map((r) => [r.line, r.column ?? null, r.reason])).toEqual([
      [2, 'id', 'cannot read "abc" as INTEGER'],
      [4, null, expect.stringMatching(/^not valid JSON/)],
      [5, null, 'not a JSON object'],
      [6, 'kind', 'cannot read 3 as VARCHAR'],
      [7, 'id', 'null in a NOT NULL column'],
    ]);
    expect(quarantined[3]!.text).toBe('{"id": 2, "kind": 3}');
  });

  it('checks text for date columns with DuckDB casts, naming the line', async () => {
    const table = await typedTable();
    const input = file(
      'days.jsonl',
      '{"id": 1, "day": "2024-02-01"}\n{"id": 2, "day": "not a day"}\n{"id": 3, "day": "2024-02-30"}\n',
    );
    expect(await failure(table.append(fromFile(input)))).toMatchObject({
      line: 2,
      column: 'day',
      value: '"not a day"',
      reason: 'cannot read "not a day" as DATE',
      badLines: 2,
    });
    const result = await table.append(fromFile(input, undefined, { badRows: 'skip' }));
    expect(result.input?.rejected.map((r) => [r.line, r.text])).toEqual([
      [2, '{"id": 2, "day": "not a day"}'],
      [3, '{"id": 3, "day": "2024-02-30"}'],
    ]);
    expect(await table.rows()).toEqual([{ id: 1, day: '2024-02-01', kind: null }]);
  });

  it('writes the side file where rejects says, and none when nothing is bad', async () => {
    const table = await typedTable();
    const input = file('good.jsonl', '{"id": 1}\n{"id": 2}\n');
    const rejects = path.join(dir, 'elsewhere.jsonl');
    const result = await table.append(fromFile(input, undefined, { badRows: 'quarantine', rejects }));
    expect(result.numRows).toBe(2);
    expect(existsSync(rejects)).toBe(false);
    const bad = file('bad.jsonl', '{"id": 1}\n{"id": 1.5}\n');
    await table.append(fromFile(bad, undefined, { badRows: 'quarantine', rejects }));
    expect(readFileSync(rejects, 'utf8')).toMatch(
      /"line":2,"column":"id","reason":"cannot read 1.5 as INTEGER","value":"1.5"/,
    );
  });
});

describe('compressed input', () => {
  it('counts the lines of a gzipped CSV or JSON-lines file after decompressing it', async () => {
    const csv = path.join(dir, 'events.csv.gz');
    writeFileSync(csv, gzipSync('id,day,kind\n1,2024-01-01,"a\nb"\n2,2024-01-02,b,extra\n'));
    expect(await failure(DeltaTable.create(tableDir(), { data: fromFile(csv) }))).toMatchObject({ line: 4 });
    const jsonl = path.join(dir, 'rows.jsonl.gz');
    writeFileSync(jsonl, gzipSync('{"id": 1}\n\n{"id": 2,\n'));
    expect(await failure(DeltaTable.create(tableDir(), { data: fromFile(jsonl) }))).toMatchObject({ line: 3 });
  });
});
