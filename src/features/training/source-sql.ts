/**
 * A feature source (or SQL entity rows) as DuckDB SQL over pinned Delta versions: every
 * lake table it reads becomes `delta_scan('<location>', version => N)`, N being the pin
 * given (a rebuild) or the table's latest version now (a new build). Which tables at
 * which versions were read is returned, so a training set can record them.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../../catalog/index.js';
import { findDeltaScanCalls, rewriteNamedTables } from '../../engine/index.js';
import { latestVersion, quoteLiteral } from '../../lake/index.js';
import { FeatureDefinitionError } from '../errors.js';
import type { FeatureSource } from '../definition/feature-definition.js';

export interface PinnedRead {
  /** The table as the source names it (a catalog name), or its location for SQL sources. */
  readonly table: string;
  readonly location: string;
  readonly version: number;
}

export interface PinnedSql {
  readonly sql: string;
  readonly reads: readonly PinnedRead[];
}

/** Pins: location -> version. Absent locations are read at their latest version. */
export type Pins = ReadonlyMap<string, number>;

export async function pinnedSourceSql(
  catalog: Catalog,
  connection: DuckDBConnection,
  source: FeatureSource,
  object: string,
  pins: Pins = new Map(),
): Promise<PinnedSql> {
  if (source.kind === 'table') {
    const table = await catalog.findTable(source.table);
    if (table === undefined)
      throw new FeatureDefinitionError(object, `source table ${source.table} does not exist in the catalog.`, {
        field: 'source',
        table: source.table,
      });
    const version = pins.get(table.location) ?? (await latestVersion(table.location));
    return {
      sql: `SELECT * FROM delta_scan(${quoteLiteral(table.location)}, version => ${version})`,
      reads: [{ table: table.name, location: table.location, version }],
    };
  }
  const rewritten = await rewriteNamedTables(connection, source.sql, {
    resolveTable: async (schema, table) => (await catalog.findTable(schema ? { schema, table } : table))?.location,
  });
  const calls = findDeltaScanCalls(rewritten);
  const reads: PinnedRead[] = [];
  let sql = rewritten;
  // From the last call back, so earlier offsets stay valid.
  for (const call of [...calls].reverse()) {
    if (call.timestamp !== undefined)
      throw new FeatureDefinitionError(
        object,
        `source SQL reads ${call.path} AT a timestamp; read tables at their latest version (or AT (VERSION => n)) so training sets can pin it.`,
        { field: 'source' },
      );
    const version = call.version ?? pins.get(call.path) ?? (await latestVersion(call.path));
    reads.unshift({ table: call.path, location: call.path, version });
    sql = `${sql.slice(0, call.start)}delta_scan(${quoteLiteral(call.path)}, version => ${version})${sql.slice(call.end)}`;
  }
  return { sql, reads };
}
