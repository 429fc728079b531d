/**
 * The ObjectStore contract, run against every built-in implementation.
 * A new backend joins by adding a line to `implementations`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ObjectNotFoundError, openStore, UnsupportedStoreError, type ObjectStore } from '../src/storage/index.js';

const implementations: Record<string, () => ObjectStore> = {
  'plain path': () => openStore(mkdtempSync(path.join(tmpdir(), 'strata-store-'))),
  'file://': () => openStore(`file://${mkdtempSync(path.join(tmpdir(), 'strata-store-'))}`),
  'memory://': () => openStore(`memory://contract-${randomUUID()}/root`),
};

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe.each(Object.entries(implementations))('ObjectStore contract: %s', (_name, make) => {
  it('puts, gets and overwrites', async () => {
    const store = make();
    await store.put('a/b.txt', 'one');
    expect(text(await store.get('a/b.txt'))).toBe('one');
    await store.put('a/b.txt', 'two');
    expect(text(await store.get('a/b.txt'))).toBe('two');
  });

  it('reports a missing object with a typed error naming it', async () => {
    const store = make();
    const failure = store.get('nope/missing.json');
    await expect(failure).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(failure).rejects.toThrow(/missing\.json/);
    expect(await store.head('nope/missing.json')).toBeUndefined();
  });

  it('put-if-absent lets exactly one of many concurrent writers win', async () => {
    const store = make();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.putIfAbsent('log/00001.json', `writer ${i}`)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(text(await store.get('log/00001.json'))).toBe(`writer ${winner}`);
    expect(await store.putIfAbsent('log/00001.json', 'late')).toBe(false);
    expect(text(await store.get('log/00001.json'))).toBe(`writer ${winner}`);
  });

  it('lists by prefix, sorted, recursively, without temporary files', async () => {
    const store = make();
    await Promise.all(
      ['t/_log/2.json', 't/_log/1.json', 't/p=1/x.parquet', 't/_logx', 'u/y'].map((k) => store.put(k, k)),
    );
    expect((await store.list('t/_log/')).map((m) => m.key)).toEqual(['t/_log/1.json', 't/_log/2.json']);
    expect((await store.list('t/_log')).map((m) => m.key)).toEqual(['t/_log/1.json', 't/_log/2.json', 't/_logx']);
    expect((await store.list('t/')).map((m) => m.key)).toEqual([
      't/_log/1.json',
      't/_log/2.json',
      't/_logx',
      't/p=1/x.parquet',
    ]);
    expect(await store.list('absent/')).toEqual([]);
    expect((await store.list('t/', 't/_log/1.json')).map((m) => m.key)).toEqual([
      't/_log/2.json',
      't/_logx',
      't/p=1/x.parquet',
    ]);
    const [meta] = await store.list('u/');
    expect(meta?.size).toBe(3);
    expect(meta?.lastModified).toBeGreaterThan(Date.now() - 60_000);
  });

  it('reads byte ranges', async () => {
    const store = make();
    await store.put('r.bin', new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]));
    expect([...(await store.getRange('r.bin', 2, 3))]).toEqual([2, 3, 4]);
    expect([...(await store.getRange('r.bin', 6, 10))]).toEqual([6, 7]);
  });

  it('deletes, and deleting an absent key is not an error', async () => {
    const store = make();
    await store.put('d.txt', 'x');
    await store.delete('d.txt');
    await store.delete('d.txt');
    expect(await store.head('d.txt')).toBeUndefined();
  });
});

describe('openStore', () => {
  it('refuses an unknown scheme naming it and the supported ones', () => {
    expect(() => openStore('gopher://host/x')).toThrow(UnsupportedStoreError);
    expect(() => openStore('gopher://host/x')).toThrow(/gopher.*file:\/\//);
  });
});
