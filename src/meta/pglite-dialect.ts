/** A Kysely dialect for PGlite: Postgres SQL, Postgres introspection, our one-connection driver. */
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

export class PGliteDialect implements Dialect {
  readonly driver: PGliteDriver;

  constructor(pg: PGlite, target: string) {
    this.driver = new PGliteDriver(pg, target);
  }

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
