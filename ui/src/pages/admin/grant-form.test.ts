import { expect, it } from 'vitest';
import { parseColumns } from './grant-form';

it('reads the columns field: blank is every column, names are trimmed and unique', () => {
  expect(parseColumns('')).toBeNull();
  expect(parseColumns(' , ')).toBeNull();
  expect(parseColumns(' id, region ,id')).toEqual(['id', 'region']);
});
