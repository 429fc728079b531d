import { describe, expect, it } from 'vitest';
import { compileTableQuery, compileWhere, tableFrom } from '../../engine/index.js';
import { compileRowQuery } from './row-query-compiler.js';
import { encodeCursor } from './row-query-cursor.js';
import { parseRowQuery } from './row-query-parser.js';
import { checkLiterals } from './row-query-values.js';

const COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'region', type: 'VARCHAR' },
  { name: 'amount', type: 'DOUBLE' },
  { name: 'day', type: 'DATE' },
  { name: 'ok', type: 'BOOLEAN' },
];
const FROM_SQL = '"main"."sales"';
const FROM = tableFrom('main.sales', FROM_SQL);

const compile = (parameters: Record<string, string>, limit = 100) => {
  const compiled = compileRowQuery(parseRowQuery(parameters), COLUMNS, FROM, limit);
  return { ...compiled, sql: compileTableQuery(compiled.query) };
};

describe('compileRowQuery', () => {
  it('returns the structured query, whose where is the filter text once (for data skipping)', () => {
    const compiled = compile({ id: 'gte.5', or: '(region.eq.EU,ok.is.true)' });
    expect(compiled.query.from).toEqual(FROM);
    const where = compileWhere(compiled.query.where!);
    expect(where).toBe(`("id" >= CAST('5' AS BIGINT)) AND (("region" = 'EU') OR ("ok" IS TRUE))`);
    expect(compiled.sql).toContain(` WHERE ${where} LIMIT 100`);
  });

  it('compiles a plain query with typed, quoted values', () => {
    const compiled = compile(
      { select: 'id,r:region', id: 'gte.5', region: "in.(EU,o'x)", order: 'id.desc', offset: '3' },
      10,
    );
    expect(compiled.sql).toBe(
      `SELECT "id", "region" AS "r" FROM ${FROM_SQL} WHERE ("id" >= CAST('5' AS BIGINT)) AND ("region" IN ('EU', 'o''x')) ORDER BY "id" DESC NULLS FIRST LIMIT 10 OFFSET 3`,
    );
    expect(compiled.literals).toEqual([{ column: 'id', type: 'BIGINT', value: '5' }]);
    expect(compiled.cursorColumns).toEqual([0]);
  });

  it('compiles like, is and negation', () => {
    const { sql } = compile({
      region: 'like.E*',
      day: 'not.is.null',
      ok: 'is.true',
      or: '(amount.lt.1,region.ilike.*x*)',
    });
    expect(sql).toContain(`(CAST("region" AS VARCHAR) LIKE 'E%')`);
    expect(sql).toContain('(NOT ("day" IS NULL))');
    expect(sql).toContain('("ok" IS TRUE)');
    expect(sql).toContain(`(("amount" < CAST('1' AS DOUBLE)) OR (CAST("region" AS VARCHAR) ILIKE '%x%'))`);
  });

  it('groups by plain columns when aggregating', () => {
    const { sql } = compile({ select: 'region,total:amount.sum(),count()', order: 'total.desc' });
    expect(sql).toBe(
      `SELECT * FROM (SELECT "region", sum("amount") AS "total", count(*) AS "count" FROM ${FROM_SQL} GROUP BY "region") AS q ORDER BY q."total" DESC NULLS FIRST LIMIT 100`,
    );
  });

  it('adds the keyset condition after a cursor', () => {
    const order = parseRowQuery({ order: 'region,id' }).order;
    const { sql } = compile({ order: 'region,id', after: encodeCursor(order, ['EU', 7]) });
    expect(sql).toContain(
      `WHERE ((("region" > 'EU' OR "region" IS NULL)) OR ("region" = 'EU' AND ("id" > CAST(7 AS BIGINT) OR "id" IS NULL)))`,
    );
    expect(() => compile({ order: 'id', after: encodeCursor(order, ['EU', 7]) })).toThrow(/made for order/);
    expect(() => compile({ after: 'abc' })).toThrow(/needs an order/);
  });

  it('refuses unknown columns, bad aggregates and duplicate names', () => {
    expect(() => compile({ nope: 'eq.1' })).toThrow(/Unknown column "nope"/);
    expect(() => compile({ select: 'nope' })).toThrow(/Unknown column/);
    expect(() => compile({ order: 'nope' })).toThrow(/Unknown column/);
    expect(() => compile({ select: 'region.sum()' })).toThrow(/numeric column/);
    expect(() => compile({ select: 'amount.sum(),id.sum()' })).toThrow(/alias/);
    expect(() => compile({ select: 'region,count()', order: 'id' })).toThrow(/output names/);
    expect(() => compile({ id: 'is.true' })).toThrow(/BOOLEAN/);
  });
});

describe('checkLiterals', () => {
  it('names the column and type of a value that does not cast', async () => {
    await expect(
      checkLiterals([
        { column: 'id', type: 'BIGINT', value: '5' },
        { column: 'day', type: 'DATE', value: '2024-01-02' },
      ]),
    ).resolves.toBeUndefined();
    await expect(checkLiterals([{ column: 'id', type: 'BIGINT', value: 'abc' }])).rejects.toThrow(
      /"abc" for column "id" is not a valid BIGINT/,
    );
  });
});
