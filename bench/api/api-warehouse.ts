/**
 * The warehouse the api suite serves, built once per run under the suite's directory
 * (the first scenario that asks builds it; later ones reopen it):
 *   main.flights  the 3,000,000 real flights of vega-datasets' flights-3m.parquet
 *                 (date, delay, distance, origin, destination), appended through the
 *                 lake in three 1M-row commits
 *   main.t        100,000 generated rows (id, region EU/US/APAC/LATAM by a hash,
 *                 amount, day, note)
 *   main.ticks    (id, sent_at): the table the stream scenarios commit to
 * and helpers to start API servers on it.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiServer, type ApiServerOptions } from '../../src/api/index.js';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { SqlSession } from '../../src/engine/index.js';
import { sqlString } from '../lake/sql.js';

export const FLIGHTS_PARQUET = fileURLToPath(
  new URL('../../node_modules/vega-datasets/data/flights-3m.parquet', import.meta.url),
);
export const FLIGHT_ROWS = 3_000_000;
const FLIGHT_APPENDS = 3;
export const T_ROWS = 100_000;

const built = new Map<string, Promise<string>>();

/** The warehouse directory under the suite's directory (`workDir`'s parent), built on first use. */
export function apiWarehouse(workDir: string, log: (message: string) => void): Promise<string> {
  const location = path.join(path.dirname(workDir), 'shared-warehouse');
  let pending = built.get(location);
  if (!pending) {
    pending = build(location, log);
    built.set(location, pending);
  }
  return pending;
}

async function build(warehouse: string, log: (message: string) => void): Promise<string> {
  const started = performance.now();
  await initWarehouse(warehouse);
  const catalog = await Catalog.open({ warehouse });
  try {
    const session = new SqlSession(catalog);
    await session.execute(
      'CREATE TABLE flights (date TIMESTAMP, delay BIGINT, distance BIGINT, origin VARCHAR, destination VARCHAR)',
    );
    const per = FLIGHT_ROWS / FLIGHT_APPENDS;
    for (let i = 0; i < FLIGHT_APPENDS; i++) {
      await session.execute(
        `INSERT INTO flights SELECT date, delay, distance, origin, destination FROM read_parquet(${sqlString(FLIGHTS_PARQUET)}, file_row_number = true)` +
          ` WHERE file_row_number >= ${i * per} AND file_row_number < ${(i + 1) * per}`,
      );
    }
    await session.execute(`
      CREATE TABLE t (id BIGINT, region VARCHAR, amount DOUBLE, day DATE, note VARCHAR);
      INSERT INTO t SELECT i, ['EU', 'US', 'APAC', 'LATAM'][1 + (hash(i) % 4)::BIGINT], round((hash(i + 7) % 100000) / 100.0, 2),
        DATE '2024-01-01' + CAST(i % 365 AS INTEGER), 'order ' || i FROM range(0, ${T_ROWS}) r(i);
      CREATE TABLE ticks (id BIGINT, sent_at DOUBLE);
      INSERT INTO ticks VALUES (0, 0);
    `);
  } finally {
    await catalog.close();
  }
  log(
    `built the warehouse (flights ${FLIGHT_ROWS.toLocaleString('en-US')} rows, t ${T_ROWS.toLocaleString('en-US')} rows) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return warehouse;
}

/** An open warehouse and the servers started on it; `close()` stops them all, then the catalog. */
export class Served {
  readonly #servers: ApiServer[] = [];

  private constructor(readonly catalog: Catalog) {}

  static async open(warehouse: string): Promise<Served> {
    return new Served(await Catalog.open({ warehouse }));
  }

  /** A loopback server without tokens (insecureLocal), quiet, on a free port. */
  async start(options: Partial<Omit<ApiServerOptions, 'catalog'>> = {}): Promise<ApiServer> {
    const server = await ApiServer.start({
      catalog: this.catalog,
      port: 0,
      host: '127.0.0.1',
      insecureLocal: true,
      logLevel: 'silent',
      ...options,
    });
    this.#servers.push(server);
    return server;
  }

  async close(): Promise<void> {
    for (const server of this.#servers.splice(0)) await server.close();
    await this.catalog.close();
  }
}

/** Appends one row to main.ticks through the API (so the server's listeners hear of it at once); returns the new version. */
export async function commitTick(origin: string, id: number): Promise<number> {
  const response = await fetch(`${origin}/v1/tables/main.ticks/rows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ id, sent_at: Date.now() }]),
  });
  const body = (await response.json()) as { version?: number; message?: string };
  if (response.status !== 201 || typeof body.version !== 'number')
    throw new Error(`commit to main.ticks answered ${response.status}: ${JSON.stringify(body)}`);
  return body.version;
}
