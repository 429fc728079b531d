/**
 * Materialization as a flow the user schedules like any other (light: importing this
 * loads no DuckDB; the task loads the materializer when it runs):
 *
 *   // flows/materialize.ts
 *   import { materializeFlow } from 'strata/features';
 *   import { every } from 'strata/flows';
 *   export default materializeFlow(['driver_stats'], { schedule: every('10m') });
 *
 * One task per view (`materialize_<view>`), each reading the commits after its view's
 * watermark, so a backfill or a late run catches up whatever was missed: the range comes
 * from the store's watermark, never from the run's logical date. The run's `full`
 * parameter (`--param full=true`) reads the sources whole.
 */
import { defineFlow, type FlowDefinition, type TaskSettings } from '../../flows/define.js';
import type { Schedule } from '../../flows/define.js';

export interface MaterializeFlowOptions extends TaskSettings {
  /** Default `materialize_<view>` (views joined by `_`). */
  readonly id?: string;
  readonly schedule?: Schedule;
  readonly description?: string;
  /** The online store's URL or directory; default STRATA_ONLINE_STORE_URL, else `<warehouse>/online`. */
  readonly store?: string;
  /** Rows per online write (default 10,000). */
  readonly batchRows?: number;
}

export function materializeFlow(
  views: string | readonly string[],
  options: MaterializeFlowOptions = {},
): FlowDefinition {
  const names = typeof views === 'string' ? [views] : [...views];
  const { id, schedule, description, store, batchRows, ...settings } = options;
  return defineFlow(
    {
      id: id ?? `materialize_${names.join('_')}`,
      description: description ?? `Materializes ${names.join(', ')} into the online store`,
      ...(schedule ? { schedule } : {}),
      params: { full: false as boolean },
      // Runs of one flow would only race for the same watermark (harmless, but wasted).
      maxActiveRuns: 1,
      tags: ['features', 'materialization'],
      defaults: settings,
    },
    (f) => {
      for (const view of names)
        f.task(`materialize_${view}`, { description: `Materialize feature view ${view}` }, async (ctx) => {
          const { runMaterializeTask } = await import('./materialize-task.js');
          return runMaterializeTask(ctx, view, {
            full: ctx.params.full === true,
            ...(store === undefined ? {} : { store }),
            ...(batchRows === undefined ? {} : { batchRows }),
          });
        });
    },
  );
}
