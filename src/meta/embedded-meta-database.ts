/**
 * The embedded backend: PGlite (Postgres compiled to WebAssembly) storing its files
 * in a directory, normally `<warehouse>/meta/`.
 *
 * PGlite has no locking of its own: a second process opening the same directory gets
 * no error and its writes are silently lost. So opening takes the directory's lock
 * file first (directory-lock.ts) and a second opener, in this process or another,
 * is refused with META_LOCKED naming the holder.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { acquireDirectoryLock } from './directory-lock.js';
import { MetaConnectionError } from './errors.js';
import { KyselyMetaDatabase, type OpenOptions } from './kysely-meta-database.js';
import { MetaKind, type MetaDatabase } from './meta-database.js';
import { PGliteDialect } from './pglite-dialect.js';

export const LOCK_FILE_NAME = 'strata.lock';

export async function openEmbeddedMetaDatabase(directory: string, options: OpenOptions = {}): Promise<MetaDatabase> {
  const target = path.resolve(directory);
  mkdirSync(target, { recursive: true });
  const lock = await acquireDirectoryLock(target, LOCK_FILE_NAME);
  let pg: PGlite;
  try {
    pg = await PGlite.create(target);
  } catch (error) {
    lock.release();
    throw new MetaConnectionError(`PGlite in ${target}`, { cause: error });
  }
  const dialect = new PGliteDialect(pg, target);
  return KyselyMetaDatabase.open(
    {
      kind: MetaKind.embedded,
      target,
      dialect,
      transactionScope: (fn) => dialect.driver.transactionScope(fn),
      close: async () => {
        try {
          await pg.close();
        } finally {
          lock.release();
        }
      },
    },
    options,
  );
}
