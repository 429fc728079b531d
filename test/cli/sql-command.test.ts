/** `strata sql` end to end: printing, --max-rows, --out in each format (and to stdout), and errors. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryRows, withConnection } from '../../src/lake/index.js';
import { strata, tempDir } from './run-cli.js';

const dir = tempDir();
const table = path.join(dir, 'events');

beforeAll(async () => {
  // Two versions: 3 rows, then 2 more.
  writeFileSync(path.join(dir, 'a.csv'), 'id,kind\n1,click\n2,view\n3,click\n');
  writeFileSync(path.join(dir, 'b.jsonl'), '{"id":4,"kind":"view"}\n{"id":5,"kind":"buy"}\n');
  expect((await strata(['table', 'append', table, path.join(dir, 'a.csv')])).code).toBe(0);
  expect((await strata(['table', 'append', table, path.join(dir, 'b.jsonl')])).code).toBe(0);
}, 180_000);

describe('strata sql', { timeout: 180_000 }, () => {
  it('prints an aligned table with the row count, reading tables relative to the working directory', async () => {
    const run = await strata(
      ['sql', "SELECT kind, count(*) AS n FROM delta_scan('events') GROUP BY kind ORDER BY kind"],
      { cwd: dir },
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(['kind   n', '─────  ─', 'buy    1', 'click  2', 'view   2', '(3 rows)', ''].join('\n'));
  });

  it('time travels, and says how many rows --max-rows left out', async () => {
    const run = await strata([
      'sql',
      `SELECT id FROM delta_scan('${table}', version => 0) ORDER BY id`,
      '--max-rows',
      '2',
    ]);
    expect(run.stdout).toBe(
      ['id', '──', ' 1', ' 2', '(3 rows; showing the first 2, 1 omitted: raise --max-rows or use --out FILE)', ''].join(
        '\n',
      ),
    );
  });

  it.each(['out.parquet', 'out.csv', 'out.jsonl', 'out.ndjson', 'out.json'])(
    'writes the full result to %s with its column names',
    async (name) => {
      const file = path.join(dir, name);
      const sql = `SELECT v1.id, v1.kind AS "Kind Now", v0.kind IS NOT NULL AS in_v0
      FROM delta_scan('${table}') v1 LEFT JOIN delta_scan('${table}', version => 0) v0 USING (id) ORDER BY v1.id`;
      const run = await strata(['sql', sql, '--out', file, '--max-rows', '1']);
      expect(run).toMatchObject({
        code: 0,
        stdout: `wrote 5 rows to ${file} (${name.endsWith('.parquet') ? 'parquet' : name.endsWith('.csv') ? 'csv' : 'json'})\n`,
      });
      const rows = await withConnection((c) => queryRows(c, `SELECT * FROM '${file}' ORDER BY id`));
      expect(rows.map((r) => Object.keys(r))).toEqual(Array(5).fill(['id', 'Kind Now', 'in_v0']));
      expect(rows.map((r) => [Number(r.id), r['Kind Now'], r.in_v0])).toEqual([
        [1, 'click', true],
        [2, 'view', true],
        [3, 'click', true],
        [4, 'view', false],
        [5, 'buy', false],
      ]);
    },
  );

  it('writes the whole result to stdout with --out -: CSV by default, JSON lines with --format jsonl', async () => {
    const sql = `SELECT id, kind FROM delta_scan('${table}') ORDER BY id`;
    const csv = await strata(['sql', sql, '--out', '-', '--max-rows', '1']);
    expect(csv).toMatchObject({ code: 0, stderr: '(5 rows written to stdout as csv)\n' });
    expect(csv.stdout).toBe('id,kind\n1,click\n2,view\n3,click\n4,view\n5,buy\n');
    const jsonl = await strata(['sql', sql, '--out', '-', '--format', 'jsonl']);
    expect(jsonl.code).toBe(0);
    expect(
      jsonl.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { id: 1, kind: 'click' },
      { id: 2, kind: 'view' },
      { id: 3, kind: 'click' },
      { id: 4, kind: 'view' },
      { id: 5, kind: 'buy' },
    ]);
    const alone = await strata(['sql', 'SELECT 1', '--format', 'csv']);
    expect(alone).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('add --out - to write') });
  });

  it('fails with exit code 1 and a typed message for bad tables, options and SQL', async () => {
    const [notATable, badOption, badVersion, badSql, badOut] = await Promise.all([
      strata(['sql', `SELECT * FROM delta_scan('${dir}/nope')`]),
      strata(['sql', `SELECT * FROM delta_scan('${table}', as_of => 1)`]),
      strata(['sql', `SELECT * FROM delta_scan('${table}', version => 7)`]),
      strata(['sql', `SELECT missing_column FROM delta_scan('${table}')`]),
      strata(['sql', 'SELECT 1', '--out', path.join(dir, 'out.xlsx')]),
    ]);
    expect(notATable).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/^error: \[LAKE_NOT_A_TABLE\] .*nope is not a Delta table/),
    });
    expect(badOption).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^error: \[ENGINE_DELTA_SCAN_ARGUMENT\] .*unknown option "as_of" for table .*events/,
      ),
    });
    expect(badVersion).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^error: \[LAKE_VERSION_NOT_FOUND\] Version 7 of .*events does not exist; the latest is 1/,
      ),
    });
    expect(badSql).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: \[ENGINE_SQL\] Binder Error: .*missing_column/),
    });
    expect(badSql.stderr).toContain(`delta_scan('${table}')`);
    expect(badOut).toMatchObject({ code: 1, stderr: expect.stringContaining('Cannot tell the output format of') });
  });
});
