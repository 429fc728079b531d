import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
}, 60_000);
afterAll(async () => {
  await api?.close();
});

describe('table routes', () => {
  it('lists the visible tables', async () => {
    const listed = (await (await api.fetch('/v1/tables', { token: api.tokens.reader })).json()) as {
      tables: Array<{ name: string }>;
    };
    expect(listed.tables.map((t) => t.name).sort()).toEqual(['main.customers', 'main.sales']);
  });

  it('describes a table', async () => {
    const response = await api.fetch('/v1/tables/sales');
    expect(response.status).toBe(200);
    const table = (await response.json()) as Record<string, unknown>;
    expect(table).toMatchObject({
      name: 'main.sales',
      version: 1,
      columns: [
        { name: 'id', type: 'long', duckdbType: 'BIGINT', nullable: true },
        { name: 'region', type: 'string', duckdbType: 'VARCHAR', nullable: true },
        { name: 'amount', type: 'double', duckdbType: 'DOUBLE', nullable: true },
        { name: 'day', type: 'date', duckdbType: 'DATE', nullable: true },
      ],
      properties: { 'delta.enableChangeDataFeed': 'true' },
      numRows: 100,
    });
    expect(table.location).toBeDefined();
    const asReader = (await (await api.fetch('/v1/tables/sales', { token: api.tokens.reader })).json()) as Record<
      string,
      unknown
    >;
    expect(asReader.location).toBeUndefined();
  });

  it('shows the history, newest first', async () => {
    const response = await api.fetch('/v1/tables/main.sales/history?limit=5');
    const { history } = (await response.json()) as { history: Array<{ version: number; operation: string }> };
    expect(history.map((h) => h.version)).toEqual([1, 0]);
    expect(history[1]!.operation).toBe('CREATE TABLE');
    expect(response.headers.get('etag')).toBeTruthy();
  });

  it('publishes OpenAPI for the routes', async () => {
    const spec = (await (await api.fetch('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/tables',
        '/v1/tables/{name}',
        '/v1/tables/{name}/rows',
        '/v1/tables/{name}/history',
        '/v1/sql',
      ]),
    );
    expect(Object.keys(spec.paths['/v1/tables/{name}/rows']!).sort()).toEqual(['delete', 'get', 'patch', 'post']);
  });
});

describe('POST /v1/sql', () => {
  const sql = (text: string, init: { token?: string; accept?: string; query?: string } = {}) =>
    api.fetch(`/v1/sql${init.query ?? ''}`, {
      method: 'POST',
      token: init.token ?? api.tokens.reader,
      headers: { 'content-type': 'application/json', ...(init.accept ? { accept: init.accept } : {}) },
      body: JSON.stringify({ sql: text }),
    });

  it('answers queries as JSON, NDJSON and CSV within the row limit', async () => {
    const result = (await (
      await sql('SELECT region, count(*) AS n FROM sales GROUP BY region ORDER BY region')
    ).json()) as Record<string, unknown>;
    expect(result).toMatchObject({
      rows: [
        { region: 'APAC', n: 33 },
        { region: 'EU', n: 33 },
        { region: 'US', n: 34 },
      ],
      rowCount: 3,
      truncated: false,
    });
    const ndjson = await sql('SELECT id FROM main.sales ORDER BY id', {
      accept: 'application/x-ndjson',
      query: '?max_rows=5',
    });
    expect(
      (await ndjson.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }]);
    const csv = await sql('SELECT id, name FROM customers ORDER BY id LIMIT 2', { accept: 'text/csv' });
    expect(await csv.text()).toBe('id,name\r\n1,customer 1\r\n2,customer 2\r\n');
    const truncated = (await (await sql('SELECT id FROM sales', { query: '?max_rows=3' })).json()) as {
      rows: unknown[];
      truncated: boolean;
    };
    expect(truncated.rows).toHaveLength(3);
    expect(truncated.truncated).toBe(true);
  });

  it('lets writers write and refuses readers', async () => {
    const refused = await sql("INSERT INTO customers VALUES (99, 'x', 'y')");
    expect(refused.status).toBe(403);
    const written = await sql("INSERT INTO customers VALUES (99, 'x', 'y')", { token: api.tokens.writer });
    expect(written.status).toBe(200);
    expect(await written.json()).toMatchObject({ statement: 'insert', version: 2 });
  });

  it('refuses bad SQL with a 4xx', async () => {
    for (const text of [
      'SELEC 1',
      'SELECT nope FROM sales',
      'SELECT 1; SELECT 2',
      "SELECT * FROM read_csv('/etc/passwd')",
    ]) {
      const response = await sql(text);
      expect(response.status, text).toBeGreaterThanOrEqual(400);
      expect(response.status, text).toBeLessThan(500);
    }
  });
});
