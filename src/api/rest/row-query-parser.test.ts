import { describe, expect, it } from 'vitest';
import { parseRowQuery, normalizedParameters } from './row-query-parser.js';
import { parseColumnFilter, parseLogicalFilter } from './row-query-filters.js';
import { parseOrder, parseSelect } from './row-query-select.js';

describe('filters', () => {
  it('parses each operator, with not.', () => {
    expect(parseColumnFilter('id', 'eq.5')).toEqual({
      kind: 'compare',
      column: 'id',
      op: 'eq',
      value: '5',
      negated: false,
    });
    for (const op of ['neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike']) {
      expect(parseColumnFilter('a', `${op}.x.y`)).toMatchObject({ op, value: 'x.y' });
    }
    expect(parseColumnFilter('a', 'not.eq.1')).toMatchObject({ op: 'eq', negated: true });
    expect(parseColumnFilter('a', 'is.NULL')).toEqual({ kind: 'is', column: 'a', value: 'null', negated: false });
    expect(parseColumnFilter('a', 'not.is.null')).toMatchObject({ kind: 'is', negated: true });
  });

  it('parses in-lists with quoted values', () => {
    expect(parseColumnFilter('r', 'in.(EU,"a,b","q\\"x")')).toEqual({
      kind: 'in',
      column: 'r',
      values: ['EU', 'a,b', 'q"x'],
      negated: false,
    });
    expect(parseColumnFilter('r', 'in.()')).toMatchObject({ values: [] });
  });

  it('parses nested or/and groups', () => {
    const group = parseLogicalFilter('or', '(id.eq.1,and(region.eq.EU,amount.gt.5),id.in.(7,8),not.and(id.is.null))');
    expect(group).toMatchObject({ kind: 'group', join: 'or', negated: false });
    if (group.kind !== 'group') throw new Error('not a group');
    expect(group.conditions).toEqual([
      { kind: 'compare', column: 'id', op: 'eq', value: '1', negated: false },
      {
        kind: 'group',
        join: 'and',
        negated: false,
        conditions: [
          { kind: 'compare', column: 'region', op: 'eq', value: 'EU', negated: false },
          { kind: 'compare', column: 'amount', op: 'gt', value: '5', negated: false },
        ],
      },
      { kind: 'in', column: 'id', values: ['7', '8'], negated: false },
      {
        kind: 'group',
        join: 'and',
        negated: true,
        conditions: [{ kind: 'is', column: 'id', value: 'null', negated: false }],
      },
    ]);
    expect(parseLogicalFilter('not.and', '(a.eq.1)')).toMatchObject({ join: 'and', negated: true });
  });

  it('rejects malformed filters', () => {
    for (const text of ['5', 'equals.5', 'is.maybe', 'in.(1,2', 'in.1,2'])
      expect(() => parseColumnFilter('a', text)).toThrow(/API_BAD_REQUEST/);
    for (const text of ['a.eq.1', '(a.eq.1', '(a.eq.1))', '(a)', '(a.zz.1)'])
      expect(() => parseLogicalFilter('or', text)).toThrow(/Malformed filter/);
  });
});

describe('select and order', () => {
  it('parses columns, aliases and aggregates', () => {
    expect(parseSelect('*')).toBeNull();
    expect(parseSelect('region,total:amount.sum(),count(),n:id.count()')).toEqual([
      { kind: 'column', column: 'region', alias: null },
      { kind: 'aggregate', fn: 'sum', column: 'amount', alias: 'total' },
      { kind: 'aggregate', fn: 'count', column: null, alias: null },
      { kind: 'aggregate', fn: 'count', column: 'id', alias: 'n' },
    ]);
    expect(() => parseSelect('amount.median()')).toThrow(/unknown aggregate/);
    expect(() => parseSelect('a,,b')).toThrow(/empty item/);
  });

  it('parses order terms with PostgreSQL null defaults', () => {
    expect(parseOrder('a,b.desc,c.asc.nullsfirst,d.nullslast')).toEqual([
      { name: 'a', direction: 'asc', nulls: 'last' },
      { name: 'b', direction: 'desc', nulls: 'first' },
      { name: 'c', direction: 'asc', nulls: 'first' },
      { name: 'd', direction: 'asc', nulls: 'last' },
    ]);
    expect(() => parseOrder('a(')).toThrow(/Malformed order/);
  });
});

describe('parseRowQuery', () => {
  it('separates reserved parameters from filters', () => {
    const query = parseRowQuery({
      select: 'id',
      order: 'id.desc',
      limit: '10',
      offset: '5',
      at_version: '2',
      id: ['gt.1', 'lt.9'],
      or: '(a.eq.1,b.eq.2)',
    });
    expect(query).toMatchObject({ limit: 10, offset: 5, atVersion: 2, after: null, all: false });
    expect(query.where).toHaveLength(3);
  });

  it('rejects bad numbers and repeated single parameters', () => {
    expect(() => parseRowQuery({ limit: '-1' })).toThrow(/non-negative integer/);
    expect(() => parseRowQuery({ offset: 'x' })).toThrow(/non-negative integer/);
    expect(() => parseRowQuery({ limit: ['1', '2'] })).toThrow(/given 2 times/);
    expect(() => parseRowQuery({ all: 'yes' })).toThrow(/true or false/);
  });

  it('normalizes parameter order', () => {
    expect(normalizedParameters({ b: '1', a: ['2', '3'] })).toEqual([
      ['a', ['2', '3']],
      ['b', ['1']],
    ]);
  });
});
