/**
 * Generated GraphQL over a real server: list fields with where/order_by/limit/offset/
 * at_version, aggregates with group by, DML mutations (a failing one writes nothing),
 * regeneration after ALTER TABLE, grants, and bad input as coded GraphQL errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';
import { codes, gql } from './helpers/graphql-client.js';

describe('GraphQL queries and mutations', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ server: { graphql: { schemaRefreshMs: 50 } } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lists rows with where, order_by, limit and offset', async () => {
    const answer = await gql(
      api,
      `{
      sales(where: { _and: [{ region: { _eq: "EU" } }, { amount: { _gt: 100 } }], _not: { id: { _in: [72, 75] } } }, order_by: [{ amount: desc }], limit: 3, offset: 1) { id region amount day }
    }`,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.sales).toEqual([
      { id: 96, region: 'EU', amount: 144, day: '2024-01-07' },
      { id: 93, region: 'EU', amount: 139.5, day: '2024-01-04' },
      { id: 90, region: 'EU', amount: 135, day: '2024-01-01' },
    ]);
    const like = await gql(
      api,
      '{ customers(where: { _or: [{ name: { _like: "customer 1%" } }, { country: { _is_null: true } }] }, order_by: { id: asc }) { id } }',
    );
    expect(like.data?.customers).toEqual([{ id: 1 }, { id: 10 }]);
  });

  it('aggregates, whole and grouped', async () => {
    const answer = await gql(
      api,
      `{
      sales_aggregate(where: { id: { _lte: 10 } }, group_by: [region]) {
        aggregate { count sum { amount id } avg { amount } min { day } max { amount } }
        groups { key { region } aggregate { count max { id } } }
      }
    }`,
    );
    expect(answer.errors).toBeUndefined();
    const result = answer.data?.sales_aggregate as { aggregate: unknown; groups: unknown[] };
    expect(result.aggregate).toEqual({
      count: 10,
      sum: { amount: 82.5, id: 55 },
      avg: { amount: 8.25 },
      min: { day: '2024-01-01' },
      max: { amount: 15 },
    });
    expect(result.groups).toEqual([
      { key: { region: 'APAC' }, aggregate: { count: 3, max: { id: 8 } } },
      { key: { region: 'EU' }, aggregate: { count: 3, max: { id: 9 } } },
      { key: { region: 'US' }, aggregate: { count: 4, max: { id: 10 } } },
    ]);
  });

  it('inserts, updates and deletes through lake DML, and reads an older version', async () => {
    const before = await gql(api, '{ customers_aggregate { aggregate { count } } }');
    expect(before.data?.customers_aggregate).toEqual({ aggregate: { count: 10 } });
    const insert = await gql(
      api,
      'mutation { insert_customers(objects: [{ id: 11, name: "eleven", country: "FR" }, { id: 12, name: "twelve" }]) { affected_rows version } }',
      { token: api.tokens.writer },
    );
    expect(insert.errors).toBeUndefined();
    const inserted = insert.data?.insert_customers as { affected_rows: number; version: number };
    expect(inserted.affected_rows).toBe(2);
    const update = await gql(
      api,
      'mutation { update_customers(where: { id: { _gte: 11 } }, _set: { country: "IT" }) { affected_rows } }',
      { token: api.tokens.writer },
    );
    expect(update.data?.update_customers).toEqual({ affected_rows: 2 });
    const remove = await gql(api, 'mutation { delete_customers(where: { id: { _eq: 12 } }) { affected_rows } }', {
      token: api.tokens.writer,
    });
    expect(remove.data?.delete_customers).toEqual({ affected_rows: 1 });
    const now = await gql(api, '{ customers(where: { id: { _gt: 10 } }) { id name country } }');
    expect(now.data?.customers).toEqual([{ id: 11, name: 'eleven', country: 'IT' }]);
    const old = await gql(
      api,
      `{ customers(at_version: ${inserted.version}, where: { id: { _gt: 10 } }, order_by: [{ id: asc }]) { id country } }`,
    );
    expect(old.data?.customers).toEqual([
      { id: 11, country: 'FR' },
      { id: 12, country: null },
    ]);
  });

  it('writes nothing when a mutation fails, and answers bad input with coded errors, never a 5xx', async () => {
    const count = async () =>
      (
        (await gql(api, '{ sales_aggregate { aggregate { count } } }')).data?.sales_aggregate as {
          aggregate: { count: number };
        }
      ).aggregate.count;
    const before = await count();
    const badDate = await gql(
      api,
      'mutation { insert_sales(objects: [{ id: 500, day: "2024-01-02" }, { id: 501, day: "not a date" }]) { affected_rows } }',
      { token: api.tokens.writer },
    );
    expect(codes(badDate)).toEqual(['BAD_USER_INPUT']);
    expect(badDate.status).toBeLessThan(500);
    const badType = await gql(api, 'mutation { insert_sales(objects: [{ id: "x1" }]) { affected_rows } }', {
      token: api.tokens.writer,
    });
    expect(badType.errors?.length).toBeGreaterThan(0);
    expect(await count()).toBe(before);

    const unknownField = await gql(api, '{ sales { id nope } }');
    expect(codes(unknownField)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(unknownField.errors?.[0]?.message).not.toMatch(/Did you mean/);
    expect(codes(await gql(api, '{ sales(limit: "ten") { id } }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codes(await gql(api, '{ sales(limit: -1) { id } }'))).toEqual(['GRAPHQL_BAD_INPUT']);
    expect(codes(await gql(api, '{ sales(where: { id: { _eq: null } }) { id } }'))).toEqual(['GRAPHQL_BAD_INPUT']);
    const malformed = await gql(api, '{ sales { id ');
    expect(codes(malformed)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(malformed.status).toBeLessThan(500);
    const readerWrite = await gql(api, 'mutation { delete_sales(where: {}) { affected_rows } }', {
      token: api.tokens.reader,
    });
    expect(codes(readerWrite)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('regenerates the schema after ALTER TABLE ADD COLUMN', async () => {
    expect(codes(await gql(api, '{ customers(limit: 1) { id tier } }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    await api.sql('ALTER TABLE customers ADD COLUMNS (tier INTEGER)');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await gql(api, '{ customers(limit: 1, order_by: { id: asc }) { id tier } }');
    expect(after.errors).toBeUndefined();
    expect(after.data?.customers).toEqual([{ id: 1, tier: null }]);
  });
});

// Grants belong to a role, so they would change what every reader token above sees: own server.
describe('GraphQL with grants', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('shows readers with grants only their tables, columns and rows', async () => {
    const token = await api.token('reader', [
      { table: 'main.sales', columns: ['id', 'region'], rowFilter: "region = 'US'" },
    ]);
    const tables = await gql(api, '{ strata_tables }', { token });
    expect(tables.data?.strata_tables).toEqual(['main.sales']);
    const rows = await gql(
      api,
      '{ sales(order_by: { id: asc }, limit: 2) { id region } sales_aggregate { aggregate { count } } }',
      { token },
    );
    expect(rows.data?.sales).toEqual([
      { id: 1, region: 'US' },
      { id: 4, region: 'US' },
    ]);
    expect(rows.data?.sales_aggregate).toEqual({ aggregate: { count: 34 } });
    expect(codes(await gql(api, '{ sales { amount } }', { token }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codes(await gql(api, '{ customers { id } }', { token }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('keeps a row-filtered writer inside its rows: updates cannot move rows out, inserts cannot add others', async () => {
    const token = await api.token('writer', [{ table: 'main.sales', rowFilter: "region = 'EU'" }]);
    const version = async () => (await api.catalog.openTable('main.sales')).version;
    const before = await version();
    const moveOut = await gql(
      api,
      'mutation { update_sales(where: { id: { _eq: 3 } }, _set: { region: "US" }) { affected_rows } }',
      { token },
    );
    expect(codes(moveOut)).toEqual(['API_FORBIDDEN']);
    const insertOther = await gql(
      api,
      'mutation { insert_sales(objects: [{ id: 9001, region: "US", amount: 1 }]) { affected_rows } }',
      { token },
    );
    expect(codes(insertOther)).toEqual(['API_FORBIDDEN']);
    expect(await version()).toBe(before);
    // Within the filter both work; rows outside it are never touched (id 1 is US).
    const inside = await gql(
      api,
      'mutation { update_sales(where: { id: { _in: [1, 3] } }, _set: { amount: 7 }) { affected_rows } }',
      { token },
    );
    expect(inside.data).toEqual({ update_sales: { affected_rows: 1 } });
    expect(await version()).toBe(before + 1);
  });
});
