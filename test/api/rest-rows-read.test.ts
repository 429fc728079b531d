import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { queryRows, withConnection } from '../../src/lake/index.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
}, 60_000);
afterAll(async () => {
  await api?.close();
});

type Sale = { id: number; region: string; amount: number; day: string };

async function rows(query: string, init: RequestInit & { token?: string | null } = {}): Promise<Sale[]> {
  const response = await api.fetch(`/v1/tables/main.sales/rows?${query}`, init);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Sale[];
}

const ids = (list: readonly { id: number }[]) => list.map((r) => r.id);

describe('GET /v1/tables/{name}/rows filters', () => {
  it('supports every operator', async () => {
    expect(ids(await rows('id=eq.5'))).toEqual([5]);
    expect(await rows('id=neq.5&limit=1000')).toHaveLength(99);
    expect(ids(await rows('id=gt.98&order=id'))).toEqual([99, 100]);
    expect(ids(await rows('id=gte.99&order=id'))).toEqual([99, 100]);
    expect(ids(await rows('id=lt.3&order=id'))).toEqual([1, 2]);
    expect(ids(await rows('id=lte.2&order=id'))).toEqual([1, 2]);
    expect(new Set((await rows('region=like.E*')).map((r) => r.region))).toEqual(new Set(['EU']));
    expect(new Set((await rows('region=ilike.*pa*')).map((r) => r.region))).toEqual(new Set(['APAC']));
    expect(ids(await rows('id=in.(3,4,200)&order=id'))).toEqual([3, 4]);
    expect(await rows('region=is.null')).toEqual([]);
    expect(await rows('region=not.is.null&limit=1000')).toHaveLength(100);
    expect(ids(await rows('id=not.gt.2&order=id'))).toEqual([1, 2]);
    expect(ids(await rows('or=(id.eq.1,id.eq.50)&order=id'))).toEqual([1, 50]);
    expect(ids(await rows('and=(id.gt.10,id.lt.13)&order=id'))).toEqual([11, 12]);
    expect(ids(await rows('or=(id.eq.1,and(region.eq.EU,id.lt.7))&order=id'))).toEqual([1, 3, 6]);
    expect(ids(await rows('day=eq.2024-01-03&id=lt.30&order=id'))).toEqual([2, 12, 22]);
  });

  it('selects, orders, limits and offsets', async () => {
    const page = await rows('select=id,r:region&order=id.desc&limit=3&offset=1');
    expect(page).toEqual([
      { id: 99, r: 'EU' },
      { id: 98, r: 'APAC' },
      { id: 97, r: 'US' },
    ]);
    expect(await rows('limit=0')).toEqual([]);
  });

  it('aggregates, grouping by the plain columns', async () => {
    const groups = (await rows(
      'select=region,total:amount.sum(),count(),top:id.max()&order=region',
    )) as unknown as Array<Record<string, unknown>>;
    expect(groups).toEqual([
      { region: 'APAC', total: expect.any(Number), count: 33, top: 98 },
      { region: 'EU', total: expect.any(Number), count: 33, top: 99 },
      { region: 'US', total: expect.any(Number), count: 34, top: 100 },
    ]);
    expect((groups as Array<{ total: number }>).reduce((s, g) => s + g.total, 0)).toBeCloseTo(1.5 * 5050);
    const all = (await rows('select=count(),amount.avg()&id=lte.4')) as unknown as Array<Record<string, unknown>>;
    expect(all).toEqual([{ count: 4, avg: 3.75 }]);
  });

  it('pages with keyset cursors from the Link header', async () => {
    const seen: number[] = [];
    let next: string | null = '/v1/tables/main.sales/rows?select=id,region&order=region,id&limit=30';
    let pages = 0;
    while (next !== null) {
      const response = await api.fetch(next);
      expect(response.status).toBe(200);
      seen.push(...ids((await response.json()) as Sale[]));
      const link = response.headers.get('link');
      next = link === null ? null : /^<([^>]+)>; rel="next"$/.exec(link)![1]!;
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(100);
    expect(new Set(seen).size).toBe(100);
    expect(seen.slice(0, 2)).toEqual([2, 5]);
    // A cursor from a different order is refused.
    const first = await api.fetch('/v1/tables/main.sales/rows?order=id&limit=5');
    const cursor = new URL(/^<([^>]+)>/.exec(first.headers.get('link')!)![1]!, api.url).searchParams.get('after')!;
    expect((await api.fetch(`/v1/tables/main.sales/rows?order=id.desc&after=${cursor}`)).status).toBe(400);
    expect(ids(await rows(`order=id&limit=2&after=${cursor}`))).toEqual([6, 7]);
  });

  it('reads older versions with at_version', async () => {
    await api.sql("INSERT INTO customers VALUES (11, 'late', 'FR')");
    const history = (await (await api.fetch('/v1/tables/customers/history')).json()) as {
      history: Array<{ version: number }>;
    };
    const latest = history.history[0]!.version;
    const now = (await (await api.fetch('/v1/tables/customers/rows?select=id')).json()) as unknown[];
    const before = (await (
      await api.fetch(`/v1/tables/customers/rows?select=id&at_version=${latest - 1}`)
    ).json()) as unknown[];
    expect(now).toHaveLength(11);
    expect(before).toHaveLength(10);
  });

  it('refuses bad input with 4xx errors', async () => {
    const cases: Array<[string, number, RegExp]> = [
      ['id=eq.abc', 400, /"abc" for column "id" is not a valid BIGINT/],
      ['nope=eq.1', 400, /Unknown column "nope"/],
      ['id=zz.1', 400, /Malformed filter/],
      ['order=nope.desc', 400, /Unknown column/],
      ['order=id.sideways', 400, /Unknown column|Malformed/],
      ['limit=-1', 400, /non-negative/],
      ['select=region.sum()', 400, /numeric/],
      ['or=(id.eq.1', 400, /Malformed filter/],
      ['after=garbage&order=id', 400, /not a cursor/],
    ];
    for (const [query, status, message] of cases) {
      const response = await api.fetch(`/v1/tables/main.sales/rows?${query}`);
      const body = (await response.json()) as { code: string; message: string };
      expect(response.status, query).toBe(status);
      expect(body.message, query).toMatch(message);
    }
    expect((await api.fetch('/v1/tables/main.nope/rows')).status).toBe(404);
    expect((await api.fetch('/v1/tables/main.sales/rows', { headers: { accept: 'image/png' } })).status).toBe(406);
  });
});

describe('formats', () => {
  it('answers NDJSON, CSV and Parquet by Accept', async () => {
    const query = '/v1/tables/main.sales/rows?select=id,region,day&order=id&limit=3';
    const ndjson = await api.fetch(query, { headers: { accept: 'application/x-ndjson' } });
    expect(ndjson.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(
      (await ndjson.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { id: 1, region: 'US', day: '2024-01-02' },
      { id: 2, region: 'APAC', day: '2024-01-03' },
      { id: 3, region: 'EU', day: '2024-01-04' },
    ]);
    const csv = await api.fetch(query, { headers: { accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\r\n')).toEqual([
      'id,region,day',
      '1,US,2024-01-02',
      '2,APAC,2024-01-03',
      '3,EU,2024-01-04',
      '',
    ]);
    const parquet = await api.fetch(query, { headers: { accept: 'application/vnd.apache.parquet' } });
    expect(parquet.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    const file = path.join(tmpdir(), `rest-test-${randomUUID()}.parquet`);
    writeFileSync(file, Buffer.from(await parquet.arrayBuffer()));
    try {
      const back = await withConnection((c) =>
        queryRows(
          c,
          `SELECT id, region, CAST(day AS VARCHAR) AS day, typeof(id) AS t FROM read_parquet('${file}') ORDER BY id`,
        ),
      );
      expect(back).toEqual([
        { id: 1, region: 'US', day: '2024-01-02', t: 'BIGINT' },
        { id: 2, region: 'APAC', day: '2024-01-03', t: 'BIGINT' },
        { id: 3, region: 'EU', day: '2024-01-04', t: 'BIGINT' },
      ]);
    } finally {
      rmSync(file, { force: true });
    }
  });
});

describe('caching', () => {
  it('answers 304 to a matching If-None-Match and changes the ETag on commit', async () => {
    const query = '/v1/tables/main.sales/rows?select=region,amount.sum()&order=region';
    const first = await api.fetch(query);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get('cache-control')).toBeTruthy();
    const again = await api.fetch(query, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    // The same request written in another parameter order is the same resource.
    const reordered = await api.fetch('/v1/tables/main.sales/rows?order=region&select=region,amount.sum()', {
      headers: { 'if-none-match': etag },
    });
    expect(reordered.status).toBe(304);
    await api.sql("INSERT INTO sales VALUES (1000, 'EU', 1.0, DATE '2024-02-01')");
    const changed = await api.fetch(query, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    await api.sql('DELETE FROM sales WHERE id = 1000');
    const detail = await api.fetch('/v1/tables/main.sales');
    expect(
      (await api.fetch('/v1/tables/main.sales', { headers: { 'if-none-match': detail.headers.get('etag')! } })).status,
    ).toBe(304);
  });
});
