/**
 * Materializes feature views into the online store, incrementally by Delta commit.
 *
 * Guarantees (tested by test/features/materialization*.test.ts):
 * - Each run reads what was committed after the view's watermark (source-changes.ts), so
 *   late rows with old event times are applied; the store's newest-wins compare-and-set
 *   decides each key, so a correction with a newer created time replaces a value and an
 *   older row never overwrites a newer one.
 * - The watermark (the last source version materialized) is the online store's own,
 *   moved by the run's last write, after every row before it was written, and only from
 *   the value the run started at (compare-and-set). A run killed at any point leaves the
 *   watermark where it was: the next run reads the same commits again, and the rows the
 *   killed run had written are skipped as not newer, so nothing is lost or applied twice.
 * - Two runs at once: one moves the watermark; the other's last write fails its
 *   compare-and-set, and it starts again from the new watermark (usually nothing left).
 */
import type { Catalog } from '../../catalog/index.js';
import { isStrataError, silentProgress, type ProgressReporter } from '../../core/index.js';
import { withConnection } from '../../lake/index.js';
import { joinKeysOf } from '../definition/definition-set.js';
import type { FeatureViewDefinition } from '../definition/feature-definition.js';
import { FeatureNotFoundError } from '../errors.js';
import type { OnlineRow, OnlineStore, WatermarkStep } from '../online/online-store.js';
import type { FeatureRegistry } from '../registry/feature-registry.js';
import { MaterializeConflictError } from './materialize-errors.js';
import { recordMaterialization } from './materialization-log.js';
import { chunkRows, latestRowsSql, rowShape, type RowShape } from './online-rows.js';
import { ReadKind, sourceChanges } from './source-changes.js';

export interface MaterializeOptions {
  readonly store: OnlineStore;
  /** Read the whole source, not only the commits after the watermark. */
  readonly full?: boolean;
  /** Rows per online write (default 10,000). */
  readonly batchRows?: number;
  /** Attempts when other materializers move the watermark meanwhile (default 5). */
  readonly maxAttempts?: number;
  readonly progress?: ProgressReporter;
  /** Called after each batch write returned, with the rows written so far (tests stop a run here). */
  readonly afterBatch?: (batch: { readonly index: number; readonly rows: number }) => void | Promise<void>;
}

export interface MaterializeResult {
  readonly view: string;
  readonly kind: ReadKind;
  /** The watermark the run started from (null: none). */
  readonly fromVersion: number | null;
  /** The watermark after the run (null: a SQL source, which has none). */
  readonly toVersion: number | null;
  /** Online rows the run produced (one per key changed in the range). */
  readonly rows: number;
  readonly written: number;
  readonly skipped: number;
  readonly attempts: number;
  readonly durationMs: number;
}

const DEFAULT_BATCH = 10_000;

/** Materializes the named views (default: every applied view), one after the other. */
export async function materialize(
  registry: FeatureRegistry,
  views: readonly string[] | undefined,
  options: MaterializeOptions,
): Promise<MaterializeResult[]> {
  const { set } = await registry.applied();
  const names = views && views.length > 0 ? views : [...set.views.keys()];
  const results: MaterializeResult[] = [];
  for (const name of names) {
    const view = set.views.get(name);
    if (view === undefined) throw new FeatureNotFoundError(`feature view ${name}`, [...set.views.keys()]);
    results.push(await materializeView(registry, view, joinKeysOf(set, view), options));
  }
  return results;
}

async function materializeView(
  registry: FeatureRegistry,
  view: FeatureViewDefinition,
  keys: readonly (readonly [string, string])[],
  options: MaterializeOptions,
): Promise<MaterializeResult> {
  const maxAttempts = options.maxAttempts ?? 5;
  const started = new Date();
  for (let attempt = 1; ; attempt++) {
    const watermark = await options.store.watermark(view.name);
    try {
      const run = await runOnce(registry.catalog, view, rowShape(view, keys), watermark, options);
      const result = { view: view.name, ...run, fromVersion: watermark, attempts: attempt, durationMs: 0 };
      const finished = new Date();
      if (run.kind !== ReadKind.upToDate)
        await recordMaterialization(registry.meta, {
          view: view.name,
          store: options.store.name,
          kind: run.kind,
          fromVersion: watermark,
          toVersion: run.toVersion,
          rowsRead: run.rows,
          rowsWritten: run.written,
          rowsSkipped: run.skipped,
          startedAt: started,
          finishedAt: finished,
        });
      return { ...result, durationMs: finished.getTime() - started.getTime() };
    } catch (error) {
      if (!isStrataError(error, 'FEATURES_ONLINE_WATERMARK_CONFLICT')) throw error;
      if (attempt >= maxAttempts) throw new MaterializeConflictError(view.name, attempt);
    }
  }
}

type RunOutcome = Pick<MaterializeResult, 'kind' | 'toVersion' | 'rows' | 'written' | 'skipped'>;

async function runOnce(
  catalog: Catalog,
  view: FeatureViewDefinition,
  shape: RowShape,
  watermark: number | null,
  options: MaterializeOptions,
): Promise<RunOutcome> {
  const { store, progress = silentProgress } = options;
  const batchRows = Math.max(1, options.batchRows ?? DEFAULT_BATCH);
  const label = `materializing ${view.name}`;
  return withConnection(async (connection) => {
    const changes = await sourceChanges(catalog, connection, view, watermark, options.full === true);
    try {
      const toVersion = changes.toVersion ?? null;
      if (changes.kind === ReadKind.upToDate) return { kind: changes.kind, toVersion, rows: 0, written: 0, skipped: 0 };
      // SQL sources have no one version to follow: they are read whole and keep no watermark.
      const step: WatermarkStep | undefined =
        changes.toVersion === undefined ? undefined : { expected: watermark, next: changes.toVersion };
      const result = await connection.stream(latestRowsSql(changes.sql, view, shape));
      const convert = chunkRows(shape);
      const totals = { rows: 0, written: 0, skipped: 0, batches: 0 };
      let pending: OnlineRow[] = [];
      const write = async (rows: OnlineRow[], last: boolean) => {
        const outcome = await store.write(view.name, rows, last && step ? { watermark: step } : {});
        totals.written += outcome.written;
        totals.skipped += outcome.skipped;
        totals.rows += rows.length;
        progress.update(label, totals.rows);
        await options.afterBatch?.({ index: totals.batches++, rows: totals.rows });
      };
      progress.update(label, 0);
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        pending = pending.length === 0 ? convert(chunk) : pending.concat(convert(chunk));
        // Full batches are written as they fill; the watermark rides only on the last write.
        while (pending.length > batchRows) {
          await write(pending.slice(0, batchRows), false);
          pending = pending.slice(batchRows);
        }
      }
      await write(pending, true);
      return { kind: changes.kind, toVersion, rows: totals.rows, written: totals.written, skipped: totals.skipped };
    } finally {
      await changes.release();
    }
  });
}
