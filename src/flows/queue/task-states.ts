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
 *   cancelled       a user cancelled its run before it finished (Strata's; Airflow marks these failed)
 *
 * A user may also mark a task instance success or failed from any state, and clear a
 * finished one (back to none): `strata flow mark-success|mark-failed|clear`.
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
  cancelled: 'cancelled',
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** States a task instance never leaves (unless a user clears the run to reprocess it). */
export const FINISHED_TASK_STATES: readonly TaskState[] = [
  TaskState.success,
  TaskState.failed,
  TaskState.upstreamFailed,
  TaskState.skipped,
  TaskState.removed,
  TaskState.cancelled,
];

export function isFinished(state: TaskState): boolean {
  return FINISHED_TASK_STATES.includes(state);
}

const cancel = { cancelled: 'its run was cancelled' } as const;
const marked = {
  success: 'a user marked it success (flow mark-success)',
  failed: 'a user marked it failed (flow mark-failed)',
} as const;
const cleared = { none: 'the run or the task was cleared for reprocessing' } as const;

/** Allowed transitions: from → the states it may move to, and why. */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, Readonly<Partial<Record<TaskState, string>>>>> = {
  none: {
    queued: 'upstreams satisfy the trigger rule (or it is a root task of a started run)',
    scheduled: 'as for queued, but the task is in a pool',
    upstream_failed: 'an upstream failed and the trigger rule can no longer be met',
    skipped: 'the trigger rule skips it (e.g. all upstreams skipped)',
    running: 'a mapped task expands into its map instances (the parent tracks them)',
    removed: 'the task left the flow definition',
    ...cancel,
    ...marked,
  },
  scheduled: { queued: 'a pool slot became free', removed: 'the task left the flow definition', ...cancel, ...marked },
  queued: {
    running: 'a worker claimed it (new lease, fencing token + 1)',
    removed: 'the task left the flow definition',
    ...cancel,
    ...marked,
  },
  running: {
    success: 'the task returned (or a user marked it success)',
    failed: 'it threw, timed out or exited, and no attempts are left (or a user marked it failed)',
    up_for_retry: 'it threw, timed out or exited (or its lease expired) with attempts left',
    skipped: 'the task skipped itself',
    deferred: 'the task deferred itself',
    upstream_failed: 'a map instance failed (for the mapped parent)',
    ...cancel,
  },
  up_for_retry: {
    queued: 'its retry delay passed',
    removed: 'the task left the flow definition',
    ...cancel,
    ...marked,
  },
  deferred: { queued: 'its resume time came', removed: 'the task left the flow definition', ...cancel, ...marked },
  success: { ...cleared, failed: marked.failed },
  failed: { ...cleared, success: marked.success },
  upstream_failed: { ...cleared, ...marked },
  skipped: { ...cleared, ...marked },
  removed: {},
  cancelled: { ...cleared, ...marked },
};

export function canTransition(from: TaskState, to: TaskState): boolean {
  return TASK_TRANSITIONS[from][to] !== undefined;
}

/**
 * Run states. `queued`: created but not started (a backfill or catch-up run waiting
 * for a max-active-runs slot); `running`; then `success` (every task succeeded or
 * skipped) or `failed` (any task failed or upstream_failed), or `cancelled` (a user
 * stopped it). A user may mark a run success or failed, and clear a finished one
 * (queued again, or running again when only some of its tasks are cleared).
 */
export const RunState = {
  queued: 'queued',
  running: 'running',
  success: 'success',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

export const FINISHED_RUN_STATES: readonly RunState[] = [RunState.success, RunState.failed, RunState.cancelled];

export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  queued: [RunState.running, RunState.cancelled, RunState.success, RunState.failed],
  running: [RunState.success, RunState.failed, RunState.cancelled],
  success: [RunState.queued, RunState.running, RunState.failed],
  failed: [RunState.queued, RunState.running, RunState.success],
  cancelled: [RunState.queued, RunState.running, RunState.success, RunState.failed],
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
