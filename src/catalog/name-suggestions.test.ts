import { describe, expect, it } from 'vitest';
import { editDistance, suggestNames, suggestTables } from './name-suggestions.js';

describe('suggestions', () => {
  it('counts insertions, deletions, substitutions and swaps as one edit each', () => {
    expect(editDistance('orders', 'orders')).toBe(0);
    expect(editDistance('ordrs', 'orders')).toBe(1);
    expect(editDistance('orderz', 'orders')).toBe(1);
    expect(editDistance('odrers', 'orders')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests close tables, nearest first, in this schema or another', () => {
    const tables = [
      { schema: 'main', table: 'orders' },
      { schema: 'main', table: 'order_lines' },
      { schema: 'sales', table: 'orders' },
      { schema: 'main', table: 'customers' },
    ];
    expect(suggestTables({ schema: 'main', table: 'ordrs' }, tables)).toEqual(['main.orders', 'sales.orders']);
    expect(suggestTables({ schema: 'main', table: 'ORDERS' }, tables)).toEqual(['main.orders', 'sales.orders']);
    expect(suggestTables({ schema: 'main', table: 'xyz' }, tables)).toEqual([]);
    expect(suggestNames('slaes', ['sales', 'main'])).toEqual(['sales']);
  });
});
