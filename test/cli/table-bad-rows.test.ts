/**
 * `strata table create --from` and `strata table append` with bad input rows: fail by
 * default (exit 1, naming file, line and column, with the CLI's flags as the way out),
 * `--bad-rows skip` and `--bad-rows quarantine` (side file beside the input or at
 * `--rejects`), each saying how many lines were left out; a failed append commits nothing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strata, tempDir } from './run-cli.js';

const dir = tempDir();
const extra = path.join(dir, 'events.csv');
writeFileSync(extra, 'id,day,kind\n1,2024-01-01,a\n2,2024-01-02,b,extra\n3,2024-01-03,c\n');
const typed = path.join(dir, 'more.csv');
writeFileSync(typed, 'id,day,kind\n4,2024-01-04,d\nabc,2024-01-05,e\n');

// Each run starts a Node process that loads DuckDB: generous timeouts for busy CI machines.
describe('strata table --bad-rows', { timeout: 180_000 }, () => {
  it('fails by default, skips or quarantines on request, and a failed append commits nothing', async () => {
    const table = path.join(dir, 'events');
    const refused = await strata(['table', 'create', table, '--from', extra]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: [LAKE_BAD_ROWS] Line 3 of ${extra}: the line has 4 fields but the header has 3; nothing was written. ` +
        `Fix the line, or run again with --bad-rows skip to leave bad rows out, or --bad-rows quarantine to write them to ${extra}.rejected.jsonl (--rejects <file> to choose).\n`,
    );
    expect(existsSync(table)).toBe(false);

    const quarantined = await strata(['table', 'create', table, '--from', extra, '--bad-rows', 'quarantine']);
    expect(quarantined).toMatchObject({
      code: 0,
      stdout:
        `created file://${table} (version 0) with 2 rows\n` +
        `quarantined 1 bad line to ${extra}.rejected.jsonl (first: line 3: the line has 4 fields but the header has 3)\n`,
    });
    expect(JSON.parse(readFileSync(`${extra}.rejected.jsonl`, 'utf8'))).toEqual({
      line: 3,
      reason: 'the line has 4 fields but the header has 3',
      text: '2,2024-01-02,b,extra',
    });

    const typedRefusal = await strata(['table', 'append', table, typed]);
    expect(typedRefusal.code).toBe(1);
    expect(typedRefusal.stderr).toMatch(/Line 3 of .*more\.csv, column "id": cannot read "abc" as BIGINT/);

    const skipped = await strata(['table', 'append', table, typed, '--bad-rows', 'skip']);
    expect(skipped).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /^appended 1 row in 1 file to .* \(version 1\)\nskipped 1 bad line \(first: line 3, column "id": cannot read "abc" as BIGINT\)\n$/,
      ),
    });

    const rejects = path.join(dir, 'rejects.jsonl');
    const elsewhere = await strata(['table', 'append', table, typed, '--rejects', rejects]);
    expect(elsewhere).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`quarantined 1 bad line to ${rejects}`),
    });
    expect(JSON.parse(readFileSync(rejects, 'utf8'))).toMatchObject({ line: 3, column: 'id', value: 'abc' });

    const usage = await strata(['table', 'append', table, typed, '--bad-rows', 'skip', '--rejects', rejects]);
    expect(usage).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--rejects only applies with --bad-rows quarantine/),
    });
    // Version 0 (create), 1 (skip), 2 (quarantine): the refused append and the usage error committed nothing.
    const history = await strata(['table', 'history', table]);
    expect(history.stdout.match(/^\s+\d+ /gm)?.map((v) => Number(v))).toEqual([2, 1, 0]);
  });
});
