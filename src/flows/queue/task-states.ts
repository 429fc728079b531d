/**
 * Task-instance and run states, named as in Airflow so its users read them without a
 * glossary, and the one table of allowed transitions. Every state change the queue
 * makes is one of these edges (task-states.test.ts checks the table is closed and
 * every state reachable); README "Task states" documents the same table.
 *
 *   none            waiting for upstream tasks (Airflow's "no status")
 *   scheduled       upstreams satisfied, waiting for a pool slot
 *   queued          claimable by a worker
 *   running         claimed by a worker that holds its lease
 *   success         finished
 *   failed          failed with no attempts left
 *   up_for_retry    failed (or its worker was lost) with attempts left; queued again at next_attempt_at
 *   upstream_failed an upstream failed and the trigger rule can no longer be met
 *   skipped         the task skipped itself, or its trigger rule skips it (all upstreams skipped)
 *   deferred        the task asked to be resumed later (a sensor waiting); no attempt used
 *   removed         the task is no longer in the flow's definition
 */
export const TaskState = {
  none: 'none',
  scheduled: 'scheduled',
  queued: 'queued',
  running: 'running',
  success: 'success',
  failed: 'failed',
  upForRetry: 'up_for_retry',
  upstreamFailed: 'upstream_failed',
  skipped: 'skipped',
  deferred: 'deferred',
  removed: 'removed',
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** States a task instance never leaves (unless a user clears the run to reprocess it). */
export const FINISHED_TASK_STATES: readonly TaskState[] = [
  TaskState.success,
  TaskState.failed,
  TaskState.upstreamFailed,
  TaskState.skipped,
  TaskState.removed,
];

export function isFinished(state: TaskState): boolean {
  return FINISHED_TASK_STATES.includes(state);
}

/** Allowed transitions: from → the states it may move to, and why. */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, Readonly<Partial<Record<TaskState, string>>>>> = {
  none: {
    queued: 'upstreams satisfy the trigger rule (or it is a root task of a started run)',
    scheduled: 'as for queued, but the task is in a pool',
    upstream_failed: 'an upstream failed and the trigger rule can no longer be met',
    skipped: 'the trigger rule skips it (e.g. all upstreams skipped)',
    running: 'a mapped task expands into its map instances (the parent tracks them)',
    removed: 'the task left the flow definition',
  },
  scheduled: { queued: 'a pool slot became free', removed: 'the task left the flow definition' },
  queued: {
    running: 'a worker claimed it (new lease, fencing token + 1)',
    removed: 'the task left the flow definition',
  },
  running: {
    success: 'the task returned',
    failed: 'it threw, timed out or exited, and no attempts are left',
    up_for_retry: 'it threw, timed out or exited (or its lease expired) with attempts left',
    skipped: 'the task skipped itself',
    deferred: 'the task deferred itself',
    upstream_failed: 'a map instance failed (for the mapped parent)',
  },
  up_for_retry: { queued: 'its retry delay passed', removed: 'the task left the flow definition' },
  deferred: { queued: 'its resume time came', removed: 'the task left the flow definition' },
  success: { none: 'the run was cleared for reprocessing' },
  failed: { none: 'the run was cleared for reprocessing' },
  upstream_failed: { none: 'the run was cleared for reprocessing' },
  skipped: { none: 'the run was cleared for reprocessing' },
  removed: {},
};

export function canTransition(from: TaskState, to: TaskState): boolean {
  return TASK_TRANSITIONS[from][to] !== undefined;
}

/**
 * Run states. `queued`: created but not started (a backfill or catch-up run waiting
 * for a max-active-runs slot); `running`; then `success` (every task succeeded or
 * skipped) or `failed` (any task failed or upstream_failed).
 */
export const RunState = { queued: 'queued', running: 'running', success: 'success', failed: 'failed' } as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  queued: [RunState.running],
  running: [RunState.success, RunState.failed],
  success: [RunState.queued],
  failed: [RunState.queued],
};

/** Airflow's trigger rules: when a task with upstreams may run. */
export const TriggerRule = {
  allSuccess: 'all_success',
  allFailed: 'all_failed',
  allDone: 'all_done',
  allSkipped: 'all_skipped',
  oneSuccess: 'one_success',
  oneFailed: 'one_failed',
  oneDone: 'one_done',
  noneFailed: 'none_failed',
  noneFailedMinOneSuccess: 'none_failed_min_one_success',
  noneSkipped: 'none_skipped',
  always: 'always',
} as const;
export type TriggerRule = (typeof TriggerRule)[keyof typeof TriggerRule];
