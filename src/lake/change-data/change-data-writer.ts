/**
 * Change data files (PROTOCOL.md, "Change Data Files" and "Add CDC File"): Parquet files
 * under `_change_data/` (in partition folders for partitioned tables) holding a
 * commit's changed rows — the table's columns (physical names, partition columns in
 * `partitionValues` as for data files) plus `_change_type`: `delete`,
 * `update_preimage`, `update_postimage` or `insert`. Their `cdc` actions have
 * `dataChange: false`: they describe the change, the add/remove actions make it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ObjectStore } from '../../storage/index.js';
import type { AddCdcFile } from '../log/actions.js';
import { writeDataFiles, type DataLayout } from '../write/data-writer.js';
import type { StructField, StructType } from '../log/schema.js';

export const CHANGE_DATA_DIR = '_change_data';
export const CHANGE_TYPE_COLUMN = '_change_type';

export const ChangeType = {
  delete: 'delete',
  updatePreimage: 'update_preimage',
  updatePostimage: 'update_postimage',
  insert: 'insert',
} as const;
export type ChangeType = (typeof ChangeType)[keyof typeof ChangeType];

const CHANGE_TYPE_FIELD: StructField = { name: CHANGE_TYPE_COLUMN, type: 'string', nullable: true, metadata: {} };

/** The table schema with `_change_type` appended: the columns of a change data file. */
export function changeDataSchema(schema: StructType): StructType {
  return { type: 'struct', fields: [...schema.fields, CHANGE_TYPE_FIELD] };
}

/**
 * Writes `relation` (the table's logical columns and `_change_type`) as change data
 * files and returns their `cdc` actions; none when the relation is empty.
 */
export async function writeChangeData(
  connection: DuckDBConnection,
  store: ObjectStore,
  layout: DataLayout,
  relation: string,
): Promise<{ files: AddCdcFile[]; numRows: number }> {
  const written = await writeDataFiles(
    connection,
    store,
    { ...layout, schema: changeDataSchema(layout.schema) },
    relation,
    { directory: CHANGE_DATA_DIR, namePrefix: 'cdc' },
  );
  const files = written.adds.map((add): AddCdcFile => ({
    path: add.path,
    partitionValues: add.partitionValues,
    size: add.size,
    dataChange: false,
  }));
  return { files, numRows: written.numRows };
}
