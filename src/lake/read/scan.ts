/**
 * Binds a snapshot to DuckDB as a view over its data files, with the table's
 * logical columns: partition values from the log (typed by the schema), deletion
 * vectors applied, physical (column-mapped) names renamed to logical ones, and
 * columns missing from older files (schema evolution) read as NULL.
 *
 * The view lives on one connection: its partition values (unless the files' folder
 * names spell them exactly, see hiveFolders) and deleted rows are held in temp tables
 * of that connection.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AddFile } from '../log/actions.js';
import { readDeletionVector } from '../deletion-vectors/deletion-vector.js';
import { localDataPath } from '../log/file-paths.js';
import { localPathsFor, sqlPath } from '../write/local-files.js';
import { relativeKey } from '../log/file-paths.js';
import {
  duckdbType,
  isArray,
  isMap,
  isStruct,
  physicalName,
  quoteIdent,
  quoteLiteral,
  type ColumnMappingMode,
  type DataType,
  type StructField,
  type StructType,
} from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';

export interface ScanBinding {
  /** The view's name on the connection (not created when the binding is `inline`). */
  readonly view: string;
  /** The view's query (`SELECT ... FROM read_parquet(...)`), to use as a subquery in its place. */
  readonly select: string;
  /** The files scanned, and the local path DuckDB reads each from (same order). */
  readonly files: readonly AddFile[];
  readonly localPaths: readonly string[];
  /**
   * True when `select` stands alone: it reads only the files in place (no temp tables of
   * partition values or deleted rows, no staged copies), so it means the same on any
   * connection of the instance for as long as those files exist.
   */
  readonly standalone: boolean;
  /** Drops the view and its temp tables, and any staged copies of remote files. */
  release(): Promise<void>;
}

export interface ScanOptions {
  /** Only these files (already pruned); defaults to every live file. */
  readonly files?: readonly AddFile[];
  readonly view?: string;
  /**
   * Time zone of partition timestamps written without one (`2021-09-08 11:11:11`).
   * The protocol leaves it open; Spark writes its session time zone. Default UTC.
   */
  readonly partitionTimeZone?: string;
  /** Also expose each row's local file path under this column name (for DML). */
  readonly fileColumn?: string;
  /**
   * Also expose each row's physical index in its Parquet file (what a deletion vector
   * holds) under this column name, as a BIGINT (for DML).
   */
  readonly rowIndexColumn?: string;
  /**
   * Read the files with this schema instead of the snapshot's: change data files carry
   * `_change_type` besides the table's columns.
   */
  readonly schema?: StructType;
  /**
   * Do not create the view, only give its query (`select`): a query that reads the
   * snapshot once then binds it once instead of twice (the view's own binding costs a
   * round trip and about as much as the read of a small pruned scan). Temp tables for
   * partition values and deleted rows are still created.
   */
  readonly inline?: boolean;
}

