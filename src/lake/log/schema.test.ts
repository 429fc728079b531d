import { describe, expect, it } from 'vitest';
import { UnsupportedProtocolError } from '../errors.js';
import { deltaTypeFromDuckdb, duckdbType } from './schema.js';

describe('Delta ↔ DuckDB types', () => {
  it('maps DuckDB column types to Delta types, nested ones included', () => {
    expect(deltaTypeFromDuckdb('VARCHAR[]')).toEqual({ type: 'array', elementType: 'string', containsNull: true });
    expect(deltaTypeFromDuckdb('INTEGER[][]')).toEqual({
      type: 'array',
      elementType: { type: 'array', elementType: 'integer', containsNull: true },
      containsNull: true,
    });
    expect(deltaTypeFromDuckdb('DECIMAL(10,2)')).toBe('decimal(10,2)');
    expect(deltaTypeFromDuckdb('UBIGINT')).toBe('decimal(20,0)');
    expect(deltaTypeFromDuckdb('TIMESTAMP WITH TIME ZONE')).toBe('timestamp');
    expect(deltaTypeFromDuckdb('STRUCT("a b" INTEGER, c MAP(VARCHAR, DOUBLE[]))')).toEqual({
      type: 'struct',
      fields: [
        { name: 'a b', type: 'integer', nullable: true, metadata: {} },
        {
          name: 'c',
          type: {
            type: 'map',
            keyType: 'string',
            valueType: { type: 'array', elementType: 'double', containsNull: true },
            valueContainsNull: true,
          },
          nullable: true,
          metadata: {},
        },
      ],
    });
    expect(() => deltaTypeFromDuckdb('INTERVAL')).toThrow(UnsupportedProtocolError);
  });

  it('round-trips through duckdbType', () => {
    for (const text of [
      'BIGINT',
      'VARCHAR[]',
      'DECIMAL(10,2)',
      'STRUCT("x" INTEGER, "y" VARCHAR)',
      'MAP(VARCHAR, BIGINT)',
      'TIMESTAMPTZ',
      'TIMESTAMP',
    ]) {
      expect(duckdbType(deltaTypeFromDuckdb(text))).toBe(text);
    }
  });
});
