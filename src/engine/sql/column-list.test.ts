import { InvalidArgumentError } from '../../core/index.js';
import { describe, expect, it } from 'vitest';
import { parseColumnList } from './column-list.js';

describe('parseColumnList', () => {
  it('turns a DuckDB column list into a Delta schema, aliases and nesting included', async () => {
    const schema = await parseColumnList(
      'id BIGINT NOT NULL, "Full Name" TEXT, price DECIMAL(10,2), ts TIMESTAMPTZ, tags VARCHAR[], pos STRUCT(x INT, y DOUBLE)',
    );
    expect(schema.fields.map(({ name, type, nullable }) => ({ name, type, nullable }))).toEqual([
      { name: 'id', type: 'long', nullable: false },
      { name: 'Full Name', type: 'string', nullable: true },
      { name: 'price', type: 'decimal(10,2)', nullable: true },
      { name: 'ts', type: 'timestamp', nullable: true },
      { name: 'tags', type: { type: 'array', elementType: 'string', containsNull: true }, nullable: true },
      {
        name: 'pos',
        type: {
          type: 'struct',
          fields: [
            { name: 'x', type: 'integer', nullable: true, metadata: {} },
            { name: 'y', type: 'double', nullable: true, metadata: {} },
          ],
        },
        nullable: true,
      },
    ]);
  });

  it.each([
    ['', /empty/],
    ['id BIGINT, name NOTATYPE', /not a valid column list.*NOTATYPE/s],
    ['id INT); DROP TABLE x; --', /is not a column list/],
    ['d INTERVAL', /Column "d" has DuckDB type INTERVAL, which has no Delta equivalent/],
  ])('rejects %j', async (columns, message) => {
    const error = await parseColumnList(columns).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(String((error as Error).message)).toMatch(message);
  });
});
