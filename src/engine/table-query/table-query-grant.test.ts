import { describe, expect, it } from 'vitest';
import { UnknownColumnError } from '../errors.js';
import { compileTableQuery } from './table-query-compiler.js';
import { applyGrant } from './table-query-grant.js';
import { column, tableQuery, value, type TableQuery } from './table-query-nodes.js';

const from = { kind: 'table', name: 'main.t', sql: '"t"' } as const;
const orQuery = tableQuery(from, {
  select: [{ expression: column('a'), alias: null }],
  where: {
    kind: 'or',
    items: [
      { kind: 'comparison', left: column('a'), op: '=', right: value(1) },
      { kind: 'is_null', operand: column('b'), negated: false },
    ],
  },
});

describe('applyGrant', () => {
  it('ANDs the row filter in parentheses so an OR in the query cannot capture it', () => {
    const granted = applyGrant(orQuery, { columns: null, rowFilter: "region = 'eu' OR true" });
    expect(compileTableQuery(granted)).toBe(
      `SELECT "a" FROM "t" WHERE ("a" = 1 OR "b" IS NULL) AND (region = 'eu' OR true)`,
    );
  });

  it('projects * onto the granted columns and leaves an unrestricted query unchanged', () => {
    const all = tableQuery(from);
    expect(compileTableQuery(applyGrant(all, { columns: ['a', 'b'], rowFilter: 'x' }))).toBe(
      'SELECT "a", "b" FROM "t" WHERE (x)',
    );
    expect(applyGrant(all, { columns: null, rowFilter: null })).toEqual(all);
  });

  it('refuses a column outside the grant wherever it appears', () => {
    expect(() => applyGrant(orQuery, { columns: ['a'], rowFilter: null })).toThrow(UnknownColumnError);
    const ordered: TableQuery = {
      ...tableQuery(from),
      orderBy: [{ expression: column('c'), direction: null, nulls: null }],
    };
    expect(() => applyGrant(ordered, { columns: ['a'], rowFilter: null })).toThrow(/Unknown column "c"/);
    expect(() => applyGrant(orQuery, { columns: ['a', 'b'], rowFilter: null })).not.toThrow();
  });

  it('applies inside a subquery (the grouped read), not to the outer select', () => {
    const outer = tableQuery({ kind: 'subquery', query: orQuery, alias: 'q' });
    expect(compileTableQuery(applyGrant(outer, { columns: null, rowFilter: 'k > 0' }))).toBe(
      `SELECT * FROM (SELECT "a" FROM "t" WHERE ("a" = 1 OR "b" IS NULL) AND (k > 0)) AS q`,
    );
  });

  it('does not change the query it was given', () => {
    const before = JSON.stringify(orQuery);
    applyGrant(orQuery, { columns: ['a', 'b'], rowFilter: 'k' });
    expect(JSON.stringify(orQuery)).toBe(before);
  });
});
