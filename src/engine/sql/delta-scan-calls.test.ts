import { describe, expect, it } from 'vitest';
import { findDeltaScanCalls } from './delta-scan-calls.js';
import { DeltaScanArgumentError } from '../errors.js';

describe('findDeltaScanCalls', () => {
  it('finds every call with its options and offsets', () => {
    const sql =
      "SELECT * FROM delta_scan('a') JOIN DELTA_SCAN ( 's3://b/t' , version => 2 ) USING (id), delta_scan('a', timestamp := '2026-01-01')";
    const calls = findDeltaScanCalls(sql);
    expect(calls.map(({ path, version, timestamp }) => ({ path, version, timestamp }))).toEqual([
      { path: 'a', version: undefined, timestamp: undefined },
      { path: 's3://b/t', version: 2, timestamp: undefined },
      { path: 'a', version: undefined, timestamp: '2026-01-01' },
    ]);
    expect(calls.map((c) => sql.slice(c.start, c.end))).toEqual([
      "delta_scan('a')",
      "DELTA_SCAN ( 's3://b/t' , version => 2 )",
      "delta_scan('a', timestamp := '2026-01-01')",
    ]);
  });

  it('ignores delta_scan inside literals, quoted identifiers and comments, and names that are not calls', () => {
    const sql = `SELECT 'delta_scan(''x'')', "delta_scan('y')", delta_scan, t.delta_scan('z') -- delta_scan('c')
      /* delta_scan('d') */ FROM t`;
    expect(findDeltaScanCalls(sql)).toEqual([]);
  });

  it('accepts typed timestamps, epoch milliseconds, quoted versions and escaped paths', () => {
    const [a, b, c] = findDeltaScanCalls(
      "delta_scan('it''s', timestamp => TIMESTAMP '2026-01-02 03:04:05') + delta_scan('x', timestamp => 1700000000000) + delta_scan('y', VERSION = '7')",
    );
    expect(a).toMatchObject({ path: "it's", timestamp: '2026-01-02 03:04:05' });
    expect(b).toMatchObject({ path: 'x', timestamp: 1700000000000 });
    expect(c).toMatchObject({ path: 'y', version: 7 });
  });

  it.each([
    ["delta_scan('t', versoin => 1)", /unknown option "versoin" for table t/],
    ["delta_scan('t', version => -1)", /version must be a non-negative integer for table t, not -1/],
    ["delta_scan('t', version => 1.5)", /version must be a non-negative integer/],
    ["delta_scan('t', version => 'latest')", /not latest/],
    ["delta_scan('t', timestamp => now())", /timestamp must be a string/],
    ["delta_scan('t', version => 1, timestamp => '2026-01-01')", /not both/],
    ["delta_scan('t', version => 1, version => 2)", /given twice/],
    ["delta_scan('t', 3)", /expected a named option/],
    ['delta_scan(t)', /first argument must be the table's path/],
    ['delta_scan()', /first argument/],
    ["delta_scan('')", /path is empty/],
    ["delta_scan('t'", /no closing parenthesis/],
  ])('rejects %s', (sql, message) => {
    expect(() => findDeltaScanCalls(`SELECT * FROM ${sql}`)).toThrow(DeltaScanArgumentError);
    expect(() => findDeltaScanCalls(`SELECT * FROM ${sql}`)).toThrow(message);
  });
});
