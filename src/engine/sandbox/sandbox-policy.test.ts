import { describe, expect, it } from 'vitest';
import { withConnection } from '../../lake/index.js';
import { SandboxViolationError } from '../errors.js';
import { checkSandboxedSql } from './sandbox-policy.js';

const check = (sql: string) => withConnection((c) => checkSandboxedSql(c, sql));

describe('sandbox policy', () => {
  it('allows queries over names, CTEs, subqueries and pure table functions', async () => {
    for (const sql of [
      'SELECT 1',
      'VALUES (1), (2)',
      'FROM sales',
      'WITH t AS (SELECT * FROM sales) SELECT * FROM t JOIN range(3) r ON true',
      `SELECT * FROM unnest([1, 2]), table_changes('sales', 1)`,
      `SELECT 'read_csv(''/etc/passwd'')' -- glob('/')`,
      'SELECT',
    ])
      await expect(check(sql), sql).resolves.toBeUndefined();
  });

  it('refuses other statements, file readers, files as tables and other databases', async () => {
    for (const [sql, refused] of [
      ["ATTACH 'x.db'", 'ATTACH'],
      ['SET threads = 1', 'SET'],
      ['CREATE SECRET s (TYPE s3)', 'CREATE SECRET'],
      ["COPY t TO 'x'", 'COPY'],
      [`SELECT * FROM read_json_auto('x')`, 'read_json_auto'],
      [`SELECT * FROM parquet_metadata('x')`, 'parquet_metadata'],
      [`SELECT * FROM 'data.csv'`, 'file'],
      ['SELECT * FROM other.main.t', 'database'],
      [`SELECT * FROM delta_scan('/x')`, 'delta_scan'],
      ['SUMMARIZE sales', 'SHOW'],
      [`SELECT * FROM (SELECT 1) t, LATERAL read_blob('/etc/' || 'passwd')`, 'read_blob'],
    ] as const) {
      await expect(check(sql), sql).rejects.toSatisfy(
        (e) => e instanceof SandboxViolationError && e.details.refused === refused,
      );
    }
  });
});
