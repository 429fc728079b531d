/**
 * The server backend: a PostgreSQL server through a `pg` connection pool and
 * Kysely's PostgresDialect. Any number of processes may use it at once.
 */
import pg from 'pg';
import { PostgresDialect } from 'kysely';
import { MetaConnectionError } from './errors.js';
import { KyselyMetaDatabase, type OpenOptions } from './kysely-meta-database.js';
import { MetaKind, type MetaDatabase } from './meta-database.js';

export interface ServerOptions extends OpenOptions {
  /** Pool size (default 10). */
  readonly maxConnections?: number;
}

/** int8 (count(*), bigint columns) as a JS number, as PGlite reads it: both backends return the same values. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export async function openServerMetaDatabase(url: string, options: ServerOptions = {}): Promise<MetaDatabase> {
  const target = redactUrl(url);
  // JIT off: metadata queries are short OLTP statements, and on a freshly filled table
  // (stale statistics) the planner's cost estimates can cross jit_above_cost and spend
  // tens of milliseconds compiling a query that runs in one.
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types, options: '-c jit=off' });
  // A connection dropped while idle is reported here; the next query reports it to its caller.
  pool.on('error', () => {});
  const end = async () => {
    if (!pool.ended) await pool.end();
  };
  try {
    await pool.query('select 1');
  } catch (error) {
    await end();
    throw new MetaConnectionError(target, { cause: error });
  }
  return KyselyMetaDatabase.open(
    { kind: MetaKind.server, target, dialect: new PostgresDialect({ pool }), close: end },
    options,
  );
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(password\s*=\s*)\S+/gi, '$1***');
  }
}
