/**
 * The orchestrator: flows of typed tasks defined in TypeScript (flows/*.ts), a
 * durable queue in the metadata database, schedulers and workers as separate roles,
 * executors (in-process, child processes), schedules, backfills, task states as in
 * Airflow, per-task logs, checkpoints, duration expectations.
 */
export {
  defineFlow,
  retryPolicy,
  retryDelayMs,
  isFlowDefinition,
  DEFAULT_RETRY,
  type FlowDefinition,
  type FlowOptions,
  type FlowBuilder,
  type TaskDefinition,
  type TaskOptions,
  type TaskSettings,
  type TaskRef,
  type RetryPolicy,
  type JsonValue,
  type FlowParams,
  type TaskFunction,
  type MapTaskFunction,
} from './definition/flow-definition.js';
export { cron, every, onTableUpdate, manual, type Schedule, type IntervalSpec } from './definition/schedules.js';
export { nextTick, ticksBetween, latestTickAtOrBefore } from './scheduling/schedule-ticks.js';
export type { TaskContext, TaskCheckpoint } from './execution/task-context.js';
export type {
  CommandOptions,
  CommandResult,
  CommandTracking,
  CommandRunInfo,
  TrackedRun,
  TrackedRunStatus,
} from './definition/command-options.js';
export { isTableOutput, type TableOutput, type TableRows } from './execution/task-tables.js';
export {
  TaskState,
  RunState,
  TriggerRule,
  TASK_TRANSITIONS,
  RUN_TRANSITIONS,
  FINISHED_TASK_STATES,
  FINISHED_RUN_STATES,
  canTransition,
  isFinished,
} from './queue/task-states.js';
export { decideTrigger, type UpstreamCounts, type TriggerDecision } from './queue/trigger-rules.js';
export type {
  Executor,
  AttemptRef,
  TaskRequest,
  TaskHost,
  TaskOutcome,
  TaskFailure,
  FlowResolver,
  LogStream,
} from './execution/executor.js';
export { InProcessExecutor, type InProcessExecutorOptions } from './execution/in-process-executor.js';
export { ChildProcessExecutor, type ChildProcessExecutorOptions } from './execution/child-process-executor.js';
export {
  loadFlowFile,
  loadFlowDirectory,
  listFlowFiles,
  importUserModule,
  type LoadedFlows,
  type FlowProblem,
} from './definition/flow-loader.js';
export { FlowSystem, type FlowSystemOptions } from './flow-system.js';
export { Scheduler, type SchedulerOptions, type TickReport } from './scheduling/scheduler.js';
export { Worker, type WorkerOptions } from './execution/worker.js';
export { ReprocessMode, type BackfillOptions, type BackfillPlan } from './scheduling/backfill.js';
export type { CreatedRun, NewRun, RunKind } from './queue/run-creation.js';
export { DEFAULT_POOL_SLOTS } from './queue/pool-promotion.js';
// Queue primitives, for workers other than Worker (a Kubernetes executor's pod runner, tests of fencing).
export { claimTasks, type ClaimedTask } from './queue/claims.js';
export { completeAttempts, type AttemptResult, type CompletionReport } from './queue/completions.js';
export { reapExpiredLeases, promoteDueTasks, heartbeat } from './queue/maintenance.js';
export type { QueueContext } from './queue/queue-context.js';
export {
  listFlows,
  runsOfFlow,
  getRun,
  taskInstancesOfRun,
  latestStatePerTask,
  failuresSince,
  taskLogs,
  type FlowSummary,
  type RunSummary,
  type TaskInstanceSummary,
  type LatestTaskState,
  type TaskFailureRow,
  type LogLineRow,
} from './control/status-queries.js';
export {
  durationExpectations,
  isOverdue,
  remainingMs,
  type DurationExpectation,
} from './scheduling/duration-expectations.js';
export {
  loadTrace,
  loadTraceDir,
  parseTrace,
  categoryOf,
  familyOf,
  type TraceExecution,
  type TraceTask,
} from './prediction/trace-loader.js';
export {
  replayAsRecords,
  type DurationRecord,
  type DurationQuery,
  type DurationContext,
} from './prediction/duration-records.js';
export {
  medianRulePredictor,
  categoryMedianPredictor,
  type DurationPredictor,
  type DurationPrediction,
} from './prediction/duration-predictor.js';
export { trainLearnedPredictor, type LearnedPredictorOptions } from './prediction/learned-predictor.js';
export { DurationModels, type DurationModelsOptions, type TrainedModel } from './prediction/duration-models.js';
export { predictedExpectations } from './scheduling/predicted-expectations.js';
export { resourcePredictions, MEMORY_HEADROOM, type ResourcePrediction } from './prediction/resource-predictions.js';
export { leaveRunsOut, type HeldOutPrediction } from './prediction/leave-run-out.js';
export { accuracyOf, type Accuracy, type PredictedActual } from './prediction/prediction-accuracy.js';
export {
  PolicyKind,
  upwardRanks,
  compareTasks,
  runKey,
  agedWorkBase,
  claimOrderKeys,
  type ClaimOrderKeys,
  type PolicyOptions,
  type ReadyTask,
  type RunBacklog,
} from './scheduling/priority-policy.js';
export {
  spotTaskPlan,
  withSpotCapacity,
  type SpotModel,
  type SpotTaskPlan,
  type SpotOutcome,
} from './scheduling/spot-cost-model.js';
export {
  simulate,
  makespanLowerBound,
  type SimRun,
  type SimTask,
  type SimOptions,
  type SimResult,
} from './scheduling/schedule-simulator.js';
export {
  FlowErrorCode,
  CommandFailedError,
  FlowError,
  FlowDefinitionError,
  FlowLoadError,
  FlowNotFoundError,
  RunNotFoundError,
  TaskNotFoundError,
  TraceInvalidError,
  FlowParamsError,
  TaskOutputError,
  LeaseLostError,
  RunStateError,
} from './errors.js';
export {
  controlSocketPath,
  CONTROL_METHODS,
  type FlowControl,
  type ControlMethod,
  type LoadReport,
  type ProblemView,
  type FlowRow,
  type RunView,
  type RunDetail,
  type TaskView,
  type TaskErrorView,
  type AttemptErrorView,
  type LatestTaskView,
  type LogQuery,
  type LogLineView,
  type LogPage,
  type BackfillRequest,
  type BackfillView,
  type TriggeredRun,
  type RunAction,
  type ManagedRun,
} from './control/flow-control.js';
export type {
  FlowDetail,
  FlowTaskView,
  GridView,
  GridCell,
  GanttView,
  GanttTask,
  GanttAttempt,
  PoolView,
} from './control/console-views.js';
export { paramsSchema, type ParamsSchema, type ParamSchema } from './definition/params-schema.js';
export { cancelRun, markRun, markTask, type MarkState } from './queue/run-control.js';
export { clearTasks } from './queue/run-clear.js';
export { LocalFlowControl } from './control/local-flow-control.js';
export { ControlServer, type ControlDescription } from './control/control-server.js';
export { ControlClient } from './control/control-client.js';
export { RemoteFlowError, ControlChannelError } from './control/control-errors.js';
export { openFlowControl, isLocalEmbedded } from './control/open-flow-control.js';
export { sourceFileResolver } from './definition/source-file-resolver.js';
export { testFlow, type TestFlowOptions, type TestFlowResult, type TestTaskResult } from './control/flow-testing.js';
export { FLOW_MIGRATIONS } from './migrations/flow-migrations.js';
export type * from './flow-tables.js';