export async function bindScan(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  options: ScanOptions = {},
): Promise<ScanBinding> {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  const view = options.view ?? `__delta_scan_${id}`;
  const files = options.files ?? snapshot.files;
  const schema = options.schema ?? snapshot.schema;
  const partitionColumns = new Set(snapshot.partitionColumns.map((c) => c.toLowerCase()));
  const mode = snapshot.columnMapping;
  const partitionFields = schema.fields.filter((f) => partitionColumns.has(f.name.toLowerCase()));

  const temps: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const release = async () => {
    await connection.run(`DROP VIEW IF EXISTS ${quoteIdent(view)}`);
    for (const t of temps) await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(t)}`);
    for (const c of cleanups) await c();
  };

  if (files.length === 0) {
    const columns = schema.fields.map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${quoteIdent(f.name)}`);
    if (options.fileColumn) columns.push(`CAST(NULL AS VARCHAR) AS ${quoteIdent(options.fileColumn)}`);
    if (options.rowIndexColumn) columns.push(`CAST(NULL AS BIGINT) AS ${quoteIdent(options.rowIndexColumn)}`);
    const select = `SELECT ${columns.join(', ') || '1 AS __empty'} WHERE false`;
    if (!options.inline) await connection.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS ${select}`);
    return { view, select, files, localPaths: [], standalone: true, release };
  }

  const paths = await resolveLocalPaths(snapshot, files, cleanups);
  const withDv = files.some((f) => f.deletionVector);
  const rowNumbers = withDv || options.rowIndexColumn !== undefined;
  // Reading by name across files costs a footer read per file at bind time (and the
  // DESCRIBE below another); it is only needed when some file may lack a column.
  const uniform = everyFileHasEveryColumn(snapshot, files, schema, partitionColumns, mode);
  // Partition values come from the files' folder names when those spell every value
  // exactly: DuckDB then hands them over as constants of each file, where joining each
  // row to a table of values by file name costs a hash probe per row (the fallback).
  const hive = partitionFields.length > 0 ? hiveFolders(snapshot, files, paths, partitionFields, mode) : undefined;
  const readOptions = [
    ...(uniform ? [] : ['union_by_name = true']),
    ...(hive
      ? [
          'hive_partitioning = true',
          `hive_types = {${partitionFields.map((f) => `${quoteLiteral(hive.get(f.name)!)}: ${quoteLiteral(hiveType(f.type))}`).join(', ')}}`,
        ]
      : ['hive_partitioning = false']),
    // The file name joins partition values and deleted rows, or is asked for; otherwise it
    // is a column DuckDB would still plan for every file, which a small scan notices.
    ...((partitionFields.length > 0 && !hive) || withDv || options.fileColumn ? ['filename = true'] : []),
    ...(rowNumbers ? ['file_row_number = true'] : []),
  ];
  const source = `read_parquet([${paths.map(sqlPath).join(', ')}], ${readOptions.join(', ')})`;
  let from = `${source} AS d`;

  if (partitionFields.length > 0 && !hive) {
    const table = `__pv_${id}`;
    temps.push(table);
    await createPartitionTable(connection, table, files, paths, partitionFields, mode);
    from += ` JOIN temp.${quoteIdent(table)} AS pv ON d.filename = pv.__file`;
  }
  if (withDv) {
    const table = `__dv_${id}`;
    temps.push(table);
    await createDeletedRowsTable(connection, table, snapshot, files, paths);
    from += ` ANTI JOIN temp.${quoteIdent(table)} AS dv ON d.filename = dv.__file AND d.file_row_number = dv.__row`;
  }
  const partitionExpr = (field: StructField): string => {
    if (!hive)
      return partitionValueExpr(
        `pv.${quoteIdent(physicalName(field, mode))}`,
        field.type,
        options.partitionTimeZone ?? 'UTC',
      );
    // Typed by DuckDB as it reads the folder name (the cast partitionValueExpr would apply).
    const column = `d.${quoteIdent(hive.get(field.name)!)}`;
    return hiveType(field.type) === 'VARCHAR'
      ? partitionValueExpr(column, field.type, options.partitionTimeZone ?? 'UTC')
      : column;
  };

  const present = uniform ? undefined : await presentColumns(connection, source);
  const columns = schema.fields.map((field) => {
    if (partitionColumns.has(field.name.toLowerCase())) {
      return `${partitionExpr(field)} AS ${quoteIdent(field.name)}`;
    }
    const physical = physicalName(field, mode);
    if (present && !present.has(physical.toLowerCase()))
      return `CAST(NULL AS ${duckdbType(field.type)}) AS ${quoteIdent(field.name)}`;
    return `${logicalExpr(`d.${quoteIdent(physical)}`, field.type, mode)} AS ${quoteIdent(field.name)}`;
  });
  if (options.fileColumn) columns.push(`d.filename AS ${quoteIdent(options.fileColumn)}`);
  if (options.rowIndexColumn) columns.push(`d.file_row_number AS ${quoteIdent(options.rowIndexColumn)}`);
  if (columns.length === 0) columns.push('NULL AS __empty');
  const select = `SELECT ${columns.join(', ')} FROM ${from}`;
  if (!options.inline) await connection.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS ${select}`);
  return { view, select, files, localPaths: paths, standalone: temps.length === 0 && cleanups.length === 0, release };
}

async function resolveLocalPaths(
  snapshot: Snapshot,
  files: readonly AddFile[],
  cleanups: Array<() => Promise<void>>,
): Promise<string[]> {
  const local = files.map((f) => localDataPath(f.path, snapshot.store));
  if (local.every((p) => p !== undefined)) return local as string[];
  const remoteKeys = files.filter((_, i) => local[i] === undefined).map((f) => relativeKey(f.path) ?? f.path);
  const staged = await localPathsFor(snapshot.store, remoteKeys);
  cleanups.push(staged.release);
  let next = 0;
  return local.map((p) => p ?? staged.paths[next++]!);
}

