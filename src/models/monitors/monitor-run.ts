/**
 * Running a monitor: read the reference, current and label rows, evaluate, append the
 * results (one row per run × feature × statistic) and, on a breach, the alert to the
 * monitor's Delta tables, deliver the webhook, and hand the alert on (the event stream,
 * a retraining flow) through `onAlert`. Tables are read and written through `MonitorIo`,
 * so the evaluation is testable without a warehouse; `lakeMonitorIo` is the real one.
 */
import type { MonitorDefinition } from './monitor-definition.js';
import { buildAlert, deliverWebhook, redactWebhook, type DeliveryResult, type MonitorAlert } from './monitor-alerts.js';
import { evaluateMonitor, type MonitorEvaluation, type MonitorResult, type Row } from './monitor-evaluation.js';

export interface AlertRecord {
  readonly monitor: string;
  readonly run_id: string;
  readonly alerted_at: string;
  readonly summary: string;
  readonly evidence: string;
  readonly webhook: string;
  readonly delivered: boolean;
  readonly attempts: number;
  readonly retrain_flow: string;
}

export interface MonitorIo {
  /** A table's rows by catalog name (at `version` when given). */
  readRows(table: string, version?: number): Promise<readonly Row[]>;
  /** Records what the monitor watches (its manifest), before its results. */
  recordMonitor?(definition: MonitorDefinition): Promise<void>;
  appendResults(monitor: string, rows: readonly MonitorResult[]): Promise<void>;
  appendAlert(monitor: string, alert: AlertRecord): Promise<void>;
}

export interface MonitorRunOutcome {
  readonly runId: string;
  readonly evaluation: MonitorEvaluation;
  readonly alert?: MonitorAlert;
  readonly delivery?: DeliveryResult;
}

export interface RunMonitorOptions {
  readonly runId: string;
  readonly at?: Date;
  /** Called with each alert after it is recorded: publish to a stream, trigger the retraining flow. */
  readonly onAlert?: (alert: MonitorAlert) => Promise<void>;
  readonly log?: (line: string) => void;
  readonly webhookRetries?: number;
  readonly webhookDelayMs?: number;
}

function inWindow(rows: readonly Row[], column: string, from: number, to: number): Row[] {
  return rows.filter((r) => {
    const v = r[column];
    const t = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number(v);
    return t >= from && t < to;
  });
}

export async function runMonitor(
  definition: MonitorDefinition,
  io: MonitorIo,
  options: RunMonitorOptions,
): Promise<MonitorRunOutcome> {
  const at = options.at ?? new Date();
  const ref = definition.reference;
  let reference = await io.readRows(ref.table, ref.kind === 'training_set' ? ref.version : undefined);
  if (ref.kind === 'window') reference = inWindow(reference, ref.timeColumn, Date.parse(ref.from), Date.parse(ref.to));
  const cur = definition.current;
  let current = await io.readRows(cur.table);
  if (cur.timeColumn !== undefined && cur.lookbackHours !== undefined)
    current = inWindow(current, cur.timeColumn, at.getTime() - cur.lookbackHours * 3_600_000, at.getTime() + 1);
  const labels = cur.labels === undefined ? undefined : await io.readRows(cur.labels.table);
  const run = { id: options.runId, at };
  const evaluation = evaluateMonitor(definition, { reference, current, ...(labels ? { labels } : {}) }, run);
  await io.recordMonitor?.(definition);
  await io.appendResults(definition.name, evaluation.results);
  options.log?.(`monitor ${definition.name}: ${evaluation.summary}`);
  if (!evaluation.breached) return { runId: run.id, evaluation };

  const alert = buildAlert(definition, evaluation, run);
  const webhook = definition.alerts?.webhook;
  const delivery =
    webhook === undefined
      ? undefined
      : await deliverWebhook(webhook, alert, {
          ...(options.webhookRetries === undefined ? {} : { retries: options.webhookRetries }),
          ...(options.webhookDelayMs === undefined ? {} : { delayMs: options.webhookDelayMs }),
          ...(options.log ? { log: options.log } : {}),
        });
  await io.appendAlert(definition.name, {
    monitor: definition.name,
    run_id: run.id,
    alerted_at: alert.at,
    summary: alert.summary,
    evidence: JSON.stringify({ topDrifting: alert.topDrifting, breaches: alert.breaches }),
    webhook: webhook === undefined ? '' : redactWebhook(webhook),
    delivered: delivery?.delivered ?? false,
    attempts: delivery?.attempts ?? 0,
    retrain_flow: alert.retrainFlow ?? '',
  });
  await options.onAlert?.(alert);
  return { runId: run.id, evaluation, alert, ...(delivery ? { delivery } : {}) };
}
