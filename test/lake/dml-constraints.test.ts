/**
 * NOT NULL and CHECK constraints on every kind of write: the error is typed, names the
 * constraint, its expression and one offending row, and nothing is committed (no
 * version, no data file left in the table). Adding a constraint checks the existing
 * rows and upgrades the protocol.
 */
import { readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/index.js';
import {
  ConstraintViolationError,
  DeltaTable,
  InvalidTableOperationError,
  fromRows,
  fromSql,
  type StructType,
} from '../../src/lake/index.js';

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'qty', type: 'integer', nullable: true, metadata: {} },
    { name: 'tag', type: 'string', nullable: true, metadata: {} },
  ],
};

const tempLocation = () => path.join(mkdtempSync(path.join(tmpdir(), 'strata-constraints-')), 'table');

/** Data and deletion vector files anywhere under the table directory (staging included). */
function parquetFiles(table: DeltaTable): string[] {
  const dir = openStore(table.location).localPath('')!;
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.parquet') || f.endsWith('.bin'));
}

async function withPositiveQty(properties: Record<string, string> = {}): Promise<DeltaTable> {
  const table = await DeltaTable.create(tempLocation(), {
    schema,
    properties: { 'delta.constraints.positive_qty': 'qty > 0', ...properties },
  });
  await table.append(
    fromRows([
      { id: 1, qty: 5, tag: 'a' },
      { id: 2, qty: 7, tag: 'b' },
    ]),
  );
  return table;
}

/** Runs a write that must fail on `constraint`, and checks nothing was committed or left behind. */
async function expectViolation(
  table: DeltaTable,
  write: Promise<unknown>,
  constraint: RegExp,
  row: RegExp,
): Promise<ConstraintViolationError> {
  const version = table.version;
  const files = parquetFiles(table).sort();
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConstraintViolationError);
  const violation = error as ConstraintViolationError;
  expect(violation.code).toBe('LAKE_CONSTRAINT');
  expect(violation.constraint).toMatch(constraint);
  expect(violation.row).toMatch(row);
  expect(violation.message).toContain(violation.expression);
  expect((await DeltaTable.open(table.location)).version).toBe(version);
  // replaceWhere and copy-on-write may have staged rewrites; none may be left among the table's files.
  expect(parquetFiles(table).filter((f) => !files.includes(f) && !f.startsWith('_strata_staging'))).toEqual([]);
  return violation;
}

describe('CHECK constraints', () => {
  it('refuse an append with a violating row, naming constraint, expression and row', async () => {
    const table = await withPositiveQty();
    const violation = await expectViolation(
      table,
      table.append(
        fromRows([
          { id: 3, qty: 1 },
          { id: 4, qty: -2, tag: 'bad' },
        ]),
      ),
      /^positive_qty$/,
      /"id":4,"qty":-2,"tag":"bad"/,
    );
    expect(violation.expression).toBe('qty > 0');
    expect(violation.message).toMatch(
      /violates constraint positive_qty \(qty > 0\) with row \{"id":4,"qty":-2,"tag":"bad"\}/,
    );
  });

  it('treat a NULL result as a violation, as Delta does', async () => {
    const table = await withPositiveQty();
    await expectViolation(table, table.append(fromRows([{ id: 3, qty: null }])), /positive_qty/, /"qty":null/);
  });

  it('are enforced on overwrite, replaceWhere, UPDATE, MERGE and CREATE with data', async () => {
    for (const dv of ['false', 'true']) {
      const table = await withPositiveQty({ 'delta.enableDeletionVectors': dv });
      await expectViolation(table, table.overwrite(fromRows([{ id: 9, qty: 0 }])), /positive_qty/, /"id":9/);
      await expectViolation(
        table,
        table.overwrite(fromRows([{ id: 1, qty: -1, tag: 'a' }]), { replaceWhere: "tag = 'a'" }),
        /positive_qty/,
        /"qty":-1/,
      );
      await expectViolation(table, table.update({ qty: 'qty - 6' }, 'id = 1'), /positive_qty/, /"id":1,"qty":-1/);
      await expectViolation(
        table,
        table.merge(fromRows([{ id: 2, qty: -7 }]), {
          on: 'target.id = source.id',
          clauses: [{ when: 'matched', action: { kind: 'update', set: { qty: 'source.qty' } } }],
        }),
        /positive_qty/,
        /"id":2,"qty":-7/,
      );
      await expectViolation(
        table,
        table.merge(fromRows([{ id: 8, qty: -8, tag: 'n' }]), {
          on: 'target.id = source.id',
          clauses: [{ when: 'notMatched', action: { kind: 'insert', values: '*' } }],
        }),
        /positive_qty/,
        /"id":8,"qty":-8/,
      );
      expect((await table.rows({ orderBy: 'id' })).map((r) => r.qty)).toEqual([5, 7]);
    }
    const location = tempLocation();
    await expect(
      DeltaTable.create(location, {
        schema,
        data: fromSql('SELECT 1::BIGINT AS id, -1 AS qty'),
        properties: { 'delta.constraints.positive_qty': 'qty > 0' },
      }),
    ).rejects.toBeInstanceOf(ConstraintViolationError);
    expect(await DeltaTable.exists(location)).toBe(false);
  });

  it('let valid writes through and put the new versions of updated rows to the test only', async () => {
    const table = await withPositiveQty();
    await table.update({ qty: 'qty * 2' });
    await table.merge(
      fromRows([
        { id: 1, qty: 1, tag: 'x' },
        { id: 3, qty: 3, tag: 'y' },
      ]),
      {
        on: 'target.id = source.id',
        clauses: [
          { when: 'matched', action: { kind: 'update', set: { qty: 'source.qty' } } },
          { when: 'notMatched', action: { kind: 'insert', values: '*' } },
        ],
      },
    );
    expect((await table.rows({ orderBy: 'id' })).map((r) => r.qty)).toEqual([1, 14, 3]);
  });
});

