/**
 * Writes data files for a commit. DuckDB runs one `COPY ... TO` per write, which
 * splits by partition (Hive-style `col=value/` folders, `__HIVE_DEFAULT_PARTITION__`
 * for null) and by target file size, and returns each file's column statistics,
 * so the Delta stats cost no second pass over the data.
 *
 * Files are written into a private staging folder and renamed into the table, so a
 * crash leaves no half-written file where a reader could find it; files are only
 * part of the table once a commit names them.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ObjectStore } from '../../storage/index.js';
import type { AddFile } from '../log/actions.js';
import { encodeRelativePath } from '../log/file-paths.js';
import { stagingDirectory, sqlPath } from './local-files.js';
import { serializePartitionValue } from '../log/partition-values.js';
import { findField, physicalName, quoteIdent, type ColumnMappingMode, type StructType } from '../log/schema.js';
import { buildFileStats, statsLeaves, type DuckdbColumnStats } from './stats.js';

export const STAGING_DIR = '_strata_staging';

export interface DataLayout {
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  readonly columnMapping: ColumnMappingMode;
  readonly configuration: Readonly<Record<string, string>>;
  /** Bytes per file before DuckDB starts a new one (default 128 MiB). */
  readonly targetFileSize?: number;
}

export interface WrittenFiles {
  readonly adds: AddFile[];
  readonly numRows: number;
  readonly numBytes: number;
}

const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;

export interface WriteFilesOptions {
  /** Folder under the table root for the files (default: the root; `_change_data` for CDC). */
  readonly directory?: string;
  /** File name prefix (default `part`; change data files use `cdc`). */
  readonly namePrefix?: string;
}

/**
 * Writes the rows of `relation` (a SELECT yielding the table's logical columns) as
 * data files of the table and returns their add actions (dataChange true).
 */
export async function writeDataFiles(
  connection: DuckDBConnection,
  store: ObjectStore,
  layout: DataLayout,
  relation: string,
  where: WriteFilesOptions = {},
): Promise<WrittenFiles> {
  const batch = randomUUID();
  const localRoot = store.localPath('');
  const stagingKey = `${STAGING_DIR}/${batch}`;
  const stagingDir =
    localRoot !== undefined ? store.localPath(stagingKey)! : path.join(await stagingDirectory(), batch);
  const mode = layout.columnMapping;
  const partitionFields = layout.partitionColumns.map((name) => {
    const field = findField(layout.schema, name);
    if (!field) throw new Error(`partition column ${name} is not in the schema`); // validated at table creation
    return field;
  });
  const select = layout.schema.fields
    .map((f) => `${quoteIdent(f.name)} AS ${quoteIdent(physicalName(f, mode))}`)
    .join(', ');
  const options = [
    'FORMAT parquet',
    "COMPRESSION 'snappy'",
    `FILENAME_PATTERN '${where.namePrefix ?? 'part'}-{uuid}'`,
    'RETURN_STATS',
    // DuckDB cannot split partitioned output by size: one file per partition per write.
    partitionFields.length > 0
      ? `PARTITION_BY (${partitionFields.map((f) => quoteIdent(physicalName(f, mode))).join(', ')})`
      : `FILE_SIZE_BYTES ${layout.targetFileSize ?? DEFAULT_TARGET_FILE_SIZE}`,
  ];
  await fs.mkdir(path.dirname(stagingDir), { recursive: true });
  try {
    const reader = await connection.runAndReadAll(
      `COPY (SELECT ${select} FROM (${relation})) TO ${sqlPath(stagingDir)} (${options.join(', ')})`,
    );
    const files = reader.getRowObjectsJson() as unknown as CopyStatsRow[];
    const leaves = statsLeaves(layout.schema, mode, layout.partitionColumns, layout.configuration);
    const now = Date.now();
    const adds = await Promise.all(
      files
        .filter((f) => Number(f.count) > 0)
        .map(async (file) => {
          const inStaging = path
            .relative(stagingDir, file.filename)
            .split(path.sep)
            .join('/')
            .replace(/\.parquet$/, '.snappy.parquet');
          const relative = where.directory ? `${where.directory}/${inStaging}` : inStaging;
          await moveIntoTable(store, file.filename, relative);
          const partitionValues: Record<string, string | null> = {};
          for (const field of partitionFields) {
            const raw = (file.partition_keys ?? []).find((k) => k.key === physicalName(field, mode))?.value ?? null;
            partitionValues[physicalName(field, mode)] = serializePartitionValue(raw, field.type);
          }
          const stats = buildFileStats(Number(file.count), leaves, columnStats(file));
          const add: AddFile = {
            path: encodeRelativePath(relative),
            partitionValues,
            size: Number(file.file_size_bytes),
            modificationTime: now,
            dataChange: true,
            stats: JSON.stringify(stats),
          };
          return add;
        }),
    );
    return {
      adds,
      numRows: files.reduce((n, f) => n + Number(f.count), 0),
      numBytes: adds.reduce((n, a) => n + a.size, 0),
    };
  } finally {
    await fs.rm(stagingDir, { recursive: true, force: true });
  }
}

interface CopyStatsRow {
  readonly filename: string;
  readonly count: string | number;
  readonly file_size_bytes: string | number;
  readonly column_statistics: ReadonlyArray<{
    key: string;
    value: ReadonlyArray<{ key: string; value: string | null }>;
  }> | null;
  readonly partition_keys: ReadonlyArray<{ key: string; value: string | null }> | null;
}

function columnStats(row: CopyStatsRow): DuckdbColumnStats {
  const out = new Map<string, Record<string, string | null>>();
  for (const column of row.column_statistics ?? []) {
    out.set(column.key, Object.fromEntries(column.value.map((e) => [e.key, e.value])));
  }
  return out;
}

/** Moves a staged file to its key: a rename on a local store, an upload elsewhere. */
async function moveIntoTable(store: ObjectStore, staged: string, key: string): Promise<void> {
  const target = store.localPath(key);
  if (target !== undefined) {
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.rename(staged, target);
    return;
  }
  await store.put(key, await fs.readFile(staged));
}
