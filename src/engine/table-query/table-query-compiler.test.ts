import { describe, expect, it } from 'vitest';
import { withConnection } from '../../lake/index.js';
import { compileTableQuery, compileWhere } from './table-query-compiler.js';
import { keysetAfter } from './table-query-keyset.js';
import { andAll, column, constant, parens, tableQuery, value, type WhereNode } from './table-query-nodes.js';

const from = { kind: 'table', name: 'main.t', sql: '"t"' } as const;

describe('compileTableQuery', () => {
  it('writes every clause in order, quoting names and values', () => {
    const sql = compileTableQuery(
      tableQuery(from, {
        select: [
          { expression: column('a b'), alias: null },
          { expression: { kind: 'aggregate', fn: 'count', operand: null }, alias: 'n' },
        ],
        where: { kind: 'comparison', left: column('x'), op: '>=', right: value("it's", 'BIGINT') },
        groupBy: [column('a b')],
        orderBy: [{ expression: column('a b'), direction: 'desc', nulls: 'first' }],
        limit: 10,
        offset: 5,
      }),
    );
    expect(sql).toBe(
      `SELECT "a b", count(*) AS "n" FROM "t" WHERE "x" >= CAST('it''s' AS BIGINT) GROUP BY "a b" ORDER BY "a b" DESC NULLS FIRST LIMIT 10 OFFSET 5`,
    );
  });

  it('selects * with no clauses, and omits a zero offset', () => {
    expect(compileTableQuery(tableQuery(from, { offset: 0 }))).toBe('SELECT * FROM "t"');
  });

  it('nests a subquery under its alias', () => {
    const inner = tableQuery(from, { select: [{ expression: column('a'), alias: null }] });
    const outer = tableQuery(
      { kind: 'subquery', query: inner, alias: 'q' },
      {
        orderBy: [{ expression: column('a', 'q'), direction: null, nulls: null }],
      },
    );
    expect(compileTableQuery(outer)).toBe('SELECT * FROM (SELECT "a" FROM "t") AS q ORDER BY q."a"');
  });
});

describe('compileWhere', () => {
  const x = column('x');
  const cases: Array<[WhereNode, string]> = [
    [
      { kind: 'in', operand: x, values: [value(1), value('b'), value(null, 'INTEGER')], negated: true },
      `"x" NOT IN (1, 'b', CAST(NULL AS INTEGER))`,
    ],
    [{ kind: 'is_null', operand: x, negated: false }, '"x" IS NULL'],
    [{ kind: 'is_boolean', operand: x, value: false }, '"x" IS FALSE'],
    [
      {
        kind: 'like',
        operand: { kind: 'cast', operand: x, type: 'VARCHAR' },
        pattern: value('a%'),
        caseInsensitive: true,
      },
      `CAST("x" AS VARCHAR) ILIKE 'a%'`,
    ],
    [{ kind: 'not', operand: parens(constant(true)) }, 'NOT (TRUE)'],
    [{ kind: 'or', items: [] }, 'FALSE'],
    [{ kind: 'and', items: [] }, 'TRUE'],
    [andAll([null, { kind: 'raw', sql: 'a = 1' }, constant(false)])!, 'a = 1 AND FALSE'],
  ];
  it.each(cases)('%j', (node, sql) => expect(compileWhere(node)).toBe(sql));

  it('andAll of nothing is null and of one is the item', () => {
    expect(andAll([null])).toBeNull();
    expect(andAll([constant(true)])).toEqual(constant(true));
  });
});

describe('keysetAfter', () => {
  const terms = [
    { expression: column('a'), direction: 'asc', nulls: 'last', type: 'BIGINT' },
    { expression: column('b'), direction: 'desc', nulls: 'first', type: 'VARCHAR' },
  ] as const;

  it('is an OR of prefixes equal and one term after', () => {
    expect(compileWhere(keysetAfter(terms, [3, 'x']))).toBe(
      `((("a" > CAST(3 AS BIGINT) OR "a" IS NULL)) OR ("a" = CAST(3 AS BIGINT) AND "b" < 'x'))`,
    );
    expect(compileWhere(keysetAfter(terms, [null, null]))).toBe(`((FALSE) OR ("a" IS NULL AND "b" IS NOT NULL))`);
  });

  it('selects exactly the rows after the cursor in DuckDB', async () => {
    const rows = `(VALUES (1,'b'),(1,'a'),(2,'z'),(NULL,'q'),(NULL,NULL),(1,NULL)) AS t(a,b)`;
    const order = `ORDER BY a ASC NULLS LAST, b DESC NULLS FIRST`;
    await withConnection(async (c) => {
      const all = (await c.runAndReadAll(`SELECT a, b FROM ${rows} ${order}`)).getRows();
      for (let i = 0; i < all.length; i++) {
        const [a, b] = all[i]! as [number | null, string | null];
        const where = compileWhere(keysetAfter(terms, [a === null ? null : Number(a), b]));
        const after = (await c.runAndReadAll(`SELECT a, b FROM ${rows} WHERE ${where} ${order}`)).getRows();
        expect(after).toEqual(all.slice(i + 1));
      }
    });
  });
});
