/**
 * `strata/flows`: what a flow file needs to define flows, without the rest of the
 * library. Child processes import flow files on start, and a flow importing only
 * this loads in milliseconds, where `strata` (DuckDB, PGlite, ...) takes a second.
 */
export {
  defineFlow,
  type FlowDefinition,
  type FlowOptions,
  type FlowBuilder,
  type TaskOptions,
  type TaskSettings,
  type TaskRef,
  type RetryPolicy,
  type JsonValue,
  type FlowParams,
} from './definition/flow-definition.js';
export type {
  CommandOptions,
  CommandResult,
  CommandTracking,
  CommandRunInfo,
  TrackedRun,
  TrackedRunStatus,
} from './definition/command-options.js';
export { cron, every, onTableUpdate, manual, type Schedule, type IntervalSpec } from './definition/schedules.js';
export type { TaskContext, TaskCheckpoint } from './execution/task-context.js';
export type { TableOutput, TableRows } from './execution/task-tables.js';
export { TriggerRule } from './queue/task-states.js';
