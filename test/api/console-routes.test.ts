/**
 * The routes the console's Home and Admin pages read, against a real server: their
 * response schemas keep every field (Fastify drops unlisted ones), and the commits
 * across tables respect grants (restricted tables show version/time/operation only,
 * ungranted ones nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

describe('console routes', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => api?.close());

  it('lists the newest commits across tables, newest first, with their metrics for admins', async () => {
    await api.sql("INSERT INTO customers VALUES (11, 'late', 'FR')");
    const body = (await (await api.fetch('/v1/commits?limit=3')).json()) as {
      commits: { table: string; version: number; timestamp: string; operation: string; operationMetrics?: object }[];
    };
    expect(body.commits).toHaveLength(3);
    expect(body.commits[0]).toMatchObject({ table: 'main.customers', version: 2, operation: 'WRITE' });
    expect(body.commits[0]!.operationMetrics).toMatchObject({ numOutputRows: expect.anything() });
    const times = body.commits.map((c) => c.timestamp);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('shows a restricted reader only what its grant allows', async () => {
    const reader = await api.token('reader', [{ table: 'main.sales', rowFilter: "region = 'EU'" }]);
    const body = (await (await api.fetch('/v1/commits', { token: reader })).json()) as {
      commits: Record<string, unknown>[];
    };
    expect(body.commits.length).toBeGreaterThan(0);
    expect(new Set(body.commits.map((c) => c.table))).toEqual(new Set(['main.sales']));
    for (const commit of body.commits)
      expect(Object.keys(commit).sort()).toEqual(['operation', 'table', 'timestamp', 'version']);
  });

  it('keeps every field of tokens, grants, tables and flows through the response schemas', async () => {
    const created = (await (
      await api.fetch('/v1/admin/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'schema-check', role: 'reader', expiresInSeconds: 3600 }),
      })
    ).json()) as Record<string, unknown>;
    expect(Object.keys(created).sort()).toEqual(['expiresAt', 'id', 'name', 'role', 'token']);
    expect(created.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const tokens = (await (await api.fetch('/v1/admin/tokens')).json()) as { tokens: Record<string, unknown>[] };
    const listed = tokens.tokens.find((t) => t.name === 'schema-check')!;
    expect(Object.keys(listed).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
      'revokedAt',
      'role',
    ]);
    expect(JSON.stringify(tokens)).not.toContain(created.token as string);

    const revoked = (await (await api.fetch('/v1/admin/tokens/schema-check', { method: 'DELETE' })).json()) as {
      revokedAt: string;
    };
    expect(revoked.revokedAt).toMatch(/^\d{4}-/);

    const grant = await api.fetch('/v1/admin/grants/reader/main.customers', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ columns: ['id', 'name'], rowFilter: "country = 'DE'" }),
    });
    expect(await grant.json()).toEqual({
      table: 'main.customers',
      columns: ['id', 'name'],
      rowFilter: "country = 'DE'",
    });
    const grants = (await (await api.fetch('/v1/admin/grants')).json()) as { grants: unknown[] };
    expect(grants.grants).toContainEqual({
      role: 'reader',
      table: 'main.customers',
      columns: ['id', 'name'],
      rowFilter: "country = 'DE'",
    });

    const tables = (await (await api.fetch('/v1/tables')).json()) as { tables: Record<string, unknown>[] };
    expect(tables.tables.find((t) => t.name === 'main.sales')).toEqual({
      name: 'main.sales',
      schema: 'main',
      table: 'sales',
      kind: expect.any(String),
      owner: null,
      createdAt: expect.stringMatching(/^\d{4}-/),
    });
  });
});
