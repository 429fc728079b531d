/**
 * A monitor as a flow: one task that runs the monitor against the warehouse's tables,
 * on the monitor's schedule (cron, interval, or `onTableUpdate` of the production table).
 * The flow's id is `monitor_<name>`; its runs, retries and logs are the flows' own.
 */
import { defineFlow, type FlowDefinition } from '../../flows/define.js';
import type { MonitorAlert } from './monitor-alerts.js';
import type { MonitorDefinition } from './monitor-definition.js';
import { lakeMonitorIo } from './monitor-lake-io.js';
import { runMonitor } from './monitor-run.js';

export const MONITOR_FLOW_PREFIX = 'monitor_';

export interface MonitorFlowOptions {
  /** Called with each alert (the event stream, a retraining flow). */
  readonly onAlert?: (alert: MonitorAlert) => Promise<void>;
}

export function monitorFlow(definition: MonitorDefinition, options: MonitorFlowOptions = {}): FlowDefinition {
  const { reference, current } = definition;
  const reads = [reference.table, current.table, ...(current.labels ? [current.labels.table] : [])];
  return defineFlow(
    {
      id: `${MONITOR_FLOW_PREFIX}${definition.name}`,
      description: `Monitor ${definition.name} of ${definition.model}`,
      ...(definition.schedule === undefined ? {} : { schedule: definition.schedule }),
      tags: ['monitor'],
    },
    (f) => {
      f.task('evaluate', { reads: [...new Set(reads)] }, async (ctx) => {
        if (ctx.warehouse === undefined) throw new Error(`Monitor ${definition.name} must run in a warehouse.`);
        const io = lakeMonitorIo(ctx.warehouse, (table) => ctx.tableLocation(table));
        const outcome = await runMonitor(definition, io, {
          runId: `${ctx.flowId}/${ctx.runId}`,
          log: (line) => ctx.log(line),
          ...(options.onAlert ? { onAlert: options.onAlert } : {}),
        });
        return {
          breached: outcome.evaluation.breached,
          summary: outcome.evaluation.summary,
          results: outcome.evaluation.results.length,
          ...(outcome.delivery ? { webhookDelivered: outcome.delivery.delivered } : {}),
        };
      });
    },
  );
}
