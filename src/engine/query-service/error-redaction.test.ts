import { describe, expect, it } from 'vitest';
import { SqlExecutionError } from '../errors.js';
import { redactPaths, redactSqlError } from './error-redaction.js';

const tables = [
  { name: 'main.sales', location: '/srv/wh/lake/main/sales' },
  { name: 'ext.events', location: 's3://bucket/events' },
];

describe('redactPaths', () => {
  it('names tables where their locations, files or scan calls were, and hides other paths', () => {
    // Padded to the call's length: DuckDB's caret below the echo still points at the right column.
    const call = "delta_scan('/srv/wh/lake/main/sales')";
    expect(redactPaths(`FROM ${call} x`, tables)).toBe(`FROM ${'main.sales'.padEnd(call.length)} x`);
    expect(redactPaths('reading file:///srv/wh/lake/main/sales/part-1.parquet failed', tables)).toBe(
      'reading main.sales failed',
    );
    expect(redactPaths("s3://bucket/events/a.parquet and read_parquet('/etc/x.parquet')", tables)).toBe(
      'ext.events and <table>',
    );
    expect(redactPaths('under /srv/wh/lake and s3://other/x, DATE -> INTEGER, 1/2', tables)).toBe(
      'under <path> and <path>, DATE -> INTEGER, 1/2',
    );
  });
});

describe('redactSqlError', () => {
  it('keeps the code and category, drops the statement echo when asked, and keeps the original as cause', () => {
    const original = new SqlExecutionError(
      "Binder Error: no column x\n\nLINE 1: SELECT x FROM (SELECT a FROM delta_scan('/srv/wh/lake/main/sales') WHERE b = 1)\n          ^",
      { tables: ['/srv/wh/lake/main/sales'] },
    );
    const shown = redactSqlError(original, { tables, hideStatementEcho: true }) as SqlExecutionError;
    expect(shown.message).toBe('[ENGINE_SQL] Binder Error: no column x');
    expect(shown).toMatchObject({ code: 'ENGINE_SQL', category: 'invalid', details: { tables: ['main.sales'] } });
    expect(shown.cause).toBe(original);
    expect(shown).toBeInstanceOf(SqlExecutionError);
    expect(shown.stack).not.toContain('/srv');
    const plain = new SqlExecutionError('Binder Error: no column x', {});
    expect(redactSqlError(plain, { tables, hideStatementEcho: true })).toBe(plain);
  });
});
