/**
 * `OPTIMIZE t WHERE ...`: the predicate selects partitions, so (as in Delta) it may
 * reference partition columns only. It is evaluated by DuckDB once per distinct
 * partition, over the partition values from the log typed by the schema — no data
 * file is read. A reference to a data column is refused with a typed error naming it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AddFile } from '../log/actions.js';
import { InvalidTableOperationError } from '../errors.js';
import { duckdbType, findField, physicalName, quoteIdent, quoteLiteral, type DataType } from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';

export async function filesInPartitions(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  predicate: string,
): Promise<AddFile[]> {
  const partitionColumns = snapshot.partitionColumns;
  if (partitionColumns.length === 0) {
    throw new InvalidTableOperationError(
      `OPTIMIZE WHERE (${predicate}) needs a partitioned table: the predicate may reference partition columns only, and ${snapshot.location} has none. Run OPTIMIZE without WHERE.`,
      { predicate },
    );
  }
  const fields = partitionColumns.map((name) => findField(snapshot.schema, name)!);
  const mode = snapshot.columnMapping;
  const groups = new Map<string, AddFile[]>();
  for (const file of snapshot.files) {
    const values = fields.map((f) => rawValue(file.partitionValues, physicalName(f, mode), f.name));
    const key = JSON.stringify(values);
    const list = groups.get(key);
    if (list) list.push(file);
    else groups.set(key, [file]);
  }
  const keys = [...groups.keys()];
  if (keys.length === 0) {
    await evaluate(connection, snapshot, predicate, fields, []); // still validates the predicate
    return [];
  }
  const matching = await evaluate(
    connection,
    snapshot,
    predicate,
    fields,
    keys.map((k) => JSON.parse(k) as Array<string | null>),
  );
  return matching.flatMap((i) => groups.get(keys[i]!)!);
}

async function evaluate(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  predicate: string,
  fields: ReadonlyArray<{ name: string; type: DataType }>,
  partitions: ReadonlyArray<ReadonlyArray<string | null>>,
): Promise<number[]> {
  const rows =
    partitions.length > 0
      ? partitions
          .map((values, i) => `(${i}, ${values.map((v) => (v === null ? 'NULL' : quoteLiteral(v))).join(', ')})`)
          .join(', ')
      : `(NULL, ${fields.map(() => 'NULL').join(', ')})`;
  const raw = fields.map((_, c) => `__p${c}`);
  const typed = fields.map((f, c) => `${typedValue(`CAST(${raw[c]} AS VARCHAR)`, f.type)} AS ${quoteIdent(f.name)}`);
  const sql = `SELECT __i FROM (SELECT __i, ${typed.join(', ')} FROM (VALUES ${rows}) AS __parts(__i, ${raw.join(', ')}))
    WHERE coalesce((${predicate}), false)${partitions.length === 0 ? ' AND false' : ''}`;
  try {
    return (await connection.runAndReadAll(sql)).getRowsJson().map((r) => Number(r[0]));
  } catch (error) {
    throw predicateError(error, predicate, snapshot);
  }
}

function predicateError(error: unknown, predicate: string, snapshot: Snapshot): InvalidTableOperationError {
  const reason = error instanceof Error ? error.message : String(error);
  const column = /Referenced column "((?:[^"]|"")+)" not found/.exec(reason)?.[1]?.replace(/""/g, '"');
  const partitions = snapshot.partitionColumns.join(', ');
  if (column !== undefined && findField(snapshot.schema, column)) {
    return new InvalidTableOperationError(
      `OPTIMIZE WHERE (${predicate}) references "${column}", which is not a partition column; the predicate may reference partition columns only (${partitions}).`,
      { predicate, column, partitionColumns: snapshot.partitionColumns },
    );
  }
  if (column !== undefined) {
    return new InvalidTableOperationError(
      `OPTIMIZE WHERE (${predicate}) references "${column}", which is not a column of the table; use partition columns (${partitions}).`,
      { predicate, column, partitionColumns: snapshot.partitionColumns },
    );
  }
  return new InvalidTableOperationError(
    `OPTIMIZE WHERE (${predicate}) cannot be evaluated on the partition columns (${partitions}): ${reason}`,
    { predicate },
  );
}

function rawValue(values: AddFile['partitionValues'], physical: string, logical: string): string | null {
  const value = values[physical] ?? values[logical];
  return value === undefined ? null : value;
}

/** Partition values are strings in the log (PROTOCOL.md, "Partition Value Serialization"); as in scan.ts. */
function typedValue(expr: string, type: DataType): string {
  if (type === 'string') return expr;
  if (type === 'binary') return `encode(${expr})`;
  if (type === 'timestamp') {
    return (
      `CASE WHEN regexp_matches(${expr}, '(Z|[+-]\\d\\d:?\\d\\d)$') THEN CAST(${expr} AS TIMESTAMPTZ)` +
      ` ELSE timezone('UTC', CAST(NULLIF(${expr}, '') AS TIMESTAMP)) END`
    );
  }
  return `CAST(NULLIF(${expr}, '') AS ${duckdbType(type)})`;
}
