/**
 * The change data feed: DML commits write `_change_data/` files (cdc actions) with every
 * change type; insert- and delete-only commits are read from their add and remove
 * files; reads take a version range, bind as a view with `_change_type`,
 * `_commit_version` and `_commit_timestamp`, and refuse ranges the feed did not record.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/index.js';
import {
  ChangeDataFeedError,
  DeltaTable,
  VersionNotFoundError,
  fromRows,
  fromSql,
  queryRows,
  quoteIdent,
  readChanges,
  tableChanges,
  withConnection,
  type StructType,
} from '../../src/lake/index.js';

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'name', type: 'string', nullable: true, metadata: {} },
    { name: 'region', type: 'string', nullable: true, metadata: {} },
  ],
};

const CDF = { 'delta.enableChangeDataFeed': 'true' };
const tempLocation = () => path.join(mkdtempSync(path.join(tmpdir(), 'strata-cdf-')), 'table');

function commit(table: DeltaTable, version: number): Array<Record<string, Record<string, unknown>>> {
  const file = path.join(
    openStore(table.location).localPath('')!,
    '_delta_log',
    `${String(version).padStart(20, '0')}.json`,
  );
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}
const cdcActions = (table: DeltaTable, version: number) =>
  commit(table, version).flatMap((l) => (l.cdc ? [l.cdc] : []));

/** Changes as compact strings `version:type:id:name`, sorted. */
async function changes(table: DeltaTable, from: number, to?: number): Promise<string[]> {
  const rows = await readChanges(table, from, to);
  return rows.map((r) => `${r._commit_version}:${r._change_type}:${r.id}:${r.name}`).sort();
}

async function people(properties: Record<string, string> = {}, partitionColumns: string[] = []): Promise<DeltaTable> {
  const table = await DeltaTable.create(tempLocation(), {
    schema,
    properties: { ...CDF, ...properties },
    partitionColumns,
  });
  await table.append(
    fromRows([
      { id: 1, name: 'ann', region: 'eu' },
      { id: 2, name: 'bob', region: 'us' },
      { id: 3, name: 'cy', region: 'eu' },
    ]),
  );
  return table;
}

describe('change data files', () => {
  for (const properties of [{}, { 'delta.enableDeletionVectors': 'true' }] as Array<Record<string, string>>) {
    const kind = Object.keys(properties).length > 0 ? 'deletion vectors' : 'copy-on-write';
    it(`records deletes, update pre/post images and inserts (${kind})`, async () => {
      const table = await people(properties);
      await table.delete('id = 2');
      await table.update({ name: 'upper(name)' }, 'id = 3');
      await table.merge(
        fromRows([
          { id: 1, name: 'anna', region: 'eu' },
          { id: 4, name: 'dan', region: 'us' },
        ]),
        {
          on: 'target.id = source.id',
          clauses: [
            { when: 'matched', action: { kind: 'update', set: { name: 'source.name' } } },
            { when: 'notMatched', action: { kind: 'insert', values: '*' } },
          ],
        },
      );
      expect(await changes(table, 0)).toEqual([
        '1:insert:1:ann',
        '1:insert:2:bob',
        '1:insert:3:cy',
        '2:delete:2:bob',
        '3:update_postimage:3:CY',
        '3:update_preimage:3:cy',
        '4:insert:4:dan',
        '4:update_postimage:1:anna',
        '4:update_preimage:1:ann',
      ]);
      for (const version of [2, 3, 4]) {
        const cdc = cdcActions(table, version);
        expect(cdc.length, `version ${version}`).toBeGreaterThan(0);
        expect(cdc.every((c) => c.dataChange === false && String(c.path).startsWith('_change_data/cdc-'))).toBe(true);
      }
      // The append needs no change data files: its add files are the inserts.
      expect(cdcActions(table, 1)).toEqual([]);
    });
  }

  it('writes partitioned change data into partition folders with partition values', async () => {
    const table = await people({}, ['region']);
    await table.update({ name: "name || '!'" }, "region = 'eu' AND id = 1");
    const cdc = cdcActions(table, 2);
    expect(cdc.map((c) => [String(c.path).replace(/cdc-.*$/, 'cdc-*'), c.partitionValues])).toEqual([
      ['_change_data/region=eu/cdc-*', { region: 'eu' }],
    ]);
    expect(
      existsSync(path.join(openStore(table.location).localPath('')!, decodeURIComponent(String(cdc[0]!.path)))),
    ).toBe(true);
    const rows = await readChanges(table, 2, 2, { orderBy: '_change_type' });
    expect(rows.map((r) => [r._change_type, r.id, r.name, r.region])).toEqual([
      ['update_postimage', 1, 'ann!', 'eu'],
      ['update_preimage', 1, 'ann', 'eu'],
    ]);
  });

  it('reads delete-only and insert-only commits from their remove and add files', async () => {
    const table = await people();
    await table.delete();
    expect(cdcActions(table, 2)).toEqual([]);
    await table.merge(fromRows([{ id: 7, name: 'eve', region: 'eu' }]), {
      on: 'target.id = source.id',
      clauses: [{ when: 'notMatched', action: { kind: 'insert', values: '*' } }],
    });
    expect(cdcActions(table, 3)).toEqual([]);
    expect(await changes(table, 2)).toEqual(['2:delete:1:ann', '2:delete:2:bob', '2:delete:3:cy', '3:insert:7:eve']);
  });

  it('reads a removed file with its deletion vector as the rows it still had', async () => {
    const table = await people({ 'delta.enableDeletionVectors': 'true' });
    await table.delete('id = 1');
    await table.delete();
    expect(await changes(table, 3)).toEqual(['3:delete:2:bob', '3:delete:3:cy']);
  });
});

