/**
 * Monitors: definitions (`defineMonitor`), their evaluation over rows (drift, quality,
 * the domain classifier, estimated and realized performance), runs that write results
 * and alerts to Delta tables and deliver webhooks, and the flow that runs one.
 */
export {
  defineMonitor,
  monitoredModel,
  type MonitorDefinition,
  type MonitorOptions,
  type MonitorReference,
  type MonitorCurrent,
  type MonitorFeature,
  type MonitorRules,
  type MonitorAlerts,
} from './monitor-definition.js';
export {
  evaluateMonitor,
  type MonitorResult,
  type MonitorInputs,
  type MonitorEvaluation,
  type ResultKind,
} from './monitor-evaluation.js';
export {
  buildAlert,
  deliverWebhook,
  redactWebhook,
  type MonitorAlert,
  type Evidence,
  type DeliveryResult,
  type DeliveryOptions,
} from './monitor-alerts.js';
export {
  runMonitor,
  type MonitorIo,
  type AlertRecord,
  type MonitorRunOutcome,
  type RunMonitorOptions,
} from './monitor-run.js';
export {
  lakeMonitorIo,
  readMonitorTable,
  monitorTableLocation,
  monitorManifest,
  writeMonitorManifest,
  listMonitorManifests,
  MONITORS_DIRECTORY,
  type MonitorManifest,
} from './monitor-lake-io.js';
export { monitorFlow, MONITOR_FLOW_PREFIX, type MonitorFlowOptions } from './monitor-flow.js';
