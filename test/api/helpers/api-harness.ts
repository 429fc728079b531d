/**
 * A real API server on a throwaway warehouse for tests: embedded metadata (PGlite)
 * unless `backend` gives another, listening on a free loopback port, with one token
 * per role and two seeded tables:
 *   main.sales      (id BIGINT, region VARCHAR, amount DOUBLE, day DATE), 100 rows,
 *                   change data feed on: id 1..100, region EU/US/APAC by id % 3,
 *                   amount = id * 1.5, day 2024-01-01 + id % 10 days
 *   main.customers  (id BIGINT, name VARCHAR, country VARCHAR), 10 rows, GraphQL key id
 */
import {
  ApiServer,
  createToken,
  setGrant,
  type ApiRole,
  type ApiServerOptions,
  type GrantableRole,
} from '../../../src/api/index.js';
import { Catalog, initWarehouse } from '../../../src/catalog/index.js';
import { SqlSession } from '../../../src/engine/index.js';
import type { FlowControl } from '../../../src/flows/index.js';
import { BACKENDS, type BackendSetup } from '../../meta/helpers/backends.js';

export interface TestApiOptions {
  /** A metadata backend from describeBackends; default: a fresh embedded warehouse. */
  readonly backend?: BackendSetup;
  readonly server?: Partial<Omit<ApiServerOptions, 'catalog'>>;
  readonly flows?: FlowControl;
  /** Serve this open catalog (its warehouse already initialized) instead of creating a warehouse. */
  readonly catalog?: Catalog;
  /** Seed main.sales and main.customers (default true). */
  readonly seed?: boolean;
}

export interface GrantSpec {
  readonly table: string;
  readonly columns?: readonly string[];
  readonly rowFilter?: string;
}

export interface TestApi {
  readonly url: string;
  readonly warehouse: string;
  readonly catalog: Catalog;
  readonly server: ApiServer;
  readonly tokens: Readonly<Record<ApiRole, string>>;
  /** A new token of the role; grants (for writer/reader) apply to the whole role. */
  token(role: ApiRole, grants?: readonly GrantSpec[]): Promise<string>;
  /** Runs SQL on the warehouse directly (not through the API), e.g. to commit behind the server's back. */
  sql(statement: string): Promise<void>;
  /** fetch against the server; Authorization from `token` (default: the admin token; null: none). */
  fetch(pathAndQuery: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

let tokenNumber = 0;

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const given = options.catalog;
  // A PGlite directory copied from the cached template: initdb per test would take seconds.
  const own =
    options.backend === undefined && given === undefined
      ? await BACKENDS.find(([name]) => name === 'pglite')![1].create()
      : undefined;
  const backend = options.backend ?? own;
  const warehouse = given?.warehouse.directory ?? backend!.warehouse;
  const env = backend?.env ?? {};
  if (given === undefined) await initWarehouse(warehouse, { env });
  const catalog = given ?? (await Catalog.open({ warehouse, env }));
  const session = new SqlSession(catalog);
  if (options.seed ?? true) await seed(session);
  const server = await ApiServer.start({
    catalog,
    port: 0,
    logLevel: 'silent',
    tokenCacheMs: 0,
    ...(options.flows ? { flows: options.flows } : {}),
    ...options.server,
  });
  const token = async (role: ApiRole, grants: readonly GrantSpec[] = []): Promise<string> => {
    for (const grant of grants) {
      await setGrant(catalog, {
        role: role as GrantableRole,
        table: grant.table,
        columns: grant.columns ?? null,
        rowFilter: grant.rowFilter ?? null,
      });
    }
    server.authenticator.forget();
    return (await createToken(catalog.meta, { name: `${role}-${++tokenNumber}`, role })).token;
  };
  const tokens = { admin: await token('admin'), writer: await token('writer'), reader: await token('reader') };
  return {
    url: server.url,
    warehouse,
    catalog,
    server,
    tokens,
    token,
    sql: async (statement) => void (await session.execute(statement)),
    fetch: (pathAndQuery, init = {}) => {
      const { token: given, ...rest } = init;
      const headers = new Headers(rest.headers);
      const bearer = given === undefined ? tokens.admin : given;
      if (bearer !== null && !headers.has('authorization')) headers.set('authorization', `Bearer ${bearer}`);
      return fetch(`${server.url}${pathAndQuery}`, { ...rest, headers });
    },
    close: async () => {
      await server.close();
      if (given === undefined) await catalog.close();
      await own?.dispose();
    },
  };
}

async function seed(session: SqlSession): Promise<void> {
  await session.execute(`
    CREATE TABLE sales (id BIGINT, region VARCHAR, amount DOUBLE, day DATE) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true');
    INSERT INTO sales SELECT i, CASE i % 3 WHEN 0 THEN 'EU' WHEN 1 THEN 'US' ELSE 'APAC' END, i * 1.5, DATE '2024-01-01' + CAST(i % 10 AS INTEGER) FROM range(1, 101) t(i);
    CREATE TABLE customers (id BIGINT, name VARCHAR, country VARCHAR) TBLPROPERTIES ('strata.graphql.key' = 'id');
    INSERT INTO customers SELECT i, 'customer ' || i, CASE WHEN i % 2 = 0 THEN 'DE' ELSE 'US' END FROM range(1, 11) t(i);
  `);
}
