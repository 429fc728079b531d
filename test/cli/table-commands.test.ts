/** `strata table ...` end to end: the real command against tables in a temp directory. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strata, tempDir } from './run-cli.js';

const dir = tempDir();
const csv = path.join(dir, 'people.csv');
const jsonl = path.join(dir, 'more.jsonl');
writeFileSync(csv, 'id,name,score\n1,ann,1.5\n2,bob,\n3,cy,3.25\n');
writeFileSync(jsonl, '{"id": 4, "name": "dee", "score": 4.0, "team": "x"}\n');

// Each run starts a Node process that loads DuckDB: generous timeouts for busy CI machines.
describe('strata table', { timeout: 180_000 }, () => {
  it('creates from a column list, appends CSV and JSON lines, and shows history and info', async () => {
    const table = path.join(dir, 'people');
    const created = await strata([
      'table',
      'create',
      table,
      '--schema',
      'id BIGINT NOT NULL, name VARCHAR, score DOUBLE',
      '--property',
      'delta.appendOnly=true',
    ]);
    expect(created).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^created file:\/\/.*people \(version 0\)\n$/),
    });

    expect(await strata(['table', 'append', table, csv])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('appended 3 rows in 1 file'),
    });
    const mismatch = await strata(['table', 'append', table, jsonl]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^error: \[LAKE_SCHEMA_MISMATCH\] Column "team"/);
    expect(await strata(['table', 'append', table, jsonl, '--merge-schema'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('(version 2)'),
    });

    const history = await strata(['table', 'history', table]);
    expect(history.code).toBe(0);
    expect(history.stdout.split('\n')[0]).toMatch(/^version\s+timestamp\s+operation\s+parameters\s+metrics$/);
    expect(history.stdout).toMatch(/\n\s+0 {2}\S+ {2}CREATE TABLE /);
    const json = JSON.parse((await strata(['table', 'history', table, '--limit', '1', '--json'])).stdout) as Array<
      Record<string, unknown>
    >;
    expect(json).toEqual([
      expect.objectContaining({ version: 2, operation: 'WRITE', operationParameters: { mode: 'Append' } }),
    ]);

    const info = JSON.parse((await strata(['table', 'info', table, '--json'])).stdout) as Record<string, unknown>;
    expect(info).toMatchObject({
      version: 2,
      numRows: 4,
      numFiles: 2,
      partitionColumns: [],
      properties: { 'delta.appendOnly': 'true' },
      schema: [
        { name: 'id', type: 'long', nullable: false },
        { name: 'name', type: 'string', nullable: true },
        { name: 'score', type: 'double', nullable: true },
        { name: 'team', type: 'string', nullable: true },
      ],
      protocol: { minReaderVersion: 1, minWriterVersion: 2 },
    });
    const old = await strata(['table', 'info', table, '--version', '1']);
    expect(old.stdout).toMatch(/^version\s+1 \(committed /m);
    expect(old.stdout).toMatch(/^rows\s+3$/m);
    expect(old.stdout).toMatch(/^properties\s+delta\.appendOnly=true$/m);
  });

  it('creates from a file, and append creates a partitioned table when there is none', async () => {
    const fromFile = path.join(dir, 'from-file');
    expect(await strata(['table', 'create', fromFile, '--from', csv])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('with 3 rows'),
    });
    const byName = path.join(dir, 'by-name');
    const appended = await strata(['table', 'append', byName, csv, '--partition-by', 'name']);
    expect(appended).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^created .*by-name \(version 0\) with 3 rows in 3 files/),
    });
    const info = JSON.parse((await strata(['table', 'info', byName, '--json'])).stdout) as Record<string, unknown>;
    expect(info).toMatchObject({ partitionColumns: ['name'], numRows: 3 });
    const wrongLayout = await strata(['table', 'append', byName, csv, '--partition-by', 'id']);
    expect(wrongLayout).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('is partitioned by (name), not (id)'),
    });
  });

  it('checkpoints and vacuums', async () => {
    const table = path.join(dir, 'maintained');
    await strata(['table', 'append', table, csv]);
    await strata(['table', 'append', table, csv]);
    expect(await strata(['table', 'checkpoint', table])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^wrote the checkpoint of version 1 of .*: .* 2 live files/),
    });
    expect(await strata(['table', 'vacuum', table, '--dry-run'])).toMatchObject({
      code: 0,
      stdout: 'would delete 0 files (retention 168 hours)\n',
    });
    const refused = await strata(['table', 'vacuum', table, '--retain', '0']);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('[LAKE_VACUUM_RETENTION]') });
    // Hints name the CLI's flags, not the library's options.
    expect(refused.stderr).toContain('Pass --force to override.');
    const extraColumn = await strata(['table', 'append', table, jsonl]);
    expect(extraColumn).toMatchObject({ code: 1, stderr: expect.stringContaining('Pass --merge-schema to add it.') });
    expect(await strata(['table', 'vacuum', table, '--retain', '0', '--force'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^deleted 0 files from /),
    });
  });

  it('registers an existing Delta table in a warehouse, and unregisters it leaving its files', async () => {
    const warehouse = tempDir('strata-wh-');
    const external = path.join(dir, 'external-events');
    expect((await strata(['init', warehouse])).code).toBe(0);
    expect((await strata(['table', 'append', external, csv])).code).toBe(0);
    const registered = await strata(['table', 'register', 'events', external], { cwd: warehouse });
    expect(registered).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^registered main\.events at .*external-events/),
    });
    const typo = await strata(['sql', 'SELECT count(*) AS n FROM evnts'], { cwd: warehouse });
    expect(typo.stderr).toContain('Did you mean main.events?');
    expect(typo.stderr).toContain('`strata table register main.evnts <location>`');
    expect(typo.stderr).not.toContain('registerExternal');
    const unregistered = await strata(['table', 'unregister', 'events'], { cwd: warehouse });
    expect(unregistered).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^unregistered main\.events; its files/),
    });
    expect((await strata(['table', 'info', external])).code).toBe(0);
  });

  it('fails with a clear message and exit code 1 on bad input, without a stack', async () => {
    const missing = await strata(['table', 'info', path.join(dir, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: \[LAKE_NOT_A_TABLE\] file:\/\/.*nothing-here is not a Delta table/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const noInput = await strata(['table', 'append', path.join(dir, 'x'), path.join(dir, 'no.csv')]);
    expect(noInput).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: \[INVALID_ARGUMENT\] Input file .*no\.csv does not exist\./),
    });
    const badSchema = await strata(['table', 'create', path.join(dir, 'y'), '--schema', 'id NOTATYPE']);
    expect(badSchema).toMatchObject({ code: 1, stderr: expect.stringContaining('is not a valid column list') });
    const exists = await strata(['table', 'create', path.join(dir, 'people'), '--schema', 'a INT']);
    expect(exists).toMatchObject({ code: 1, stderr: expect.stringContaining('[LAKE_TABLE_EXISTS]') });
    const debug = await strata(['table', 'info', path.join(dir, 'nothing-here')], { env: { STRATA_DEBUG: '1' } });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('exits 2 on usage errors', async () => {
    const cases = [
      [],
      ['table'],
      ['table', 'nope'],
      ['table', 'info'],
      ['table', 'history', dir, '--limit', 'ten'],
      ['table', 'create', path.join(dir, 'z')],
      ['sql', 'SELECT 1', '--bogus'],
    ];
    const runs = await Promise.all(cases.map((args) => strata(args)));
    expect(runs.map((run, i) => ({ args: cases[i], code: run.code, stdout: run.stdout }))).toEqual(
      cases.map((args) => ({ args, code: 2, stdout: '' })),
    );
    expect(runs[4]!.stderr).toContain("option '--limit <n>' argument 'ten' is invalid");
  });
});
