/**
 * The views a console needs beyond `strata flow`'s: a flow's structure (its DAG, pools
 * and params as a JSON Schema), the grid of recent runs × tasks, a run's attempts on a
 * time line (Gantt) and the pools' occupancy. Plain JSON like every FlowControl view,
 * so they are the same locally and through a control socket.
 */
import type { JsonValue } from '../definition/flow-definition.js';
import type { ParamsSchema } from '../definition/params-schema.js';
import type { Schedule } from '../definition/schedules.js';
import type { RunState, TaskState, TriggerRule } from '../queue/task-states.js';
import type { RunView } from './flow-control.js';

/** One task of a flow's current version: a node of its DAG. */
export interface FlowTaskView {
  readonly id: string;
  /** Direct upstream task ids (sorted): the DAG's edges into this task. */
  readonly upstream: readonly string[];
  readonly downstream: readonly string[];
  /** For a mapped task: the task whose output list it runs over. */
  readonly mapOver: string | null;
  readonly triggerRule: TriggerRule;
  readonly pool: string | null;
  readonly priority: number;
  readonly retries: number;
  readonly timeoutMs: number | null;
  readonly reads: readonly string[];
  readonly writes: readonly string[];
}

export interface FlowDetail {
  readonly id: string;
  readonly description: string | null;
  readonly schedule: Schedule;
  readonly paused: boolean;
  readonly nextTickAt: string | null;
  readonly maxActiveRuns: number;
  readonly catchup: boolean;
  readonly startDate: string | null;
  readonly sourceFile: string | null;
  readonly activeRuns: number;
  readonly lastRun: { readonly id: number; readonly state: RunState; readonly createdAt: string } | null;
  /** In topological order (upstreams first). */
  readonly tasks: readonly FlowTaskView[];
  /** The params' defaults, and the same as a JSON Schema a form can be generated from. */
  readonly params: Readonly<Record<string, JsonValue>>;
  readonly paramsSchema: ParamsSchema;
}

/** One cell of the grid: a task's (unmapped or parent) instance in one run. */
export interface GridCell {
  readonly taskId: string;
  readonly state: TaskState;
  readonly attempt: number;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** For a mapped task: how many instances it expanded into (null: not mapped, or not expanded yet). */
  readonly mapCount: number | null;
}

export interface GridView {
  readonly flowId: string;
  /** Rows of the grid: the current version's tasks in topological order, then tasks only older runs have. */
  readonly tasks: readonly string[];
  /** Columns, newest first, each with its cells (tasks the run has no instance of are absent). */
  readonly runs: readonly (RunView & { readonly cells: readonly GridCell[] })[];
}

/** One attempt on the time line. `queued`/`running`: the attempt under way (not yet in the attempts history). */
export interface GanttAttempt {
  readonly attempt: number;
  readonly outcome: string;
  readonly queuedAt: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly workerId: string | null;
}

export interface GanttTask {
  readonly taskId: string;
  readonly mapIndex: number;
  readonly state: TaskState;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly queuedAt: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** The scheduler's own expectation (median of recent successes, scaled by input size). */
  readonly expectedMs: number | null;
  readonly overdue: boolean;
  readonly attempts: readonly GanttAttempt[];
}

export interface GanttView {
  readonly run: RunView;
  readonly etaMs: number | null;
  readonly liveWorkers: number;
  /** The server's clock when this was read: spans under way end here, and ETA counts from it. */
  readonly now: string;
  /** Every task instance, map instances included, in creation order. */
  readonly tasks: readonly GanttTask[];
}

export interface PoolView {
  readonly name: string;
  readonly slots: number;
  readonly description: string | null;
  /** Slots held now: queued and running tasks. */
  readonly used: number;
  readonly running: number;
  readonly queued: number;
  /** Tasks ready but waiting for a slot. */
  readonly waiting: number;
}