describe('reading version ranges', () => {
  it('binds the changes as a view with the commit version and timestamp', async () => {
    const table = await people();
    await table.delete('id = 3');
    const feed = await tableChanges(table.location, 1, 2);
    expect(feed).toMatchObject({ fromVersion: 1, toVersion: 2 });
    const history = await table.history();
    await withConnection(async (connection) => {
      const binding = await feed.bind(connection, { view: 'people_changes' });
      try {
        const columns = await queryRows(connection, `DESCRIBE ${quoteIdent(binding.view)}`);
        expect(columns.map((c) => [c.column_name, c.column_type])).toEqual([
          ['id', 'BIGINT'],
          ['name', 'VARCHAR'],
          ['region', 'VARCHAR'],
          ['_change_type', 'VARCHAR'],
          ['_commit_version', 'BIGINT'],
          ['_commit_timestamp', 'TIMESTAMP WITH TIME ZONE'],
        ]);
        const rows = await queryRows(
          connection,
          'SELECT _commit_version AS v, epoch_ms(_commit_timestamp) AS ms, count(*) AS n FROM people_changes GROUP BY ALL ORDER BY v',
        );
        expect(rows).toEqual([
          { v: 1, ms: history.find((h) => h.version === 1)!.timestamp, n: 3 },
          { v: 2, ms: history.find((h) => h.version === 2)!.timestamp, n: 1 },
        ]);
      } finally {
        await binding.release();
      }
      expect(
        await queryRows(connection, "SELECT count(*) AS n FROM duckdb_views() WHERE view_name = 'people_changes'"),
      ).toEqual([{ n: 0 }]);
    });
  });

  it('reads exactly the requested versions', async () => {
    const table = await people();
    await table.delete('id = 1');
    await table.delete('id = 2');
    await table.delete('id = 3');
    expect(await changes(table, 3, 3)).toEqual(['3:delete:2:bob']);
    expect(await changes(table, 2, 3)).toEqual(['2:delete:1:ann', '3:delete:2:bob']);
    expect(await changes(table, 4)).toEqual(['4:delete:3:cy']);
    expect(await readChanges(table, 0, 0)).toEqual([]);
  });

  it('refuses a range starting before the change data feed was enabled', async () => {
    const table = await DeltaTable.create(tempLocation(), { schema });
    await table.append(fromRows([{ id: 1, name: 'ann' }]));
    expect(table.snapshot.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    const enabled = await table.setProperties(CDF);
    expect(table.snapshot.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 4 });
    await table.update({ name: "'annie'" });
    expect(cdcActions(table, enabled + 1).length).toBe(1);
    const failure = readChanges(table, 1);
    await expect(failure).rejects.toBeInstanceOf(ChangeDataFeedError);
    await expect(failure).rejects.toThrow(/\[LAKE_CHANGE_DATA_FEED\] .*not recorded for version 1/);
    expect(await changes(table, enabled)).toEqual(['3:update_postimage:1:annie', '3:update_preimage:1:ann']);
    await expect(readChanges(table, enabled, 9)).rejects.toBeInstanceOf(VersionNotFoundError);
    await expect(readChanges(table, 3, 2)).rejects.toBeInstanceOf(ChangeDataFeedError);
  });

  it('refuses versions after the feed was disabled again', async () => {
    const table = await people();
    await table.setProperties({ 'delta.enableChangeDataFeed': 'false' });
    await table.append(fromSql("SELECT 9 AS id, 'zed' AS name"));
    await expect(readChanges(table, 1)).rejects.toThrow(/not recorded for version 2/);
    await table.delete('id = 9');
    expect(cdcActions(table, 4)).toEqual([]);
  });
});
