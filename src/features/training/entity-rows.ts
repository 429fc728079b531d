/**
 * Entity rows of a training-set request, staged as a temp table on the query's
 * connection: `__row_index` (the input order, from 0), the input's own columns, each join
 * key cast to its declared type (`__key_<key>`) and the timestamp as TIMESTAMPTZ (`__ts`).
 *
 * Input order: in-memory rows and JSON lines by position, files and SQL in the order
 * DuckDB returns them (a Parquet file's row order, a query's ORDER BY); a table's rows in
 * the order its files are read. Each row is checked in SQL, not one by one in JavaScript:
 * a missing timestamp or a key that does not convert to its type is refused naming the row.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../../lake/index.js';
import { DUCKDB_TYPE, type FeatureType } from '../definition/feature-types.js';
import { EntityRowsError } from '../errors.js';
import { keyColumn } from './point-in-time-sql.js';

export type EntityRows =
  | { readonly kind: 'rows'; readonly rows: readonly Readonly<Record<string, unknown>>[] }
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'file'; readonly path: string }
  /** No entity rows: every entity seen in the views' sources with an event time in [start, end], at `end`. */
  | { readonly kind: 'range'; readonly start: string; readonly end: string };

export interface StagedEntities {
  readonly table: string;
  readonly inputColumns: readonly string[];
  readonly internalColumns: readonly string[];
  release(): Promise<void>;
}

/** `inputSql`: the entity rows as a SELECT (a staged file already read); `ordered`: it has `__row_index`. */
export async function stageEntities(
  connection: DuckDBConnection,
  inputSql: string,
  keys: readonly (readonly [string, FeatureType])[],
  timestampColumn: string,
): Promise<StagedEntities> {
  const table = `__entities_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const input = `__input_${table}`;
  await connection.run(`CREATE TEMP TABLE ${input} AS SELECT * FROM (${inputSql})`);
  const release = async () => {
    await connection.run(`DROP TABLE IF EXISTS ${input}`);
    await connection.run(`DROP TABLE IF EXISTS ${table}`);
  };
  try {
    const described = (await connection.runAndReadAll(`DESCRIBE ${input}`)).getRowObjectsJson();
    const inputColumns = described.map((r) => String(r.column_name)).filter((c) => c !== '__row_index');
    const ordered = described.some((r) => r.column_name === '__row_index');
    for (const column of [timestampColumn, ...keys.map(([k]) => k)])
      if (!inputColumns.includes(column))
        throw new EntityRowsError(
          `The entity rows have no column ${column} (they have ${inputColumns.join(', ')}); every row needs the join keys and a ${timestampColumn} timestamp.`,
          { column },
        );
    const typed = [
      ...keys.map(([k, t]) => `TRY_CAST(${quoteIdent(k)} AS ${DUCKDB_TYPE[t]}) AS ${quoteIdent(keyColumn(k))}`),
      `TRY_CAST(${quoteIdent(timestampColumn)} AS TIMESTAMPTZ) AS __ts`,
    ];
    // A DuckDB table's rowid is its insertion order: the input's order when it has no index.
    const index = ordered ? '' : 'rowid AS __row_index, ';
    await connection.run(
      `CREATE TEMP TABLE ${table} AS SELECT ${index}*, ${typed.join(', ')} FROM ${input} ORDER BY __row_index`,
    );
    await checkRows(connection, table, keys, timestampColumn);
    const internalColumns = [...keys.map(([k]) => keyColumn(k)), '__ts'];
    return { table, inputColumns, internalColumns, release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function checkRows(
  connection: DuckDBConnection,
  table: string,
  keys: readonly (readonly [string, FeatureType])[],
  timestampColumn: string,
): Promise<void> {
  const ts = quoteIdent(timestampColumn);
  const problems = [
    `CASE WHEN ${ts} IS NULL THEN ${quoteLiteral(`has no ${timestampColumn}`)} WHEN __ts IS NULL THEN ${quoteLiteral(`has a ${timestampColumn} that is not a timestamp`)} END`,
    ...keys.map(
      ([k, t]) =>
        `CASE WHEN ${quoteIdent(k)} IS NOT NULL AND ${quoteIdent(keyColumn(k))} IS NULL THEN ${quoteLiteral(`has ${k} = `)} || CAST(${quoteIdent(k)} AS VARCHAR) || ${quoteLiteral(`, which is not ${t}`)} END`,
    ),
  ];
  const rows = (
    await connection.runAndReadAll(
      `SELECT __row_index, coalesce(${problems.join(', ')}) AS problem FROM ${table} WHERE problem IS NOT NULL ORDER BY __row_index LIMIT 1`,
    )
  ).getRowObjectsJson();
  const bad = rows[0];
  if (bad !== undefined)
    throw new EntityRowsError(`Entity row ${String(bad.__row_index)} (counting from 0) ${String(bad.problem)}.`, {
      row: Number(bad.__row_index),
      problem: String(bad.problem),
    });
}

/** In-memory rows as JSON lines in a staging file (with their index), read back by DuckDB; types are inferred from every row, so a bad key far down is still found by the row checks. */
export async function stageRowsFile(
  rows: readonly Readonly<Record<string, unknown>>[],
): Promise<{ sql: string; release: () => Promise<void> }> {
  if (rows.length === 0) throw new EntityRowsError('There are no entity rows; pass at least one, or a time range.');
  const file = path.join(tmpdir(), `strata-entities-${randomUUID()}.jsonl`);
  const text = rows.map((r, i) =>
    JSON.stringify({ __row_index: i, ...r }, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Date ? v.toISOString() : v,
    ),
  );
  await fs.writeFile(file, text.join('\n'));
  return {
    sql: `SELECT * FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited', sample_size = -1)`,
    release: () => fs.rm(file, { force: true }),
  };
}
