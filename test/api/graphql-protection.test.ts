/**
 * The GraphQL endpoint's protections: graphql-armor limits (depth, cost, aliases,
 * tokens, directives) and hidden field suggestions, introspection switched off,
 * persisted-only mode, and the per-token rate limit, each refused with a coded error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';
import { codes, gql } from './helpers/graphql-client.js';

describe('GraphQL limits', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      server: {
        graphql: { maxDepth: 3, maxAliases: 2, maxTokens: 60, maxDirectives: 2, maxCost: 14, introspection: false },
      },
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers operations within the limits', async () => {
    const answer = await gql(api, '{ __typename a: sales(limit: 1) { id } b: customers(limit: 1) { id } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ __typename: 'Query', a: [{ id: 1 }], b: [{ id: 1 }] });
  });

  it('refuses operations over a limit with the limit as the code', async () => {
    const deep = await gql(api, '{ sales_aggregate { aggregate { max { id } } } }');
    expect(codes(deep)).toContain('MAX_DEPTH_EXCEEDED');
    expect(deep.status).toBeLessThan(500);
    expect(
      codes(await gql(api, '{ a: sales(limit: 1) { id } b: sales(limit: 1) { id } c: sales(limit: 1) { id } }')),
    ).toContain('MAX_ALIASES_EXCEEDED');
    expect(codes(await gql(api, `{ sales(limit: 1) { ${'id '.repeat(70)} } }`))).toContain('MAX_TOKENS_EXCEEDED');
    expect(
      codes(await gql(api, '{ sales(limit: 1) @skip(if: false) { id @skip(if: false) region @skip(if: false) } }')),
    ).toContain('MAX_DIRECTIVES_EXCEEDED');
    expect(
      codes(await gql(api, '{ sales { id region amount day } customers { id name country } strata_tables }')),
    ).toContain('MAX_COST_EXCEEDED');
  });

  it('hides field suggestions and introspection', async () => {
    const typo = await gql(api, '{ sale { id } }');
    expect(codes(typo)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const introspection = await gql(api, '{ __schema { queryType { name } } }');
    expect(codes(introspection)).toContain('INTROSPECTION_DISABLED');
    expect(introspection.data ?? null).toBeNull();
  });
});

describe('GraphQL persisted operations and rate limits', () => {
  const hash = 'a'.repeat(64);
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      server: {
        graphql: { persistedOperations: { [hash]: '{ strata_tables }' }, persistedOnly: true, rateLimitPerMinute: 4 },
      },
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('runs persisted operations only, and limits each token per minute with 429', async () => {
    const token = await api.token('reader');
    const persisted = await gql(api, '', { token, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(persisted.errors).toBeUndefined();
    expect(persisted.data?.strata_tables).toEqual(['main.customers', 'main.sales']);
    const arbitrary = await gql(api, '{ strata_tables }', { token });
    expect(arbitrary.errors?.length).toBe(1);
    expect(arbitrary.data ?? null).toBeNull();
    expect(codes(arbitrary)).toEqual(['PERSISTED_QUERY_ONLY']);
    const unknown = await gql(api, '', {
      token,
      extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } },
    });
    expect(codes(unknown)[0]).toMatch(/PERSISTED_QUERY_NOT_FOUND/);
    await gql(api, '', { token, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    const limited = await gql(api, '', { token, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(limited.status).toBe(429);
    expect(codes(limited)).toEqual(['API_RATE_LIMITED']);
    // Another token has its own budget.
    const other = await gql(api, '', {
      token: await api.token('reader'),
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    });
    expect(other.status).toBe(200);
  });
});
