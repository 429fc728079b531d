import { describe, expect, it } from 'vitest';
import { InvalidNameError } from './errors.js';
import { formatTableName, parseIdentifier, parseTableName, quoteIdentifier, toTableName } from './table-name.js';

describe('parseTableName', () => {
  it('fills in the default schema and folds unquoted parts to lower case', () => {
    expect(parseTableName('Orders')).toEqual({ schema: 'main', table: 'orders' });
    expect(parseTableName('Sales.Orders')).toEqual({ schema: 'sales', table: 'orders' });
    expect(parseTableName('orders', 'staging')).toEqual({ schema: 'staging', table: 'orders' });
    expect(parseTableName('  sales . orders  ')).toEqual({ schema: 'sales', table: 'orders' });
    expect(parseTableName('_t$1')).toEqual({ schema: 'main', table: '_t$1' });
    expect(parseTableName('Café')).toEqual({ schema: 'main', table: 'café' });
  });

  it('keeps quoted parts exactly, with "" as a quote and dots inside', () => {
    expect(parseTableName('"Sales"."Order Lines"')).toEqual({ schema: 'Sales', table: 'Order Lines' });
    expect(parseTableName('"a.b"')).toEqual({ schema: 'main', table: 'a.b' });
    expect(parseTableName('"say ""hi"""')).toEqual({ schema: 'main', table: 'say "hi"' });
    expect(parseTableName('sales."X"')).toEqual({ schema: 'sales', table: 'X' });
  });

  it.each([
    ['', /name part is missing/],
    ['a.b.c', /3 parts/],
    ['"open', /not closed/],
    ['""', /empty/],
    ['1abc', /not a valid unquoted identifier/],
    ['a-b', /not a valid unquoted identifier/],
    ['a.', /name part is missing/],
    ['.a', /unexpected "\."/],
    ['a b', /unexpected "b"/],
    ['"a"b', /unexpected "b"/],
    ['"tab\there"', /control character/],
    ['x'.repeat(129), /longer than 128/],
  ])('refuses %j', (text, reason) => {
    expect(() => parseTableName(text)).toThrow(InvalidNameError);
    expect(() => parseTableName(text)).toThrow(reason);
  });
});

describe('quoting', () => {
  it('quotes only what would not read back the same', () => {
    expect(quoteIdentifier('orders')).toBe('orders');
    expect(quoteIdentifier('Orders')).toBe('"Orders"');
    expect(quoteIdentifier('a b')).toBe('"a b"');
    expect(quoteIdentifier('say "hi"')).toBe('"say ""hi"""');
    expect(formatTableName({ schema: 'main', table: 'a.b' })).toBe('main."a.b"');
  });

  it('round-trips every name through format and parse', () => {
    for (const table of ['orders', 'Orders', 'a.b', 'say "hi"', 'x y/z', '1st', 'café', 'Café']) {
      expect(parseTableName(formatTableName({ schema: 'S', table }))).toEqual({ schema: 'S', table });
    }
  });

  it('takes parsed names as they are, and schema names as one identifier', () => {
    expect(toTableName({ schema: 'Sales', table: 'X' })).toEqual({ schema: 'Sales', table: 'X' });
    expect(() => toTableName({ schema: '', table: 'x' })).toThrow(InvalidNameError);
    expect(parseIdentifier('Sales')).toBe('sales');
    expect(() => parseIdentifier('a.b')).toThrow(/one identifier/);
  });
});
