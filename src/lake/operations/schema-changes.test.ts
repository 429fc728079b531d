import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRows } from '../write/data-source.js';
import { InvalidTableOperationError } from '../errors.js';
import { DeltaTable } from '../table.js';
import type { StructType } from '../log/schema.js';

const schema: StructType = { type: 'struct', fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }] };
const tempLocation = () => path.join(mkdtempSync(path.join(tmpdir(), 'strata-add-columns-')), 'table');

describe('adding columns', () => {
  it('adds nullable columns that old rows read as NULL, and new writes fill', async () => {
    const table = await DeltaTable.create(tempLocation(), {
      schema,
      properties: { 'delta.columnMapping.mode': 'name' },
    });
    await table.append(fromRows([{ id: 1 }]));
    const version = await table.addColumns([{ name: 'note', type: 'string', nullable: true, metadata: {} }]);
    expect(version).toBe(2);
    expect(table.snapshot.schema.fields[1]!.metadata['delta.columnMapping.physicalName']).toMatch(/^col-/);
    await table.append(fromRows([{ id: 2, note: 'n' }]));
    expect(await (await DeltaTable.open(table.location)).rows({ orderBy: 'id' })).toEqual([
      { id: 1, note: null },
      { id: 2, note: 'n' },
    ]);
    expect((await table.history(2))[1]!.operation).toBe('ADD COLUMNS');
  });

  it('refuses existing names and NOT NULL columns, and upgrades the protocol for timestamp_ntz', async () => {
    const table = await DeltaTable.create(tempLocation(), { schema });
    await expect(table.addColumns([{ name: 'ID', type: 'long', nullable: true, metadata: {} }])).rejects.toThrow(
      /"ID" already exists/,
    );
    await expect(table.addColumns([{ name: 'x', type: 'long', nullable: false, metadata: {} }])).rejects.toBeInstanceOf(
      InvalidTableOperationError,
    );
    await table.addColumns([{ name: 'at', type: 'timestamp_ntz', nullable: true, metadata: {} }]);
    expect(table.snapshot.protocol).toMatchObject({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['timestampNtz'],
    });
  });
});
