/**
 * SQL errors shown to non-admins name no server paths (table directories, Parquet
 * files, the lake root, `delta_scan` calls) and, under a restricting grant, do not echo
 * the grant's rewrite of the statement (its columns and row filter); admins, who see
 * locations in /v1/tables, keep DuckDB's whole message. Over REST /v1/sql and GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';
import { gql } from './helpers/graphql-client.js';

describe('SQL errors for restricted principals', () => {
  let api: TestApi;
  let limited: string;

  beforeAll(async () => {
    api = await startTestApi();
    // The grant applies to the reader role; the writer role stays unrestricted.
    limited = await api.token('reader', [{ table: 'main.sales', columns: ['id', 'day'], rowFilter: 'id < 50' }]);
  });
  afterAll(() => api?.close());

  async function sqlError(sql: string, token: string): Promise<{ code: string; message: string; details: unknown }> {
    const response = await api.fetch('/v1/sql', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql }),
    });
    expect(response.status).toBe(400);
    return (await response.json()) as { code: string; message: string; details: unknown };
  }

  const leaks = (text: string): string[] =>
    [api.warehouse, 'file:', 'delta_scan', '.parquet', 'id < 50', '/lake/'].filter((s) => text.includes(s));

  it('keeps the complaint and hides paths and the grant over REST', async () => {
    for (const sql of ['SELECT nope FROM main.sales', 'SELECT CAST(day AS INT) FROM main.sales']) {
      const body = await sqlError(sql, limited);
      expect(body.code).toBe('ENGINE_SQL');
      expect(leaks(JSON.stringify(body))).toEqual([]);
      expect(body.details).toEqual({ tables: ['main.sales'] });
    }
    const body = await sqlError('SELECT nope FROM main.sales', limited);
    expect(body.message).toContain('Referenced column "nope" not found');
    expect(body.message).toContain('Candidate bindings: "day"');
  });

  it('shows an unrestricted writer the echo with the table name where the path was, the caret in place', async () => {
    const body = await sqlError('SELECT nope FROM main.sales', api.tokens.writer);
    expect(leaks(JSON.stringify(body))).toEqual([]);
    expect(body.message).toContain('LINE 1: SELECT nope FROM main.sales');
    expect(body.message).toMatch(/\n {15}\^/);
  });

  it('leaves an admin the whole message', async () => {
    const body = await sqlError('SELECT nope FROM main.sales', api.tokens.admin);
    expect(body.message).toContain('delta_scan(');
    expect(JSON.stringify(body.details)).toContain(api.warehouse);
  });

  it('hides paths and the grant in GraphQL errors', async () => {
    const query = '{ sales(where: { day: { _eq: "not-a-date" } }) { id } }';
    const answer = await gql(api, query, { token: limited });
    expect(answer.errors?.[0]?.extensions?.code).toBe('ENGINE_SQL');
    expect(answer.errors?.[0]?.message).toContain('not-a-date');
    expect(leaks(JSON.stringify(answer))).toEqual([]);
    const admin = await gql(api, query);
    expect(JSON.stringify(admin)).toContain('LINE 1');
  });
});
