import { describe, expect, it } from 'vitest';
import { UnsupportedStatementError } from '../errors.js';
import { parseStatement, splitStatements } from './statement-parser.js';

describe('statement parser', () => {
  it('splits scripts at top-level semicolons only', () => {
    expect(splitStatements("SELECT ';'; -- a; comment\nDELETE FROM t WHERE s = 'x;y';  ;")).toEqual([
      "SELECT ';'",
      "-- a; comment\nDELETE FROM t WHERE s = 'x;y'",
    ]);
  });

  it('parses CREATE TABLE with columns, partitioning and properties, and CTAS', () => {
    expect(
      parseStatement(`CREATE TABLE IF NOT EXISTS sales.orders (id BIGINT NOT NULL, day DATE, amount DECIMAL(10,2))
      PARTITIONED BY (day) TBLPROPERTIES ('delta.enableDeletionVectors' = 'true', 'delta.appendOnly' = false)`),
    ).toEqual({
      kind: 'createTable',
      name: { schema: 'sales', table: 'orders' },
      ifNotExists: true,
      orReplace: false,
      columns: 'id BIGINT NOT NULL, day DATE, amount DECIMAL(10,2)',
      partitionedBy: ['day'],
      properties: { 'delta.enableDeletionVectors': 'true', 'delta.appendOnly': 'false' },
    });
    expect(parseStatement('CREATE TABLE t PARTITIONED BY (p) AS SELECT 1 AS id, 2 AS p')).toMatchObject({
      kind: 'createTable',
      name: { table: 't' },
      partitionedBy: ['p'],
      asQuery: 'SELECT 1 AS id, 2 AS p',
    });
    expect(parseStatement('CREATE SCHEMA IF NOT EXISTS analytics')).toEqual({
      kind: 'createSchema',
      schema: 'analytics',
      ifNotExists: true,
    });
    expect(parseStatement('CREATE VIEW v AS SELECT 1')).toMatchObject({ kind: 'query' });
  });

  it('parses ALTER TABLE, DROP TABLE and DESCRIBE forms', () => {
    expect(parseStatement('ALTER TABLE t ADD CONSTRAINT positive CHECK (amount > 0 AND (id IS NOT NULL))')).toEqual({
      kind: 'addConstraint',
      name: { table: 't' },
      constraint: 'positive',
      check: 'amount > 0 AND (id IS NOT NULL)',
    });
    expect(parseStatement('ALTER TABLE t ADD COLUMN note VARCHAR')).toEqual({
      kind: 'addColumns',
      name: { table: 't' },
      columns: 'note VARCHAR',
    });
    expect(parseStatement('ALTER TABLE t ADD COLUMNS (a INT, b VARCHAR)')).toEqual({
      kind: 'addColumns',
      name: { table: 't' },
      columns: 'a INT, b VARCHAR',
    });
    expect(parseStatement("ALTER TABLE t SET TBLPROPERTIES ('delta.checkpointInterval' = '5')")).toMatchObject({
      kind: 'setProperties',
      properties: { 'delta.checkpointInterval': '5' },
    });
    expect(parseStatement('DROP TABLE IF EXISTS "My Table" PURGE')).toEqual({
      kind: 'dropTable',
      name: { table: 'My Table' },
      ifExists: true,
      purge: true,
    });
    expect(parseStatement('DESCRIBE HISTORY t LIMIT 5')).toEqual({
      kind: 'describeHistory',
      name: { table: 't' },
      limit: 5,
    });
    expect(parseStatement('DESCRIBE main.t')).toEqual({ kind: 'describeTable', name: { schema: 'main', table: 't' } });
    expect(parseStatement('DESCRIBE SELECT 1')).toMatchObject({ kind: 'query' });
    expect(parseStatement('SHOW TABLES IN analytics')).toEqual({ kind: 'showTables', schema: 'analytics' });
  });

  it('parses INSERT, DELETE and UPDATE, keeping expressions as text', () => {
    expect(parseStatement('INSERT INTO t (a, b) SELECT x, y FROM s')).toEqual({
      kind: 'insert',
      name: { table: 't' },
      columns: ['a', 'b'],
      query: 'SELECT x, y FROM s',
      overwrite: false,
    });
    expect(parseStatement("INSERT INTO t VALUES (1, 'a,b'), (2, 'c')")).toEqual({
      kind: 'insert',
      name: { table: 't' },
      query: "VALUES (1, 'a,b'), (2, 'c')",
      overwrite: false,
    });
    expect(parseStatement('INSERT OVERWRITE TABLE t SELECT 1')).toMatchObject({
      kind: 'insert',
      overwrite: true,
      query: 'SELECT 1',
    });
    expect(parseStatement('DELETE FROM t AS x WHERE x.id IN (SELECT id FROM gone)')).toEqual({
      kind: 'delete',
      name: { table: 't' },
      alias: 'x',
      where: 'x.id IN (SELECT id FROM gone)',
    });
    expect(parseStatement('DELETE FROM t')).toEqual({ kind: 'delete', name: { table: 't' } });
    expect(parseStatement("UPDATE t SET a = a + 1, b = concat(b, ',x') WHERE id = 3")).toEqual({
      kind: 'update',
      name: { table: 't' },
      set: [
        ['a', 'a + 1'],
        ['b', "concat(b, ',x')"],
      ],
      where: 'id = 3',
    });
  });

  it('parses MERGE with every clause kind', () => {
    const statement = parseStatement(`MERGE INTO target t USING (SELECT * FROM updates) AS s ON t.id = s.id
      WHEN MATCHED AND s.deleted THEN DELETE
      WHEN MATCHED THEN UPDATE SET value = s.value, seen = true
      WHEN NOT MATCHED AND s.value > 0 THEN INSERT (id, value) VALUES (s.id, s.value)
      WHEN NOT MATCHED BY SOURCE THEN UPDATE SET stale = true`);
    expect(statement).toEqual({
      kind: 'merge',
      target: { table: 'target' },
      targetAlias: 't',
      source: '(SELECT * FROM updates)',
      sourceAlias: 's',
      on: 't.id = s.id',
      clauses: [
        { when: 'matched', condition: 's.deleted', action: { kind: 'delete' } },
        {
          when: 'matched',
          action: {
            kind: 'update',
            set: [
              ['value', 's.value'],
              ['seen', 'true'],
            ],
          },
        },
        {
          when: 'notMatched',
          condition: 's.value > 0',
          action: { kind: 'insert', columns: ['id', 'value'], values: ['s.id', 's.value'] },
        },
        { when: 'notMatchedBySource', action: { kind: 'update', set: [['stale', 'true']] } },
      ],
    });
    expect(
      parseStatement(
        'MERGE INTO t USING src ON t.k = src.k WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *',
      ),
    ).toMatchObject({
      source: 'src',
      clauses: [{ action: { kind: 'update', set: '*' } }, { action: { kind: 'insert', values: '*' } }],
    });
  });

  it('parses maintenance statements', () => {
    expect(parseStatement("OPTIMIZE t WHERE day >= '2026-01-01' ZORDER BY (a, b)")).toEqual({
      kind: 'optimize',
      name: { table: 't' },
      where: "day >= '2026-01-01'",
      zorderBy: ['a', 'b'],
    });
    expect(parseStatement('VACUUM t RETAIN 200 HOURS DRY RUN')).toEqual({
      kind: 'vacuum',
      name: { table: 't' },
      retainHours: 200,
      dryRun: true,
    });
    expect(parseStatement('RESTORE TABLE t TO VERSION AS OF 3')).toEqual({
      kind: 'restore',
      name: { table: 't' },
      version: 3,
    });
    expect(parseStatement("RESTORE t TO TIMESTAMP AS OF '2026-01-01'")).toEqual({
      kind: 'restore',
      name: { table: 't' },
      timestamp: '2026-01-01',
    });
  });

  it('leaves queries to DuckDB and refuses malformed statements with a typed error', () => {
    expect(parseStatement('WITH x AS (SELECT 1) SELECT * FROM x')).toMatchObject({ kind: 'query', explain: false });
    expect(parseStatement('EXPLAIN SELECT 1')).toMatchObject({ kind: 'query', explain: true });
    expect(() => parseStatement('DELETE FROM t WHERE')).toThrow(UnsupportedStatementError);
    expect(() => parseStatement('MERGE INTO t USING s ON a = b')).toThrow(/at least one WHEN/);
    expect(() => parseStatement('OPTIMIZE t ZORDER BY (a) extra')).toThrow(/unexpected "extra"/);
  });
});
