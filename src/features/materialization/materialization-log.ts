/**
 * The materialization history (migration features-0002): one row per run that finished,
 * written after its online write succeeded. Informational only: the watermark a run
 * starts from is the online store's, never this table's.
 */
import type { ColumnType } from 'kysely';
import type { MetaDatabase } from '../../meta/index.js';
import type { ReadKind } from './source-changes.js';

type Count = ColumnType<string | number, number, number>;
type NullableCount = ColumnType<string | number | null, number | null, number | null>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface FeatureMaterializationsTable {
  id: ColumnType<string | number, never, never>;
  view_name: string;
  store: string;
  kind: string;
  from_version: NullableCount;
  to_version: NullableCount;
  rows_read: Count;
  rows_written: Count;
  rows_skipped: Count;
  started_at: Timestamp;
  finished_at: Timestamp;
}

export interface MaterializationTables {
  feature_materializations: FeatureMaterializationsTable;
}

/** One finished run. */
export interface MaterializationRecord {
  readonly view: string;
  readonly store: string;
  readonly kind: ReadKind;
  /** The watermark the run started from (null: none, a first run). */
  readonly fromVersion: number | null;
  /** The watermark it left (undefined for SQL sources, which have none). */
  readonly toVersion: number | null;
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly rowsSkipped: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/** Any view of the metadata database (the history's table is reached through it). */
type Tables = Pick<MetaDatabase, 'withTables'>;

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

export async function recordMaterialization(meta: Tables, run: MaterializationRecord): Promise<void> {
  await meta
    .withTables<MaterializationTables>()
    .db.insertInto('feature_materializations')
    .values({
      view_name: run.view,
      store: run.store,
      kind: run.kind,
      from_version: run.fromVersion,
      to_version: run.toVersion,
      rows_read: run.rowsRead,
      rows_written: run.rowsWritten,
      rows_skipped: run.rowsSkipped,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
    })
    .execute();
}

/** The runs of a view (all views without one), newest first. */
export async function materializationHistory(
  meta: Tables,
  options: { view?: string; limit?: number } = {},
): Promise<MaterializationRecord[]> {
  let query = meta
    .withTables<MaterializationTables>()
    .db.selectFrom('feature_materializations')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(options.limit ?? 100);
  if (options.view !== undefined) query = query.where('view_name', '=', options.view);
  return (await query.execute()).map((r) => ({
    view: r.view_name,
    store: r.store,
    kind: r.kind as ReadKind,
    fromVersion: num(r.from_version),
    toVersion: num(r.to_version),
    rowsRead: Number(r.rows_read),
    rowsWritten: Number(r.rows_written),
    rowsSkipped: Number(r.rows_skipped),
    startedAt: new Date(r.started_at),
    finishedAt: new Date(r.finished_at),
  }));
}
