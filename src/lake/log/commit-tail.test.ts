import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCommitsAfter } from './commit-tail.js';
import { fromSql } from '../write/data-source.js';
import { DeltaTable } from '../table.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readCommitsAfter', () => {
  it('gives the commits after a version with their actions, commitInfo and time', async () => {
    const location = path.join(dir, 't');
    const table = await DeltaTable.create(location, { data: fromSql('SELECT 1 AS id') });
    await table.append(fromSql('SELECT 2 AS id'));
    await table.delete('id = 1');
    await table.setProperties({ 'delta.enableChangeDataFeed': 'true' });

    const all = await readCommitsAfter(location, -1);
    expect(all.map((c) => c.version)).toEqual([0, 1, 2, 3]);
    expect(all.map((c) => c.commitInfo.operation)).toEqual([
      'CREATE TABLE AS SELECT',
      'WRITE',
      'DELETE',
      'SET TBLPROPERTIES',
    ]);
    expect(all[2]!.actions.some((a) => a.kind === 'remove')).toBe(true);
    expect(all[3]!.actions.some((a) => a.kind === 'metaData')).toBe(true);
    expect(all.every((c) => c.timestamp > 0)).toBe(true);

    expect((await readCommitsAfter(location, 1)).map((c) => c.version)).toEqual([2, 3]);
    expect((await readCommitsAfter(location, 0, { limit: 2 })).map((c) => c.version)).toEqual([1, 2]);
    expect((await readCommitsAfter(location, 0, { upTo: 1 })).map((c) => c.version)).toEqual([1]);
    expect(await readCommitsAfter(location, 3)).toEqual([]);
    expect(await readCommitsAfter(location, 0, { upTo: 0 })).toEqual([]);
  });
});