describe('NOT NULL', () => {
  it('refuses NULL in a non-nullable column on append and update', async () => {
    const table = await DeltaTable.create(tempLocation(), { schema });
    await table.append(fromRows([{ id: 1, qty: 1 }]));
    const violation = await expectViolation(
      table,
      table.append(fromSql('SELECT NULL::BIGINT AS id, 2 AS qty')),
      /^NOT NULL id$/,
      /"id":null,"qty":2/,
    );
    expect(violation.expression).toBe('id IS NOT NULL');
    await expectViolation(table, table.update({ id: 'NULL' }, 'qty = 1'), /NOT NULL id/, /"id":null/);
  });

  it('checks non-nullable fields inside structs only where the struct is present', async () => {
    const nested: StructType = {
      type: 'struct',
      fields: [
        { name: 'id', type: 'long', nullable: true, metadata: {} },
        {
          name: 'address',
          type: {
            type: 'struct',
            fields: [
              { name: 'city', type: 'string', nullable: false, metadata: {} },
              { name: 'zip', type: 'string', nullable: true, metadata: {} },
            ],
          },
          nullable: true,
          metadata: {},
        },
      ],
    };
    const table = await DeltaTable.create(tempLocation(), { schema: nested });
    await table.append(
      fromSql("SELECT 1::BIGINT AS id, {'city': 'Oslo', 'zip': NULL::VARCHAR} AS address UNION ALL SELECT 2, NULL"),
    );
    await expectViolation(
      table,
      table.append(fromSql("SELECT 3::BIGINT AS id, {'city': NULL::VARCHAR, 'zip': '0150'} AS address")),
      /^NOT NULL address\.city$/,
      /"id":3,"address":\{"city":null,"zip":"0150"\}/,
    );
    expect(await table.rows({ orderBy: 'id' })).toHaveLength(2);
  });
});

describe('adding and dropping constraints', () => {
  it('checks the existing rows first and names one that fails', async () => {
    const table = await DeltaTable.create(tempLocation(), { schema });
    await table.append(
      fromRows([
        { id: 1, qty: 5 },
        { id: 2, qty: -3 },
      ]),
    );
    const failure = table.addConstraint('positive_qty', 'qty > 0');
    await expect(failure).rejects.toBeInstanceOf(ConstraintViolationError);
    await expect(failure).rejects.toThrow(
      /positive_qty \(qty > 0\) with row \{"id":2,"qty":-3,"tag":null\} \(one of 1 existing rows\)/,
    );
    expect((await DeltaTable.open(table.location)).version).toBe(1);
    await expect(table.addConstraint('bad', 'qty + 1')).rejects.toThrow(/is INTEGER, not BOOLEAN/);
    await expect(table.addConstraint('bad', 'nope > 1')).rejects.toBeInstanceOf(InvalidTableOperationError);
  });

  it('commits the constraint as a property, upgrades the protocol, and enforces it until dropped', async () => {
    const table = await DeltaTable.create(tempLocation(), { schema });
    await table.append(fromRows([{ id: 1, qty: 5 }]));
    expect(table.snapshot.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    await table.addConstraint('Positive_Qty', 'qty > 0');
    expect(table.snapshot.configuration['delta.constraints.positive_qty']).toBe('qty > 0');
    expect(table.snapshot.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 3 });
    expect(table.constraints).toEqual([{ name: 'positive_qty', expression: 'qty > 0' }]);
    const history = await table.history(1);
    expect(history[0]).toMatchObject({
      operation: 'ADD CONSTRAINT',
      operationParameters: { name: 'positive_qty', expr: 'qty > 0' },
    });
    await expect(table.addConstraint('positive_qty', 'qty > 1')).rejects.toThrow(/already exists/);
    await expect(table.append(fromRows([{ id: 2, qty: 0 }]))).rejects.toBeInstanceOf(ConstraintViolationError);
    await table.dropConstraint('positive_qty');
    expect((await table.history(1))[0]!.operation).toBe('DROP CONSTRAINT');
    await table.append(fromRows([{ id: 2, qty: 0 }]));
    await expect(table.dropConstraint('positive_qty')).rejects.toThrow(/has no constraint positive_qty/);
    expect(await table.dropConstraint('positive_qty', { ifExists: true })).toBe(table.version);
  });

  it('adds the checkConstraints writer feature on table-features tables', async () => {
    const table = await DeltaTable.create(tempLocation(), {
      schema,
      properties: { 'delta.enableDeletionVectors': 'true' },
    });
    await table.addConstraint('small', 'qty < 100');
    expect(table.snapshot.protocol).toMatchObject({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors'],
    });
    expect(table.snapshot.protocol.writerFeatures).toEqual(
      expect.arrayContaining(['deletionVectors', 'checkConstraints']),
    );
    const created = await DeltaTable.create(tempLocation(), {
      schema,
      properties: { 'delta.constraints.c': 'qty > 0' },
    });
    expect(created.snapshot.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 3 });
  });
});
