import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeltaTable, VersionNotFoundError, fromSql } from '../lake/index.js';
import { openSnapshot } from './snapshot-cache.js';

describe('openSnapshot', () => {
  it('reuses a snapshot only while it is still the version asked for', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'strata-snapshots-')), 't');
    const table = await DeltaTable.create(dir, { data: fromSql('SELECT 1 AS id') });
    const first = await openSnapshot(dir);
    expect(await openSnapshot(dir)).toBe(first);

    await table.append(fromSql('SELECT 2 AS id'));
    const second = await openSnapshot(dir);
    expect(second.version).toBe(1);
    expect(await openSnapshot(dir, { version: 0 })).not.toBe(second);
    expect((await openSnapshot(dir, { version: 0 })).version).toBe(0);

    // Deleted and created again at the same path: version 0 again, but another table.
    rmSync(dir, { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await DeltaTable.create(dir, { data: fromSql("SELECT 'x' AS name, 3 AS n") });
    const recreated = await openSnapshot(dir, { version: 0 });
    expect(recreated.schema.fields.map((f) => f.name)).toEqual(['name', 'n']);
    expect((await openSnapshot(dir)).version).toBe(0);
    await expect(openSnapshot(dir, { version: 1 })).rejects.toThrow(VersionNotFoundError);
  });
});
