/**
 * The SQL workbench's REST (issue 12): query ids and cancel (the owner only; a client
 * that goes away cancels too), per-user query history, EXPLAIN with the engine's
 * pruning report, CSV and Parquet export, the catalog for completion under grants, and
 * time travel through `/v1/sql` — on a real server and warehouse.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlSession } from '../../src/engine/index.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

let api: TestApi;
let limited: string;

// Five copies of sales crossed: 10^10 rows to count, far longer than any test waits.
const LONG_QUERY =
  'SELECT count(*) AS n FROM sales a, sales b, sales c, sales d, sales e WHERE a.amount + b.amount + c.amount + d.amount + e.amount < 0';

beforeAll(async () => {
  api = await startTestApi({ server: { limits: { queryTimeoutMs: 120_000 } } });
  // Four files of 25 ids each, so stats skip some of them.
  await api.sql('CREATE TABLE events (id BIGINT, kind VARCHAR)');
  for (let i = 0; i < 4; i++)
    await api.sql(`INSERT INTO events SELECT i, 'k' || (i % 3) FROM range(${i * 25}, ${(i + 1) * 25}) t(i)`);
  // Grants apply to a whole role: the writers are the restricted principals here, readers see everything.
  limited = await api.token('writer', [{ table: 'main.sales', columns: ['id', 'amount'] }]);
}, 60_000);
afterAll(async () => {
  await api?.close();
});

function post(sql: string, init: { token?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
  return api.fetch('/v1/sql', {
    method: 'POST',
    token: init.token ?? api.tokens.admin,
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify({ sql }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

async function history(token: string, user?: string): Promise<{ user: string; entries: Record<string, unknown>[] }> {
  const response = await api.fetch(`/v1/sql/history${user ? `?user=${encodeURIComponent(user)}` : ''}`, { token });
  expect(response.status).toBe(200);
  return (await response.json()) as { user: string; entries: Record<string, unknown>[] };
}

/** DELETE until the query is registered (it is as soon as its request is read), then its answer. */
async function cancelWhenRunning(id: string, token: string): Promise<Response> {
  for (;;) {
    const response = await api.fetch(`/v1/sql/queries/${id}`, { method: 'DELETE', token });
    if (response.status !== 404) return response;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('query ids and cancel', () => {
  it('names every query in x-strata-query-id', async () => {
    const response = await post('SELECT 1 AS one');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-strata-query-id')).toMatch(/^[0-9a-f-]{36}$/);
    const mine = await post('SELECT 1 AS one', { headers: { 'x-strata-query-id': 'my-query-1' } });
    expect(mine.headers.get('x-strata-query-id')).toBe('my-query-1');
    expect((await post('SELECT 1', { headers: { 'x-strata-query-id': 'bad id!' } })).status).toBe(400);
  });

  it('interrupts a long query for its owner, and refuses everyone else', async () => {
    const id = randomUUID();
    const running = post(LONG_QUERY, { token: api.tokens.reader, headers: { 'x-strata-query-id': id } });
    // Another principal (even an admin) cannot reach it: to them the id does not exist.
    const other = await api.fetch(`/v1/sql/queries/${id}`, { method: 'DELETE', token: api.tokens.admin });
    expect(other.status).toBe(404);
    const cancel = await cancelWhenRunning(id, api.tokens.reader);
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toEqual({ id, cancelled: true });
    const response = await running;
    expect(response.status).toBe(409);
    expect(((await response.json()) as { code: string }).code).toBe('API_QUERY_CANCELLED');
    const entry = (await history(api.tokens.reader)).entries.find((e) => e.sql === LONG_QUERY);
    expect(entry).toMatchObject({ status: 'cancelled', errorCode: 'API_QUERY_CANCELLED', rowCount: null });
    // Done: cancelling again finds nothing.
    expect((await api.fetch(`/v1/sql/queries/${id}`, { method: 'DELETE', token: api.tokens.reader })).status).toBe(404);
  });

  it('cancels a query whose client went away', async () => {
    const id = randomUUID();
    const controller = new AbortController();
    const sql = `${LONG_QUERY} AND a.id > 0`;
    const token = await api.token('reader');
    const running = post(sql, { token, headers: { 'x-strata-query-id': id }, signal: controller.signal });
    // Registered (a cancel by another principal says 404 whether or not it runs, so ask the owner's history instead).
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await expect(running).rejects.toThrow();
    // Interrupted, not left to run into its time limit: the history says cancelled, not API_QUERY_TIMEOUT.
    let entry: Record<string, unknown> | undefined;
    while (entry === undefined) {
      entry = (await history(token)).entries.find((e) => e.sql === sql);
      if (entry === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(entry).toMatchObject({ status: 'cancelled', errorCode: 'API_QUERY_CANCELLED' });
  });
});

describe('query history', () => {
  it("keeps each user's statements, shows only one's own, and admins any user's", async () => {
    const token = await api.token('reader');
    const other = await api.token('reader');
    expect((await post('SELECT count(*) AS n FROM sales', { token })).status).toBe(200);
    expect((await post('SELECT no_such_column FROM sales', { token })).status).toBe(400);
    expect((await post('SELECT 42 AS answer', { token: other })).status).toBe(200);
    const own = await history(token);
    expect(own.entries.map((e) => [e.sql, e.status, e.rowCount])).toEqual([
      ['SELECT no_such_column FROM sales', 'error', null],
      ['SELECT count(*) AS n FROM sales', 'ok', 1],
    ]);
    expect(own.entries[0]!.errorCode).toMatch(/^[A-Z_]+$/);
    expect(own.entries[1]).toMatchObject({ errorCode: null, durationMs: expect.any(Number) });
    expect(Date.parse(own.entries[1]!.startedAt as string)).not.toBeNaN();
    // Another reader's history is not its own; asking for it by name is an admin's right only.
    expect((await history(other)).entries.map((e) => e.sql)).toEqual(['SELECT 42 AS answer']);
    const refused = await api.fetch(`/v1/sql/history?user=${own.user}`, { token: other });
    expect(refused.status).toBe(403);
    expect((await history(api.tokens.admin, own.user)).entries).toEqual(own.entries);
  });

  it('never records a token secret', async () => {
    const secret = `strata_0123456789ab_${'s'.repeat(43)}`;
    const token = await api.token('reader');
    expect((await post(`SELECT '${secret}' AS t`, { token })).status).toBe(200);
    const [entry] = (await history(token)).entries;
    expect(entry!.sql).toBe(`SELECT 'strata_0123456789ab_[REDACTED]' AS t`);
  });
});

describe('EXPLAIN with the pruning report', () => {
  const query = 'SELECT * FROM events WHERE id >= 60';

  it("reports the engine's files kept and skipped, with the plan", async () => {
    const response = await api.fetch('/v1/sql/explain', {
      method: 'POST',
      token: api.tokens.reader,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: query }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { plan: string; scans: Record<string, unknown>[] };
    // The engine's own EXPLAIN of the same query (its summary line).
    const engine = (await new SqlSession(api.catalog).executeOne(`EXPLAIN ${query}`)).message!;
    const [, total, kept, skipped, partition, stats, join] =
      /files: (\d+) total, (\d+) kept, (\d+) skipped \((\d+) by partition, (\d+) by stats, (\d+) by join keys\)/
        .exec(engine)!
        .map(Number);
    expect(body.scans).toEqual([
      expect.objectContaining({
        table: 'main.events',
        version: 4,
        filesTotal: total,
        filesKept: kept,
        filesSkipped: skipped,
        skippedByPartition: partition,
        skippedByStats: stats,
        skippedByJoin: join,
      }),
    ]);
    expect(body.scans[0]).toMatchObject({ filesTotal: 4, filesKept: 2, skippedByStats: 2 });
    expect(body.plan).toMatch(/Filters: id>=60/);
    // A reader never sees where the files are.
    expect(JSON.stringify(body)).not.toContain(api.warehouse);
  });

  it('refuses a principal whose grant restricts a table the query reads', async () => {
    const response = await api.fetch('/v1/sql/explain', {
      method: 'POST',
      token: limited,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT id FROM sales WHERE id > 10' }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe('API_FORBIDDEN');
  });
});

describe('export', () => {
  const sql = 'SELECT id, region, amount, day FROM sales WHERE id <= 5 ORDER BY id';

  it('downloads CSV', async () => {
    const response = await api.fetch(`/v1/sql/export?format=csv&sql=${encodeURIComponent(sql)}`, {
      token: api.tokens.reader,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="strata-query-.*\.csv"$/);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,region,amount,day');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(lines[1]).toBe('1,US,1.5,2024-01-02');
  });

  it('downloads Parquet that DuckDB reads back with the query types', async () => {
    const response = await api.fetch(`/v1/sql/export?format=parquet&sql=${encodeURIComponent(sql)}`, {
      token: api.tokens.reader,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/\.parquet"$/);
    const file = path.join(os.tmpdir(), `export-${randomUUID()}.parquet`);
    await fs.writeFile(file, Buffer.from(await response.arrayBuffer()));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const read = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}') ORDER BY id`);
      expect(read.columnNames()).toEqual(['id', 'region', 'amount', 'day']);
      expect(read.columnTypes().map(String)).toEqual(['BIGINT', 'VARCHAR', 'DOUBLE', 'DATE']);
      expect(read.getRowsJson().map((r) => r.slice(0, 3))).toEqual([
        ['1', 'US', 1.5],
        ['2', 'APAC', 3],
        ['3', 'EU', 4.5],
        ['4', 'US', 6],
        ['5', 'APAC', 7.5],
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
      await fs.rm(file, { force: true });
    }
  });

  it('exports queries only, and under the grants', async () => {
    const write = await api.fetch(`/v1/sql/export?format=csv&sql=${encodeURIComponent('DELETE FROM sales')}`);
    expect(write.status).toBe(400);
    const hidden = await api.fetch(`/v1/sql/export?format=csv&sql=${encodeURIComponent('SELECT region FROM sales')}`, {
      token: limited,
    });
    expect(hidden.status).toBe(400);
    const absent = await api.fetch(`/v1/sql/export?format=csv&sql=${encodeURIComponent('SELECT * FROM customers')}`, {
      token: limited,
    });
    expect(absent.status).toBe(404);
  });

  it('answers POST /v1/sql in ?format= as a download', async () => {
    const response = await api.fetch('/v1/sql?format=csv&download=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ sql }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment/);
    expect((await response.text()).split('\r\n')[0]).toBe('id,region,amount,day');
  });
});

describe('catalog for completion', () => {
  it('lists every table with its columns and types for an unrestricted principal', async () => {
    const response = await api.fetch('/v1/sql/catalog', { token: api.tokens.reader });
    expect(response.status).toBe(200);
    const { tables } = (await response.json()) as { tables: { name: string; columns: unknown[] }[] };
    const sales = tables.find((t) => t.name === 'main.sales');
    expect(sales).toMatchObject({ schema: 'main', table: 'sales', kind: 'managed' });
    expect(sales!.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'region', type: 'VARCHAR' },
      { name: 'amount', type: 'DOUBLE' },
      { name: 'day', type: 'DATE' },
    ]);
    expect(tables.map((t) => t.name).sort()).toEqual(['main.customers', 'main.events', 'main.sales']);
  });

  it('shows a restricted principal only its tables and columns', async () => {
    const response = await api.fetch('/v1/sql/catalog', { token: limited });
    const { tables } = (await response.json()) as { tables: unknown[] };
    expect(tables).toEqual([
      {
        name: 'main.sales',
        schema: 'main',
        table: 'sales',
        kind: 'managed',
        columns: [
          { name: 'id', type: 'BIGINT' },
          { name: 'amount', type: 'DOUBLE' },
        ],
      },
    ]);
  });
});

describe('time travel', () => {
  it('reads a table AT (VERSION => n) through /v1/sql', async () => {
    await api.sql('DELETE FROM events WHERE id < 10');
    const now = (await (await post('SELECT count(*) AS n FROM events')).json()) as { rows: { n: number }[] };
    const before = (await (await post('SELECT count(*) AS n FROM events AT (VERSION => 4)')).json()) as {
      rows: { n: number }[];
    };
    const first = (await (await post('SELECT count(*) AS n FROM events AT (VERSION => 1)')).json()) as {
      rows: { n: number }[];
    };
    expect([Number(now.rows[0]!.n), Number(before.rows[0]!.n), Number(first.rows[0]!.n)]).toEqual([90, 100, 25]);
  });
});

describe('statements other than queries', () => {
  it('run to their end: their id cannot be cancelled, and they are in the history', async () => {
    const id = randomUUID();
    const response = await post('CREATE TABLE scratch (id BIGINT)', { headers: { 'x-strata-query-id': id } });
    expect(response.status).toBe(200);
    expect((await api.fetch(`/v1/sql/queries/${id}`, { method: 'DELETE' })).status).toBe(404);
    const { entries } = await history(api.tokens.admin);
    expect(entries[0]).toMatchObject({ sql: 'CREATE TABLE scratch (id BIGINT)', status: 'ok' });
  });
});