/**
 * True when the files' stats prove each file has every (non-partition) column of the
 * schema: each leaf has a null count in every file's stats. Old files written before a
 * column was added have no stats for it; columns without stats (arrays, maps, leaves past
 * the indexed limit) and type widening make the answer false, so DuckDB then reads the
 * files by name and the columns present are asked of it.
 */
function everyFileHasEveryColumn(
  snapshot: Snapshot,
  files: readonly AddFile[],
  schema: StructType,
  partitionColumns: ReadonlySet<string>,
  mode: ColumnMappingMode,
): boolean {
  if (snapshot.protocol.readerFeatures?.includes('typeWidening')) return false;
  const leaves: string[][] = [];
  const visit = (field: StructField, path: readonly string[]): boolean => {
    const physical = [...path, physicalName(field, mode)];
    if (isStruct(field.type))
      return field.type.fields.length > 0 && field.type.fields.every((child) => visit(child, physical));
    if (typeof field.type !== 'string') return false;
    leaves.push(physical);
    return true;
  };
  if (!schema.fields.every((f) => partitionColumns.has(f.name.toLowerCase()) || visit(f, []))) return false;
  return files.every((file) => {
    const nullCount = parsedNullCounts(file);
    return nullCount !== undefined && leaves.every((path) => typeof valueAt(nullCount, path) === 'number');
  });
}

