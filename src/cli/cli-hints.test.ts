import { describe, expect, it } from 'vitest';
import { SchemaNotFoundError, TableNotFoundError } from '../catalog/index.js';
import { StrataError } from '../core/index.js';
import { cliMessage } from './cli-hints.js';

describe('cliMessage', () => {
  it("puts the CLI's command where the library's call was", () => {
    const table = new TableNotFoundError('main.evnts', ['main.events']);
    expect(table.message).toContain('registerExternal("main.evnts", <location>)');
    expect(cliMessage(table)).toBe(
      '[CATALOG_TABLE_NOT_FOUND] Table main.evnts does not exist. Did you mean main.events? Create it, or register an existing Delta table under that name with `strata table register main.evnts <location>`.',
    );
    expect(cliMessage(new SchemaNotFoundError('sales', []))).toContain(
      'Create it with `strata sql "CREATE SCHEMA sales"`.',
    );
  });

  it('names options as flags, and leaves errors without a remedy alone', () => {
    const option = new StrataError('X', 'invalid', 'Pass mergeSchema to add it.', {
      remedy: { kind: 'option', option: 'mergeSchema' },
    });
    expect(cliMessage(option)).toBe('[X] Pass --merge-schema to add it.');
    const plain = new StrataError('X', 'invalid', 'Pass mergeSchema to add it.', {});
    expect(cliMessage(plain)).toBe(plain.message);
  });
});
