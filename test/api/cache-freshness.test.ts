/**
 * The cheap paths of cached reads stay exact: ETags come from the table's log without
 * DuckDB, and table lookups are remembered for a short time, yet a commit made behind
 * the server's back changes the ETag at once, DDL through the API is seen at once, and
 * DDL behind its back is seen after the lookup memo's TTL. Compressed cached bodies
 * decode to the identity bytes.
 */
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

const TABLE_CACHE_MS = 300;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ server: { tableCacheMs: TABLE_CACHE_MS } });
}, 60_000);
afterAll(async () => {
  await api?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rows(path: string, etag?: string): Promise<{ status: number; etag: string | null; body: unknown }> {
  const response = await api.fetch(path, etag === undefined ? {} : { headers: { 'if-none-match': etag } });
  return {
    status: response.status,
    etag: response.headers.get('etag'),
    body: response.status === 200 ? await response.json() : null,
  };
}

describe('ETags without DuckDB', () => {
  it('changes the ETag at once when a commit lands behind the server', async () => {
    await api.sql('CREATE TABLE fresh (id BIGINT)');
    await api.sql('INSERT INTO fresh VALUES (1)');
    const first = await rows('/v1/tables/fresh/rows?order=id');
    expect(first.body).toEqual([{ id: 1 }]);
    expect((await rows('/v1/tables/fresh/rows?order=id', first.etag!)).status).toBe(304);
    const detail = await rows('/v1/tables/fresh');

    await api.sql('INSERT INTO fresh VALUES (2)');
    const second = await rows('/v1/tables/fresh/rows?order=id', first.etag!);
    expect(second.status).toBe(200);
    expect(second.etag).not.toBe(first.etag);
    expect(second.body).toEqual([{ id: 1 }, { id: 2 }]);
    const newer = await rows('/v1/tables/fresh', detail.etag!);
    expect(newer.status).toBe(200);
    expect((newer.body as { version: number }).version).toBe((detail.body as { version: number }).version + 1);
  });

  it('pins at_version reads to the given version and refuses one that does not exist', async () => {
    await api.sql('CREATE TABLE pinned (id BIGINT)');
    await api.sql('INSERT INTO pinned VALUES (1)');
    await api.sql('INSERT INTO pinned VALUES (2)');
    const old = await rows('/v1/tables/pinned/rows?order=id&at_version=1');
    expect(old.body).toEqual([{ id: 1 }]);
    await api.sql('INSERT INTO pinned VALUES (3)');
    expect((await rows('/v1/tables/pinned/rows?order=id&at_version=1', old.etag!)).status).toBe(304);
    const missing = await api.fetch('/v1/tables/pinned/rows?at_version=99');
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
  });
});

describe('table lookups', () => {
  it('does not remember a table that was not found', async () => {
    expect((await api.fetch('/v1/tables/later/rows')).status).toBe(404);
    await api.sql('CREATE TABLE later (id BIGINT)');
    expect((await api.fetch('/v1/tables/later/rows')).status).toBe(200);
  });

  it('sees DDL through the API at once', async () => {
    const ddl = (sql: string) =>
      api.fetch('/v1/sql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql }),
      });
    expect((await ddl('CREATE TABLE swapped (id BIGINT)')).status).toBe(200);
    expect((await ddl('INSERT INTO swapped VALUES (1)')).status).toBe(200);
    expect((await rows('/v1/tables/swapped/rows')).body).toEqual([{ id: 1 }]);
    expect((await ddl('DROP TABLE swapped')).status).toBe(200);
    expect((await api.fetch('/v1/tables/swapped/rows')).status).toBe(404);
    expect((await ddl('CREATE TABLE swapped (name VARCHAR)')).status).toBe(200);
    expect((await ddl(`INSERT INTO swapped VALUES ('new')`)).status).toBe(200);
    expect((await rows('/v1/tables/swapped/rows')).body).toEqual([{ name: 'new' }]);
  });

  it('sees a table dropped and re-created behind the server after the TTL', async () => {
    await api.sql('CREATE TABLE recreated (id BIGINT)');
    await api.sql('INSERT INTO recreated VALUES (1)');
    expect((await rows('/v1/tables/recreated/rows')).body).toEqual([{ id: 1 }]);
    await api.sql('DROP TABLE recreated');
    await api.sql('CREATE TABLE recreated (name VARCHAR)');
    await api.sql(`INSERT INTO recreated VALUES ('again')`);
    await sleep(TABLE_CACHE_MS + 100);
    expect((await rows('/v1/tables/recreated/rows')).body).toEqual([{ name: 'again' }]);
    expect((await rows('/v1/tables/recreated')).body).toMatchObject({ columns: [{ name: 'name' }] });
  });
});

describe('compressed cached bodies', () => {
  const decode: Record<string, (bytes: Buffer) => Buffer> = {
    br: brotliDecompressSync,
    gzip: gunzipSync,
    deflate: inflateSync,
  };

  function raw(
    path: string,
    acceptEncoding: string,
  ): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    const url = new URL(path, api.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        { headers: { authorization: `Bearer ${api.tokens.admin}`, 'accept-encoding': acceptEncoding } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('decode to the same bytes as identity, on a miss and on a hit', async () => {
    const path = '/v1/tables/sales/rows?order=id&limit=100';
    const identity = await raw(path, 'identity');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.length).toBeGreaterThan(1024);
    for (const encoding of ['br', 'gzip', 'deflate']) {
      for (const round of [1, 2]) {
        const encoded = await raw(path, encoding);
        expect(encoded.headers['content-encoding'], `${encoding} round ${round}`).toBe(encoding);
        expect(String(encoded.headers.vary).toLowerCase()).toContain('accept-encoding');
        expect(encoded.headers.etag).toBe(identity.headers.etag);
        expect(decode[encoding]!(encoded.body).equals(identity.body)).toBe(true);
      }
    }
    // The client's preference order is honoured, and q=0 refuses a coding.
    expect((await raw(path, 'gzip;q=1, br;q=0.5')).headers['content-encoding']).toBe('gzip');
    expect((await raw(path, 'br;q=0, gzip')).headers['content-encoding']).toBe('gzip');
  });

  it('leaves small bodies uncompressed', async () => {
    const small = await raw('/v1/tables/sales/rows?order=id&limit=1', 'br');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString())).toHaveLength(1);
  });
});
