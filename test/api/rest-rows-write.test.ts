import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { withConnection } from '../../src/lake/index.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
}, 60_000);
afterAll(async () => {
  await api?.close();
});

async function version(table = 'main.sales'): Promise<number> {
  return ((await (await api.fetch(`/v1/tables/${table}`)).json()) as { version: number }).version;
}

async function count(query = ''): Promise<number> {
  const response = await api.fetch(`/v1/tables/main.sales/rows?select=count()&${query}`);
  return ((await response.json()) as Array<{ count: number }>)[0]!.count;
}

async function expectRefused(response: Response, status: number, message: RegExp): Promise<void> {
  const body = (await response.json()) as { message: string };
  expect(response.status, body.message).toBe(status);
  expect(body.message).toMatch(message);
}

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST rows', () => {
  it('appends JSON, NDJSON and Parquet bodies', async () => {
    const before = await version();
    const posted = await api.fetch('/v1/tables/main.sales/rows', {
      method: 'POST',
      token: api.tokens.writer,
      ...json([
        { id: 201, region: 'EU', amount: 1, day: '2024-03-01' },
        { id: 202, REGION: 'US' },
      ]),
    });
    expect(posted.status).toBe(201);
    expect(await posted.json()).toEqual({ table: 'main.sales', version: before + 1, committed: true, rows: 2 });
    expect(await (await api.fetch('/v1/tables/main.sales/rows?id=eq.202')).json()).toEqual([
      { id: 202, region: 'US', amount: null, day: null },
    ]);

    const ndjson = '{"id": 203, "region": "EU"}\n{"id": 204, "amount": 2.5}\n';
    const second = await api.fetch('/v1/tables/main.sales/rows', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjson,
    });
    expect(second.status).toBe(201);

    const file = path.join(tmpdir(), `rest-${randomUUID()}.parquet`);
    await withConnection((c) =>
      c.run(`COPY (SELECT 205::INTEGER AS id, 'APAC' AS region) TO '${file}' (FORMAT parquet)`),
    );
    try {
      const third = await api.fetch('/v1/tables/main.sales/rows', {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.apache.parquet' },
        body: readFileSync(file),
      });
      expect(third.status).toBe(201);
    } finally {
      rmSync(file, { force: true });
    }
    expect(await count('id=gte.201&id=lte.205')).toBe(5);
    expect(await version()).toBe(before + 3);
  });

  it('refuses bad bodies and writes nothing', async () => {
    const before = await version();
    const post = (init: RequestInit & { token?: string }) =>
      api.fetch('/v1/tables/main.sales/rows', { method: 'POST', ...init });
    await expectRefused(await post(json([{ id: 'abc' }])), 400, /do not fit/);
    await expectRefused(await post(json([{ nope: 1 }])), 400, /Unknown column "nope"/);
    await expectRefused(await post(json([])), 400, /no rows/);
    await expectRefused(await post(json(5)), 400, /JSON array/);
    await expectRefused(
      await post({ headers: { 'content-type': 'application/x-ndjson' }, body: '{"id": 1}\nnot json' }),
      422,
      /Line 2 of the body/,
    );
    await expectRefused(
      await post({ headers: { 'content-type': 'application/vnd.apache.parquet' }, body: 'not parquet' }),
      400,
      /Parquet/,
    );
    await expectRefused(await post({ token: api.tokens.reader, ...json([{ id: 1 }]) }), 403, /writer/);
    expect(await version()).toBe(before);
  });

  it('refuses bodies over the server limit with 413', async () => {
    const small = await startTestApi({ seed: true, server: { limits: { bodyBytes: 1024 } } });
    try {
      const rows = Array.from({ length: 100 }, (_, i) => ({ id: 1000 + i, region: 'EU' }));
      const response = await small.fetch('/v1/tables/main.sales/rows', { method: 'POST', ...json(rows) });
      expect(response.status).toBe(413);
      expect(((await (await small.fetch('/v1/tables/main.sales')).json()) as { version: number }).version).toBe(1);
    } finally {
      await small.close();
    }
  }, 60_000);
});

describe('commit events', () => {
  it('announces a REST write to listeners of the table', async () => {
    const subscription = api.server.context.events.subscribe('tables/main.customers');
    try {
      const next = subscription[Symbol.asyncIterator]().next();
      const posted = await api.fetch('/v1/tables/main.customers/rows', {
        method: 'POST',
        ...json({ id: 50, name: 'n', country: 'DE' }),
      });
      expect(posted.status).toBe(201);
      const event = await next;
      expect(event.value).toMatchObject({ topic: 'tables/main.customers', type: 'commit' });
    } finally {
      subscription.close();
    }
  });
});

