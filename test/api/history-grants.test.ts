/**
 * Table history under grants (issue 10, item 10): a principal whose grant restricts a
 * table's rows or columns sees when the table changed and how (version, timestamp,
 * operation), never the commits' parameters (a DELETE's predicate), metrics or other
 * details, in REST and SQL alike; unrestricted principals still see everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

let api: TestApi;
let rowLimited: string;
let columnLimited: string;

beforeAll(async () => {
  api = await startTestApi();
  await api.sql(`DELETE FROM sales WHERE region = 'US' AND amount > 120`);
  rowLimited = await api.token('reader', [{ table: 'main.sales', rowFilter: `region = 'EU'` }]);
  // The writer role sees sales' columns in part, customers whole.
  columnLimited = await api.token('writer', [
    { table: 'main.sales', columns: ['id', 'amount'] },
    { table: 'main.customers' },
  ]);
}, 60_000);
afterAll(async () => {
  await api?.close();
});

type Entry = Record<string, unknown>;

async function restHistory(table: string, token: string): Promise<Entry[]> {
  const response = await api.fetch(`/v1/tables/${table}/history`, { token });
  expect(response.status).toBe(200);
  return ((await response.json()) as { history: Entry[] }).history;
}

async function sqlHistory(table: string, token: string): Promise<Entry[]> {
  const response = await api.fetch('/v1/sql', {
    token,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: `DESCRIBE HISTORY ${table}` }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { rows: Entry[] }).rows;
}

describe('history under grants', () => {
  it('shows an unrestricted principal every detail (REST)', async () => {
    const history = await restHistory('sales', api.tokens.admin);
    expect(history[0]).toMatchObject({ version: 2, operation: 'DELETE' });
    expect(JSON.stringify(history[0]!.operationParameters)).toContain(`region = 'US'`);
    expect(history[0]!.operationMetrics).toMatchObject({ numDeletedRows: expect.anything() });
    // A grant that leaves the table whole is not a restriction.
    const customers = await restHistory('customers', columnLimited);
    expect(customers[0]).toHaveProperty('operationMetrics');
  });

  it.each([
    ['a row filter', () => rowLimited],
    ['a column list', () => columnLimited],
  ])('shows a principal limited by %s version, timestamp and operation only (REST)', async (_, token) => {
    const history = await restHistory('sales', token());
    expect(history.map((h) => h.version)).toEqual([2, 1, 0]);
    for (const entry of history) expect(Object.keys(entry).sort()).toEqual(['operation', 'timestamp', 'version']);
    expect(history[0]!.operation).toBe('DELETE');
    expect(JSON.stringify(history)).not.toContain('US');
  });

  it('shows an unrestricted principal every detail (SQL DESCRIBE HISTORY)', async () => {
    const rows = await sqlHistory('sales', api.tokens.admin);
    expect(rows[0]).toMatchObject({ version: 2, operation: 'DELETE' });
    expect(String(rows[0]!.operationParameters)).toContain(`region = 'US'`);
    expect(String(rows[0]!.operationMetrics)).toContain('numDeletedRows');
    const customers = await sqlHistory('customers', columnLimited);
    expect(customers[0]!.operationMetrics).not.toBeNull();
  });

  it.each([
    ['a row filter', () => rowLimited],
    ['a column list', () => columnLimited],
  ])('shows a principal limited by %s version, timestamp and operation only (SQL)', async (_, token) => {
    const rows = await sqlHistory('sales', token());
    expect(rows.map((r) => r.version)).toEqual([2, 1, 0]);
    expect(rows[0]!.operation).toBe('DELETE');
    for (const row of rows) {
      // The result keeps its columns; what they would say about hidden rows is NULL.
      expect(Object.keys(row)).toContain('operationParameters');
      for (const [name, value] of Object.entries(row))
        if (!['version', 'timestamp', 'operation'].includes(name)) expect(value).toBeNull();
    }
  });

  it('answers DESCRIBE HISTORY of a table not granted as if it did not exist', async () => {
    const response = await api.fetch('/v1/sql', {
      token: rowLimited,
      method: 'POST',
      body: JSON.stringify({ sql: 'DESCRIBE HISTORY customers' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe('CATALOG_TABLE_NOT_FOUND');
  });

  it('has no GraphQL field that shows history (nothing there to redact)', async () => {
    const response = await api.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __schema { types { name fields { name } } } }' }),
    });
    const body = (await response.json()) as {
      data: { __schema: { types: Array<{ name: string; fields: Array<{ name: string }> | null }> } };
    };
    const names = body.data.__schema.types.flatMap((t) => [t.name, ...(t.fields ?? []).map((f) => f.name)]);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => /history|operationParameters|operationMetrics/i.test(n))).toEqual([]);
  });
});
