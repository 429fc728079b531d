import { describe, expect, it } from 'vitest';
import type { Metadata } from '../log/actions.js';
import { checkedRelation, constraintViolation, tableConstraints } from './constraints.js';
import { ConstraintViolationError } from '../operations/dml-errors.js';
import { withConnection } from '../../duckdb/index.js';
import type { StructType } from '../log/schema.js';

const metadata = (configuration: Record<string, string>): Metadata => ({
  id: 'x',
  format: { provider: 'parquet' },
  schemaString: '{}',
  partitionColumns: [],
  configuration,
});

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    {
      name: 'a',
      type: {
        type: 'struct',
        fields: [
          {
            name: 'b',
            type: { type: 'struct', fields: [{ name: 'c', type: 'integer', nullable: false, metadata: {} }] },
            nullable: true,
            metadata: {},
          },
        ],
      },
      nullable: true,
      metadata: { 'delta.invariants': JSON.stringify({ expression: { expression: 'coalesce(a.b.c, 0) < 100' } }) },
    },
  ],
};

describe('constraint rules', () => {
  it('derives NOT NULL (nested through structs), invariants and CHECK constraints', () => {
    const rules = tableConstraints(
      schema,
      metadata({ 'delta.constraints.positive': 'id > 0', 'delta.appendOnly': 'true' }),
    );
    expect(rules.map((r) => [r.name, r.expression])).toEqual([
      ['NOT NULL id', 'id IS NOT NULL'],
      ['NOT NULL a.b.c', 'a.b.c IS NOT NULL'],
      ['INVARIANT a', 'coalesce(a.b.c, 0) < 100'],
      ['positive', 'id > 0'],
    ]);
    expect(rules[1]!.violation).toBe(
      `"a" IS NOT NULL AND struct_extract("a", 'b') IS NOT NULL AND struct_extract(struct_extract("a", 'b'), 'c') IS NULL`,
    );
  });

  it('fails a guarded query at the first violating row and names it', async () => {
    const rules = tableConstraints(schema, metadata({ 'delta.constraints.positive': 'id > 0' }));
    const rows = (extra: string) => `SELECT 1::BIGINT AS id, {'b': {'c': 1}} AS a UNION ALL ${extra}`;
    await withConnection(async (connection) => {
      const ok = await connection.runAndReadAll(
        `SELECT count(*) FROM (${checkedRelation(rows("SELECT 2, {'b': NULL}"), rules)})`,
      );
      expect(Number(ok.getRowsJson()[0]![0])).toBe(2);
      const cases: Array<[string, string, RegExp]> = [
        ["SELECT 2, {'b': {'c': NULL}}", 'NOT NULL a.b.c', /"id":2/],
        ["SELECT 3, {'b': {'c': 500}}", 'INVARIANT a', /"c":500/],
        ['SELECT -4, NULL', 'positive', /"id":-4,"a":null/],
      ];
      for (const [extra, name, row] of cases) {
        const error = await connection.run(`SELECT count(*) FROM (${checkedRelation(rows(extra), rules)})`).then(
          () => undefined,
          (e: unknown) => e,
        );
        const violation = constraintViolation(error, rules, 't', 'WRITE');
        expect(violation).toBeInstanceOf(ConstraintViolationError);
        expect(violation!.constraint).toBe(name);
        expect(violation!.row).toMatch(row);
      }
    });
    expect(constraintViolation(new Error('Binder Error: x'), rules, 't', 'WRITE')).toBeUndefined();
  });

  it('leaves a relation alone when the table has no constraints', () => {
    expect(checkedRelation('SELECT 1', [])).toBe('SELECT 1');
  });
});
