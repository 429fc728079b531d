import { describe, expect, it } from 'vitest';
import { compileTableQuery, tableQuery } from '../../engine/index.js';
import { orderByNodes, sqlLiteral, whereNode, whereSql } from './filter-sql.js';
import type { TableModel } from './table-models.js';

const model = {
  name: 'T',
  catalogName: 't',
  columns: [
    { field: 'id', column: 'id', type: { sqlType: 'BIGINT' } },
    { field: 'name', column: 'Na me', type: { sqlType: 'VARCHAR' } },
  ],
} as unknown as TableModel;

// The text is part of GraphQL's cache keys (ETags): it must stay byte-identical across versions.
describe('GraphQL where and order_by as table query nodes', () => {
  it('writes the where text the cache keys were made of', () => {
    const where = {
      id: { _gt: 2, _is_null: false },
      _or: [{ name: { _ilike: 'a%' } }, { id: { _in: [1, null] } }],
      _and: [],
      _not: { name: { _nin: [] } },
    };
    expect(whereSql(model, where)).toBe(
      `"id" > CAST('2' AS BIGINT) AND "id" IS NOT NULL AND (("Na me" ILIKE 'a%') OR ("id" IN (CAST('1' AS BIGINT), CAST(NULL AS BIGINT)))) AND TRUE AND NOT (TRUE)`,
    );
    expect(whereSql(model, undefined)).toBe('TRUE');
    expect(whereNode(model, {})).toEqual({ kind: 'constant', value: true });
  });

  it('refuses unknown fields, null comparisons and unknown operators', () => {
    expect(() => whereSql(model, { zz: { _eq: 1 } })).toThrow(/no column "zz"/);
    expect(() => whereSql(model, { id: { _eq: null } })).toThrow(/use _is_null/);
    expect(() => whereSql(model, { id: { _foo: 1 } })).toThrow(/Unknown comparison operator _foo/);
  });

  it('orders with the given nulls placement, and ASC for an unknown direction', () => {
    const orderBy = orderByNodes(model, [{ id: 'desc_nulls_first', name: 'weird' }, { id: 'asc' }]);
    expect(compileTableQuery(tableQuery({ kind: 'table', name: 'main.t', sql: 't' }, { orderBy }))).toBe(
      'SELECT * FROM t ORDER BY "id" DESC NULLS FIRST, "Na me" ASC, "id" ASC',
    );
  });

  it('writes typed literals and typed NULLs', () => {
    expect(sqlLiteral(model.columns[0]!, { a: 1 })).toBe(`CAST('{"a":1}' AS BIGINT)`);
    expect(sqlLiteral(model.columns[0]!, undefined)).toBe('CAST(NULL AS BIGINT)');
  });
});
