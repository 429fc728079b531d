import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GOLDEN, copyGoldenTable } from '../../../test/support/golden-tables.js';
import { openStore } from '../../storage/index.js';
import { commitText } from './actions.js';
import { CorruptLogError } from '../errors.js';
import { parseJsonActions, readParquetActions } from './log-reader.js';
import { readRows } from '../read/read.js';
import { loadSnapshot } from './snapshot.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('log reader', () => {
  it('reads a V2 checkpoint written as JSON, with its sidecars', async () => {
    // The golden table's V2 checkpoint is Parquet; rewrite its top level as JSON.
    const dir = await copyGoldenTable('v2-checkpoint-parquet', 'strata-v2json-');
    dirs.push(dir);
    const store = openStore(dir);
    const parquetKey = '_delta_log/00000000000000000002.checkpoint.e8fa2696-9728-4e9c-b285-634743fdd4fb.parquet';
    const topLevel = await readParquetActions(store, [parquetKey]);
    expect(topLevel.filter((a) => a.kind === 'sidecar')).toHaveLength(2);
    const expected = await readRows(await loadSnapshot(openStore(path.join(GOLDEN, 'v2-checkpoint-parquet', 'delta'))));

    await store.delete(parquetKey);
    await store.put(
      '_delta_log/00000000000000000002.checkpoint.3a0d65cd-4056-49b8-937b-95f9e3ee90e5.json',
      commitText(topLevel),
    );
    for (const version of [0, 1, 2]) await store.delete(`_delta_log/0000000000000000000${version}.json`);
    await store.delete('_delta_log/_last_checkpoint');

    const snapshot = await loadSnapshot(store);
    expect(snapshot.segment.checkpoint).toMatchObject({ version: 2, format: 'v2' });
    expect(snapshot.files).toHaveLength(4);
    const sort = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(sort(await readRows(snapshot))).toEqual(sort(expected));
  });

  it('names the file and line of a malformed commit line', () => {
    expect(() =>
      parseJsonActions(
        '{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}\n{"add":{"size":1}}\n',
        'file:///t/_delta_log/0.json',
      ),
    ).toThrow(CorruptLogError);
    expect(() => parseJsonActions('{"add":', 'file:///t/_delta_log/0.json')).toThrow(
      /0\.json: line 1 is not valid JSON/,
    );
    expect(() => parseJsonActions('{"a":1}\n{"add":{"size":1}}', 'x.json')).toThrow(
      /line 2: "add" has no valid "path"/,
    );
  });

  it('ignores action kinds it does not know, as the protocol requires', () => {
    expect(parseJsonActions('{"futureAction":{"x":1}}\n{"txn":{"appId":"a","version":3}}\n', 'x.json')).toEqual([
      { kind: 'txn', txn: { appId: 'a', version: 3 } },
    ]);
  });
});
