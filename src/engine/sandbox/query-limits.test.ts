import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { SqlExecutionError } from '../errors.js';
import { guardMacros, limitFailure, refuseQualifiedGuardedCalls } from './query-limits.js';

describe('value-size guards', () => {
  it('refuse a guarded function reached by a schema or as a method, and nothing else', () => {
    for (const sql of [
      `SELECT system.main.repeat('x', 3)`,
      `SELECT main.lpad('x', 3, ' ')`,
      `SELECT s."rpad"(3, ' ') FROM t`,
      `SELECT x.list_resize(3) FROM t`,
    ])
      expect(() => refuseQualifiedGuardedCalls(sql), sql).toThrow(expect.objectContaining({ code: 'ENGINE_SANDBOX' }));
    for (const sql of [
      `SELECT repeat('x', 3), "lpad"('x', 3, ' ')`,
      `SELECT t.repeat FROM t`,
      `SELECT 'system.main.repeat(''x'', 3)' AS text -- main.repeat(`,
    ])
      expect(() => refuseQualifiedGuardedCalls(sql), sql).not.toThrow();
  });

  it('shadow the built-ins: small values as before, large ones refused with their size', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      for (const macro of guardMacros(1000)) await connection.run(macro);
      const ok = await connection.runAndReadAll(
        `SELECT repeat('ab', 3) AS r, repeat([1], 2) AS l, lpad('7', 3, '0') AS p, rpad('7', 3, '0') AS q, list_resize([1], 2) AS z, repeat(NULL, 2) AS n`,
      );
      expect(ok.getRowObjectsJson()[0]).toEqual({ r: 'ababab', l: [1, 1], p: '007', q: '700', z: [1, null], n: null });
      const failure = await connection.run(`SELECT repeat('ab', 2000000000)`).catch((e: unknown) => e);
      const typed = limitFailure(new SqlExecutionError('wrapped', {}, { cause: failure }));
      expect(typed).toMatchObject({
        code: 'ENGINE_VALUE_TOO_LARGE',
        details: { function: 'repeat', size: 4_000_000_000, maxValueBytes: 1000 },
      });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('leave other failures alone', () => {
    expect(limitFailure(new Error('Binder Error: no such column'))).toBeUndefined();
    expect(limitFailure('text')).toBeUndefined();
    expect(limitFailure(new Error('Out of Memory Error: failed to allocate'))).toMatchObject({
      code: 'ENGINE_QUERY_MEMORY_LIMIT',
    });
  });
});
