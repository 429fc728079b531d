/**
 * The body of a materialization flow's task (loaded when the task runs, so flow files
 * stay light): opens the warehouse's feature registry and online store, materializes one
 * view, logs its progress on the task's log, and returns the run's figures as its output.
 */
import type { JsonValue } from '../../core/index.js';
import type { TaskContext } from '../../flows/index.js';
import { openOnlineStore, resolveOnlineStoreUrl } from '../online/open-online-store.js';
import { FeatureRegistry } from '../registry/feature-registry.js';
import { materialize } from './materialize-view.js';
import { MaterializeTaskError } from './materialize-errors.js';

export async function runMaterializeTask(
  ctx: TaskContext<Readonly<Record<string, JsonValue>>>,
  view: string,
  options: { full: boolean; store?: string; batchRows?: number },
): Promise<JsonValue> {
  if (ctx.warehouse === undefined) throw new MaterializeTaskError(view);
  const registry = await FeatureRegistry.open({ warehouse: ctx.warehouse });
  const store = openOnlineStore(
    resolveOnlineStoreUrl({ warehouse: ctx.warehouse, ...(options.store === undefined ? {} : { url: options.store }) }),
  );
  try {
    let logged = 0;
    const [result] = await materialize(registry, [view], {
      store,
      full: options.full,
      ...(options.batchRows === undefined ? {} : { batchRows: options.batchRows }),
      progress: {
        update(label, done) {
          // A line per 100,000 rows keeps long runs visible without flooding the log.
          if (done === 0 || done - logged >= 100_000) ctx.log(`${label}: ${done} rows`);
          if (done - logged >= 100_000) logged = done;
        },
      },
    });
    const { kind, fromVersion, toVersion, rows, written, skipped, attempts, durationMs } = result!;
    ctx.log(
      `${view}: ${kind} read, watermark ${fromVersion ?? 'none'} -> ${toVersion ?? 'none'}, ${written} rows written, ${skipped} skipped`,
    );
    return { view, kind, fromVersion, toVersion, rows, written, skipped, attempts, durationMs };
  } finally {
    await store.close();
    await registry.close();
  }
}
