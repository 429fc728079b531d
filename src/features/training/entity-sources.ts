/**
 * Where a request's entity rows come from, as SQL for the builder: in-memory rows (a
 * staged JSON-lines file carrying each row's index), a file, a lake table or SQL over
 * lake tables (pinned like feature sources), a time range (every entity the requested
 * views saw in it, at its end), or, for a rebuild of rows or a file, the input columns
 * kept in the original training set.
 */
import type { Catalog } from '../../catalog/index.js';
import { formatOf, quoteIdent, quoteLiteral } from '../../lake/index.js';
import { joinKeysOf, type DefinitionSet } from '../definition/definition-set.js';
import { sqlSource, tableSource } from '../definition/feature-definition.js';
import { TrainingSetError } from '../errors.js';
import { stageRowsFile, type EntityRows } from './entity-rows.js';
import { pinnedSourceSql } from './source-sql.js';
import type { EntitySql } from './training-set-builder.js';

export function entitySql(
  catalog: Catalog,
  entities: EntityRows,
  set: DefinitionSet,
  views: readonly string[],
  timestampColumn: string,
): EntitySql {
  switch (entities.kind) {
    case 'rows':
      return async () => ({ ...(await stageRowsFile(entities.rows)), reads: [] });
    case 'file':
      return async () => ({ sql: fileSql(entities.path), reads: [] });
    case 'table':
    case 'sql':
      return (connection, pins) =>
        pinnedSourceSql(
          catalog,
          connection,
          entities.kind === 'table' ? tableSource(entities.table) : sqlSource(entities.sql),
          'the entity rows',
          pins,
        );
    case 'range':
      return async (connection, pins) => {
        const keys = views.map((v) => joinKeysOf(set, set.views.get(v)!).map(([k]) => k));
        const first = JSON.stringify([...keys[0]!].sort());
        if (keys.some((k) => JSON.stringify([...k].sort()) !== first))
          throw new TrainingSetError(
            `A time range needs views with the same join keys (${views.join(', ')} differ); pass entity rows instead.`,
          );
        const reads = [];
        const parts = [];
        for (const name of views) {
          const view = set.views.get(name)!;
          const pinned = await pinnedSourceSql(catalog, connection, view.source, `feature view ${name}`, pins);
          reads.push(...pinned.reads.map((r) => ({ ...r, view: name })));
          const et = `CAST(${quoteIdent(view.eventTime)} AS TIMESTAMPTZ)`;
          parts.push(
            `SELECT ${keys[0]!.map(quoteIdent).join(', ')} FROM (${pinned.sql}) WHERE ${et} >= CAST(${quoteLiteral(entities.start)} AS TIMESTAMPTZ) AND ${et} <= CAST(${quoteLiteral(entities.end)} AS TIMESTAMPTZ)`,
          );
        }
        const keyList = keys[0]!.map(quoteIdent).join(', ');
        return {
          sql: `SELECT DISTINCT ${keyList}, CAST(${quoteLiteral(entities.end)} AS TIMESTAMPTZ) AS ${quoteIdent(timestampColumn)} FROM (${parts.join(' UNION ALL ')}) ORDER BY ${keyList}`,
          reads: [],
        };
      };
  }
}

/** A file of entity rows; a Parquet file's own row numbers give the order. */
function fileSql(file: string): string {
  const format = formatOf(file);
  if (format === 'parquet')
    return `SELECT * EXCLUDE (file_row_number), file_row_number AS __row_index FROM read_parquet(${quoteLiteral(file)}, file_row_number = true)`;
  if (format === 'csv') return `SELECT * FROM read_csv(${quoteLiteral(file)})`;
  return `SELECT * FROM read_json(${quoteLiteral(file)})`;
}

/** A rebuild's entity rows when the request gave rows or a file: the input columns kept in the training set, in order. */
export function keptRowsSql(location: string, version: number, columns: readonly string[]): EntitySql {
  return async () => ({
    sql: `SELECT ${columns.map(quoteIdent).join(', ')} FROM delta_scan(${quoteLiteral(location)}, version => ${version}) ORDER BY __row_index`,
    reads: [],
  });
}