describe('PATCH and DELETE rows', () => {
  it('commits nothing and announces nothing when no row matches', async () => {
    const subscription = api.server.context.events.subscribe('tables/main.sales');
    try {
      const next = subscription[Symbol.asyncIterator]().next();
      const before = await version();
      const none = '/v1/tables/main.sales/rows?id=eq.999999';
      const deleted = await api.fetch(none, { method: 'DELETE', token: api.tokens.writer });
      expect(await deleted.json()).toEqual({ table: 'main.sales', version: before, committed: false, rows: 0 });
      const patched = await api.fetch(none, { method: 'PATCH', token: api.tokens.writer, ...json({ amount: 1 }) });
      expect(await patched.json()).toEqual({ table: 'main.sales', version: before, committed: false, rows: 0 });
      expect(await version()).toBe(before);
      // The first event the table's listeners get is the next real commit's.
      const posted = await api.fetch('/v1/tables/main.sales/rows', { method: 'POST', ...json({ id: 900 }) });
      expect(posted.status).toBe(201);
      expect((await next).value).toMatchObject({ type: 'commit', data: { version: before + 1 } });
    } finally {
      subscription.close();
    }
  });

  it('updates and deletes the filtered rows', async () => {
    const before = await version();
    const patched = await api.fetch('/v1/tables/main.sales/rows?region=eq.EU&id=lte.9', {
      method: 'PATCH',
      token: api.tokens.writer,
      ...json({ amount: 0, region: 'XX' }),
    });
    expect(await patched.json()).toEqual({ table: 'main.sales', version: before + 1, committed: true, rows: 3 });
    expect(await (await api.fetch('/v1/tables/main.sales/rows?region=eq.XX&order=id&select=id,amount')).json()).toEqual(
      [
        { id: 3, amount: 0 },
        { id: 6, amount: 0 },
        { id: 9, amount: 0 },
      ],
    );
    const deleted = await api.fetch('/v1/tables/main.sales/rows?region=eq.XX', {
      method: 'DELETE',
      token: api.tokens.writer,
    });
    expect(await deleted.json()).toEqual({ table: 'main.sales', version: before + 2, committed: true, rows: 3 });
    expect(await count('region=eq.XX')).toBe(0);
  });

  it('refuses unfiltered, malformed and unauthorized changes, writing nothing', async () => {
    const before = await version();
    await expectRefused(await api.fetch('/v1/tables/main.sales/rows', { method: 'DELETE' }), 400, /all=true/);
    await expectRefused(
      await api.fetch('/v1/tables/main.sales/rows', { method: 'PATCH', ...json({ amount: 1 }) }),
      400,
      /all=true/,
    );
    await expectRefused(await api.fetch('/v1/tables/main.sales/rows?id=eq.abc', { method: 'DELETE' }), 400, /BIGINT/);
    await expectRefused(
      await api.fetch('/v1/tables/main.sales/rows?id=eq.1', { method: 'PATCH', ...json({ id: 'x' }) }),
      400,
      /BIGINT/,
    );
    await expectRefused(
      await api.fetch('/v1/tables/main.sales/rows?id=eq.1', { method: 'PATCH', ...json({ nope: 1 }) }),
      400,
      /Unknown column/,
    );
    await expectRefused(
      await api.fetch('/v1/tables/main.sales/rows?id=eq.1', { method: 'PATCH', ...json({ amount: [1] }) }),
      400,
      /.+/,
    );
    await expectRefused(
      await api.fetch('/v1/tables/main.sales/rows?id=eq.1', { method: 'DELETE', token: api.tokens.reader }),
      403,
      /writer/,
    );
    expect(await version()).toBe(before);
    const all = await api.fetch('/v1/tables/main.customers/rows?all=true', { method: 'DELETE' });
    expect(((await all.json()) as { rows: number }).rows).toBeGreaterThan(0);
  });
});

describe('grants', () => {
  it('limits what a restricted writer reads and writes', async () => {
    const token = await api.token('writer', [
      { table: 'main.sales', columns: ['id', 'region', 'amount'], rowFilter: "region = 'EU'" },
    ]);
    const seen = (await (await api.fetch('/v1/tables/main.sales/rows?order=id&limit=3', { token })).json()) as Array<
      Record<string, unknown>
    >;
    expect(seen.map((r) => Object.keys(r))).toEqual([
      ['id', 'region', 'amount'],
      ['id', 'region', 'amount'],
      ['id', 'region', 'amount'],
    ]);
    expect(new Set(seen.map((r) => r.region))).toEqual(new Set(['EU']));
    expect((await api.fetch('/v1/tables/main.sales/rows?day=eq.2024-01-02', { token })).status).toBe(400);
    const detail = (await (await api.fetch('/v1/tables/main.sales', { token })).json()) as {
      columns: Array<{ name: string }>;
    };
    expect(detail.columns.map((c) => c.name)).toEqual(['id', 'region', 'amount']);

    const before = await version();
    await expectRefused(
      await api.fetch('/v1/tables/main.sales/rows', { method: 'POST', token, ...json([{ id: 300, region: 'US' }]) }),
      403,
      /row filter/,
    );
    await expectRefused(
      await api.fetch('/v1/tables/main.sales/rows', {
        method: 'POST',
        token,
        ...json([{ id: 300, region: 'EU', day: '2024-01-01' }]),
      }),
      403,
      /"day" is not writable/,
    );
    await expectRefused(
      await api.fetch('/v1/tables/main.sales/rows?id=eq.12', { method: 'PATCH', token, ...json({ region: 'US' }) }),
      403,
      /row filter/,
    );
    expect(await version()).toBe(before);

    // Filters are ANDed with the row filter: US rows are invisible, so untouched (EU ids 3, 6, 9 went earlier).
    const deleted = await api.fetch('/v1/tables/main.sales/rows?id=lte.12', { method: 'DELETE', token });
    expect(((await deleted.json()) as { rows: number }).rows).toBe(1);
    expect(await count('id=lte.12&region=eq.US')).toBe(4);
    expect(await count('id=lte.12&region=eq.EU')).toBe(0);
    expect((await api.fetch('/v1/tables/main.customers/rows', { token })).status).toBe(404);
  });
});
