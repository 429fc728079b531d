/**
 * Kysely dialects for the embedded database: Postgres SQL and introspection over a
 * driver of ours (PGlite's one connection here, or the holder's through the proxy).
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely';
import { PGliteDriver } from './pglite-driver.js';

/** PostgreSQL as Kysely speaks it, over any driver. */
export class PostgresDriverDialect<D extends Driver> implements Dialect {
  constructor(readonly driver: D) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

export class PGliteDialect extends PostgresDriverDialect<PGliteDriver> {
  constructor(pg: PGlite, target: string) {
    super(new PGliteDriver(pg, target));
  }
}
