/**
 * A small API server for the GraphQL tests: the real ApiContext parts (catalog table
 * access, sandboxed query service, event hub, response cache) and registerGraphql on
 * Fastify, with fixed bearer tokens instead of the token store. Seeded like the API
 * harness: main.sales (change data feed on) and main.customers (key `id`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Fastify from 'fastify';
import type { ApiContext } from '../../src/api/api-context.js';
import type { Principal, TableGrant, ApiRole } from '../../src/api/auth/principal.js';
import { CatalogTableAccess } from '../../src/api/auth/table-access.js';
import { ResponseCache } from '../../src/api/cache/response-cache.js';
import { UnauthorizedError } from '../../src/api/errors.js';
import { registerGraphql, type GraphqlHandle, type GraphqlOptions } from '../../src/api/graphql/index.js';
import { ApiMetrics } from '../../src/api/observability/metrics.js';
import { SandboxedQueryService } from '../../src/api/sql/sandboxed-query-service.js';
import { EventHub } from '../../src/api/streams/event-hub.js';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { SqlSession } from '../../src/engine/index.js';
import type { FlowControl } from '../../src/flows/index.js';

export interface GrantSpec {
  readonly table: string;
  readonly columns?: readonly string[];
  readonly rowFilter?: string;
}

export interface GraphqlTestServer {
  readonly url: string;
  readonly catalog: Catalog;
  readonly context: ApiContext;
  readonly graphql: GraphqlHandle;
  readonly tokens: Readonly<Record<ApiRole, string>>;
  token(role: ApiRole, grants?: readonly GrantSpec[]): string;
  sql(statement: string): Promise<void>;
  fetch(pathAndQuery: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  authenticate(authorization: string | undefined): Promise<Principal>;
  close(): Promise<void>;
}

export async function startGraphqlServer(options: { graphql?: GraphqlOptions; flows?: FlowControl } = {}): Promise<GraphqlTestServer> {
  const directory = mkdtempSync(path.join(tmpdir(), 'strata-graphql-'));
  await initWarehouse(directory);
  const catalog = await Catalog.open({ warehouse: directory });
  const session = new SqlSession(catalog);
  await session.execute(`
    CREATE TABLE sales (id BIGINT, region VARCHAR, amount DOUBLE, day DATE) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true');
    INSERT INTO sales SELECT i, CASE i % 3 WHEN 0 THEN 'EU' WHEN 1 THEN 'US' ELSE 'APAC' END, i * 1.5, DATE '2024-01-01' + CAST(i % 10 AS INTEGER) FROM range(1, 101) t(i);
    CREATE TABLE customers (id BIGINT, name VARCHAR, country VARCHAR) TBLPROPERTIES ('strata.graphql.key' = 'id');
    INSERT INTO customers SELECT i, 'customer ' || i, CASE WHEN i % 2 = 0 THEN 'DE' ELSE 'US' END FROM range(1, 11) t(i);
  `);
  const metrics = new ApiMetrics({ processMetrics: false });
  const limits = { bodyBytes: 1 << 20, maxRows: 10_000, queryTimeoutMs: 30_000, defaultPageSize: 100 };
  const context: ApiContext = {
    catalog, limits, metrics, flows: options.flows, cacheControl: 'private, no-cache',
    tables: new CatalogTableAccess(catalog),
    queries: new SandboxedQueryService({ catalog, limits }),
    cache: new ResponseCache(16 << 20),
    events: EventHub.open({ catalog, flows: options.flows, metrics, pollMs: 50 }),
  };
  const principals = new Map<string, Principal>();
  let n = 0;
  const token = (role: ApiRole, grants: readonly GrantSpec[] = []): string => {
    const id = `t${++n}`;
    const map = grants.length === 0 ? null : new Map<string, TableGrant>(grants.map((g) => [g.table, { table: g.table, columns: g.columns ?? null, rowFilter: g.rowFilter ?? null }]));
    principals.set(`${role}-${id}`, { tokenId: id, name: `${role}-${id}`, role, grants: map });
    return `${role}-${id}`;
  };
  const tokens = { admin: token('admin'), writer: token('writer'), reader: token('reader') };
  const authenticate = async (authorization: string | undefined): Promise<Principal> => {
    const principal = principals.get((authorization ?? '').replace(/^Bearer\s+/i, ''));
    if (principal === undefined) throw new UnauthorizedError('Unknown token.');
    return principal;
  };
  const app = Fastify();
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    request.principal = await authenticate(request.headers.authorization);
  });
  app.setErrorHandler((error, _request, reply) => {
    const status = error instanceof UnauthorizedError ? 401 : 500;
    void reply.code(status).send({ error: String(error) });
  });
  const graphql = await registerGraphql(app, context, options.graphql ?? {}, authenticate);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url, catalog, context, graphql, tokens, token, authenticate,
    sql: async (statement) => void (await session.execute(statement)),
    fetch: (pathAndQuery, init = {}) => {
      const { token: given, ...rest } = init;
      const headers = new Headers(rest.headers);
      const bearer = given === undefined ? tokens.admin : given;
      if (bearer !== null) headers.set('authorization', `Bearer ${bearer}`);
      return fetch(`${url}${pathAndQuery}`, { ...rest, headers });
    },
    close: async () => {
      context.events.close();
      await graphql.close();
      await app.close();
      await context.queries.close();
      await catalog.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
