/**
 * Chooses and opens the metadata database: a PostgreSQL server when a URL is given
 * (the `databaseUrl` option, else STRATA_DATABASE_URL), otherwise embedded PGlite in
 * `<warehouse>/meta/` (or `directory`).
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../core/index.js';
import { openEmbeddedMetaDatabase } from './embedded-meta-database.js';
import { MetaKind, type MetaDatabase } from './meta-database.js';
import type { MigrationSource } from './migration-source.js';
import { openServerMetaDatabase } from './server-meta-database.js';

export const DATABASE_URL_ENV = 'STRATA_DATABASE_URL';
/** The embedded database's directory inside a warehouse. */
export const META_DIRECTORY = 'meta';

export interface MetaDatabaseOptions {
  /** The warehouse directory; the embedded database lives in `<warehouse>/meta`. */
  readonly warehouse?: string;
  /** The embedded database's directory, when not `<warehouse>/meta`. */
  readonly directory?: string;
  /** A PostgreSQL URL (`postgresql://user:password@host:port/database`); default: STRATA_DATABASE_URL. */
  readonly databaseUrl?: string;
  /** Where STRATA_DATABASE_URL is read from (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Run migrations on open (default true). */
  readonly migrate?: boolean;
  /** The modules' migration sources (default none: only the migration records exist). */
  readonly migrations?: readonly MigrationSource[];
  /** Embedded: how long to wait for a holder that does not serve the database (default 10 s, or STRATA_META_WAIT_MS). */
  readonly lockWaitMs?: number;
  /** Embedded: open it here or not at all, never through the process that holds it (default false). */
  readonly exclusive?: boolean;
}

export type MetaConfig =
  | { readonly kind: typeof MetaKind.embedded; readonly directory: string }
  | { readonly kind: typeof MetaKind.server; readonly url: string };

export function resolveMetaConfig(options: MetaDatabaseOptions): MetaConfig {
  const url = options.databaseUrl ?? (options.env ?? process.env)[DATABASE_URL_ENV];
  if (url !== undefined && url.trim() !== '') return { kind: MetaKind.server, url: url.trim() };
  const directory =
    options.directory ?? (options.warehouse === undefined ? undefined : path.join(options.warehouse, META_DIRECTORY));
  if (directory === undefined) {
    throw new InvalidArgumentError(
      `No metadata database configured: pass a warehouse directory (embedded database) or a PostgreSQL URL (databaseUrl or ${DATABASE_URL_ENV}).`,
    );
  }
  return { kind: MetaKind.embedded, directory: path.resolve(directory) };
}

export async function openMetaDatabase(options: MetaDatabaseOptions): Promise<MetaDatabase> {
  const config = resolveMetaConfig(options);
  const open = {
    ...(options.migrate === undefined ? {} : { migrate: options.migrate }),
    ...(options.migrations === undefined ? {} : { migrations: options.migrations }),
  };
  return config.kind === MetaKind.server
    ? openServerMetaDatabase(config.url, open)
    : openEmbeddedMetaDatabase(config.directory, {
        ...open,
        ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
        ...(options.exclusive === undefined ? {} : { exclusive: options.exclusive }),
      });
}