function parsedNullCounts(file: AddFile): Record<string, unknown> | undefined {
  if (!file.stats) return undefined;
  try {
    const stats = JSON.parse(file.stats) as { nullCount?: unknown };
    return typeof stats.nullCount === 'object' && stats.nullCount !== null
      ? (stats.nullCount as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function valueAt(node: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = node;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The physical columns the files have, lower-cased (union over all files). */
async function presentColumns(connection: DuckDBConnection, source: string): Promise<Set<string>> {
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
  return new Set(reader.getRowObjectsJson().map((r) => String(r.column_name).toLowerCase()));
}

const HIVE_FOLDER = /^([^=]+)=(.*)$/;
/** Values DuckDB reads from a folder name exactly as written (no escapes to undo, nothing to trim). */
const PLAIN_VALUE = /^[A-Za-z0-9._-]+$/;

/**
 * The folder key of each partition column (by field name), when every file's path has
 * exactly one `key=value` folder per partition column and no other, naming the column
 * and spelling its value exactly as the log has it (non-null, plain characters): then
 * DuckDB's hive partitioning (read as VARCHAR) gives the same values as the log.
 */
function hiveFolders(
  snapshot: Snapshot,
  files: readonly AddFile[],
  paths: readonly string[],
  fields: readonly StructField[],
  mode: ColumnMappingMode,
): Map<string, string> | undefined {
  // Writers that also store partition columns in the files would give DuckDB two of each.
  if (snapshot.protocol.writerFeatures?.includes('materializePartitionColumns')) return undefined;
  let keys: Map<string, string> | undefined;
  for (const [i, file] of files.entries()) {
    const folders = paths[i]!.split('/')
      .slice(0, -1)
      .flatMap((segment) => {
        const match = HIVE_FOLDER.exec(segment);
        return match ? [{ key: match[1]!, value: match[2]! }] : [];
      });
    if (folders.length !== fields.length) return undefined;
    const found = new Map<string, string>();
    for (const field of fields) {
      const physical = physicalName(field, mode);
      const value = partitionValue(file.partitionValues, physical, field.name);
      const named = folders.filter((f) => f.key === physical || f.key === field.name);
      if (value === null || !PLAIN_VALUE.test(value) || named.length !== 1 || named[0]!.value !== value)
        return undefined;
      found.set(field.name, named[0]!.key);
    }
    if (keys && [...found].some(([name, key]) => keys!.get(name) !== key)) return undefined;
    keys ??= found;
  }
  return keys;
}

/**
 * The type DuckDB gives a folder partition value: the column's own type where casting
 * the (plain, non-empty) text is all partitionValueExpr would do, else VARCHAR.
 */
function hiveType(type: DataType): string {
  return type === 'binary' || type === 'timestamp' || type === 'timestamp_ntz' || typeof type !== 'string'
    ? 'VARCHAR'
    : duckdbType(type);
}

async function createPartitionTable(
  connection: DuckDBConnection,
  table: string,
  files: readonly AddFile[],
  paths: readonly string[],
  fields: readonly StructField[],
  mode: ColumnMappingMode,
): Promise<void> {
  const names = fields.map((f) => physicalName(f, mode));
  await connection.run(
    `CREATE TEMP TABLE ${quoteIdent(table)} (__file VARCHAR, ${names.map((n) => `${quoteIdent(n)} VARCHAR`).join(', ')})`,
  );
  const appender = await connection.createAppender(table, null, 'temp');
  files.forEach((file, i) => {
    appender.appendVarchar(paths[i]!);
    for (let c = 0; c < fields.length; c++) {
      const value = partitionValue(file.partitionValues, names[c]!, fields[c]!.name);
      if (value === null) appender.appendNull();
      else appender.appendVarchar(value);
    }
    appender.endRow();
  });
  appender.flushSync();
  appender.closeSync();
}

async function createDeletedRowsTable(
  connection: DuckDBConnection,
  table: string,
  snapshot: Snapshot,
  files: readonly AddFile[],
  paths: readonly string[],
): Promise<void> {
  await connection.run(`CREATE TEMP TABLE ${quoteIdent(table)} (__file VARCHAR, __row BIGINT)`);
  const deleted = await Promise.all(
    files.map((f) => (f.deletionVector ? readDeletionVector(f.deletionVector, snapshot.store) : Promise.resolve([]))),
  );
  const appender = await connection.createAppender(table, null, 'temp');
  deleted.forEach((rows, i) => {
    for (const row of rows) {
      appender.appendVarchar(paths[i]!);
      appender.appendBigInt(BigInt(row));
      appender.endRow();
    }
  });
  appender.flushSync();
  appender.closeSync();
}

/** A partition value by physical name, falling back to the logical name some writers use. */
function partitionValue(values: AddFile['partitionValues'], physical: string, logical: string): string | null {
  const value = values[physical] ?? values[logical];
  return value === undefined ? null : value;
}

/** Partition values are strings in the log (PROTOCOL.md, "Partition Value Serialization"). */
function partitionValueExpr(expr: string, type: DataType, timeZone: string): string {
  if (type === 'binary') return `encode(${expr})`;
  if (type === 'string') return expr;
  if (type === 'timestamp') {
    // ISO 8601 values carry their zone (usually Z); the others are wall-clock time in `timeZone`.
    return (
      `CASE WHEN regexp_matches(${expr}, '(Z|[+-]\\d\\d:?\\d\\d)$') THEN CAST(${expr} AS TIMESTAMPTZ)` +
      ` ELSE timezone(${quoteLiteral(timeZone)}, CAST(NULLIF(${expr}, '') AS TIMESTAMP)) END`
    );
  }
  // An empty string is how some writers spell null for non-string types.
  return `CAST(NULLIF(${expr}, '') AS ${duckdbType(type)})`;
}

/** Renames physical struct fields to logical ones (recursively) and casts to the Delta type. */
function logicalExpr(expr: string, type: DataType, mode: ColumnMappingMode): string {
  if (mode === 'none' || !containsStruct(type)) return `CAST(${expr} AS ${duckdbType(type)})`;
  if (isStruct(type)) {
    const members = type.fields.map(
      (f) => `${quoteIdent(f.name)} := ${logicalExpr(`${expr}.${quoteIdent(physicalName(f, mode))}`, f.type, mode)}`,
    );
    return `CASE WHEN ${expr} IS NULL THEN NULL ELSE struct_pack(${members.join(', ')}) END`;
  }
  const depth = expr.length; // a fresh lambda name per nesting level
  if (isArray(type))
    return `list_transform(${expr}, lambda __e${depth}: ${logicalExpr(`__e${depth}`, type.elementType, mode)})`;
  if (isMap(type)) {
    const entry = `__m${depth}`;
    const key = logicalExpr(`${entry}.key`, type.keyType, mode);
    const value = logicalExpr(`${entry}.value`, type.valueType, mode);
    return `map_from_entries(list_transform(map_entries(${expr}), lambda ${entry}: struct_pack(key := ${key}, value := ${value})))`;
  }
  return `CAST(${expr} AS ${duckdbType(type)})`;
}

function containsStruct(type: DataType): boolean {
  if (typeof type === 'string') return false;
  if (isStruct(type)) return true;
  if (isArray(type)) return containsStruct(type.elementType);
  return containsStruct(type.keyType) || containsStruct(type.valueType);
}
