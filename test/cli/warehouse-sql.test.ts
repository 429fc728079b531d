/** `strata init` and `strata sql` inside a warehouse: named tables, scripts, stdin and the interactive shell. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strata, tempDir } from './run-cli.js';

describe('strata init and sql in a warehouse', { timeout: 180_000 }, () => {
  it('creates a warehouse, then runs DDL, DML and queries by table name', async () => {
    const dir = tempDir('strata-wh-');
    const init = await strata(['init', dir]);
    expect(init).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/created warehouse at .*lake: .*metadata: embedded/),
    });
    expect((await strata(['init', dir])).stdout).toMatch(/already a warehouse/);

    const create = await strata(
      ['sql', "CREATE TABLE t (id BIGINT, name VARCHAR); INSERT INTO t VALUES (1, 'a'), (2, 'b')"],
      { cwd: dir },
    );
    expect(create).toMatchObject({ code: 0, stdout: expect.stringContaining('inserted 2 rows (version 1)') });

    const script = path.join(dir, 'change.sql');
    writeFileSync(script, "-- a script\nUPDATE t SET name = 'z' WHERE id = 2;\nDELETE FROM t WHERE id = 1;\n");
    expect(await strata(['sql', '-f', script], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/updated 1 rows[\s\S]*deleted 1 rows/),
    });

    const query = await strata(['sql', 'SELECT id, name FROM t; SELECT count(*) AS n FROM t AT (VERSION => 1)'], {
      cwd: dir,
    });
    expect(query.stdout).toMatch(/id +name\n.*\n +2 +z\n\(1 row\)/);
    expect(query.stdout).toMatch(/n\n.*\n2\n/);

    const piped = await strata(['sql'], { cwd: dir, input: 'SELECT count(*) AS n FROM t;' });
    expect(piped.stdout).toMatch(/n\n.*\n1\n/);

    const unknown = await strata(['sql', 'DELETE FROM nope'], { cwd: dir });
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('CATALOG_TABLE_NOT_FOUND') });
  });

  it('runs the interactive shell: multi-line statements, \\d, errors that do not end the session', async () => {
    const dir = tempDir('strata-wh-');
    await strata(['init', dir]);
    const input =
      "CREATE TABLE kv (k VARCHAR,\n v INT);\nINSERT INTO kv VALUES ('x', 1);\n\\d\n\\d kv\nSELECT * FROM missing;\nSELECT v FROM kv;\n\\q\n";
    const run = await strata(['sql', '--interactive'], { cwd: dir, input, env: { HOME: dir } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('created table main.kv');
    expect(run.stdout).toMatch(/schema +name +kind +location\n.*\nmain +kv +managed/);
    expect(run.stdout).toMatch(/column_name +data_type +nullable +partition/);
    expect(run.stdout).toMatch(/error: .*missing/);
    expect(run.stdout).toMatch(/v\n.*\n1\n\(1 row\)/);
  });

  it('suggests only catalog tables for a mistyped name, and outside a warehouse says there is none', async () => {
    const dir = tempDir('strata-wh-');
    expect((await strata(['init', dir])).code).toBe(0);
    expect((await strata(['sql', 'CREATE TABLE sales (id BIGINT)'], { cwd: dir })).code).toBe(0);
    const typo = await strata(['sql', 'SELECT * FROM salez'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('Did you mean main.sales?');
    expect(typo.stderr).not.toMatch(/sqlite_master|pg_tablespace|pragma_/);

    const outside = await strata(['sql', 'SELECT * FROM salez'], { cwd: tempDir(), env: { STRATA_WAREHOUSE: '' } });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('no warehouse found here; run `strata init` or set STRATA_WAREHOUSE');
    expect(outside.stderr).not.toMatch(/sqlite_master|pg_tablespace/);
  });
});
