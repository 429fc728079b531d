/**
 * DuckDB's "Table with name X does not exist! Did you mean ...?" suggests from its own
 * catalog: system views and table functions (`pragma_database_list`, `sqlite_master`)
 * a Strata user never created. Callers that know the lake's catalog replace it with the
 * catalog's own not-found error (suggesting only catalog tables); without a catalog,
 * with the reason there is none.
 */
import { isStrataError } from '../../core/index.js';

const MISSING_TABLE = /Catalog Error: Table with name (.+?) does not exist!/;

/** The table name DuckDB could not find, when that is what the error says. */
export function missingTableName(error: unknown): string | undefined {
  if (!isStrataError(error, 'ENGINE_SQL')) return undefined;
  return MISSING_TABLE.exec(error.message)?.[1];
}
