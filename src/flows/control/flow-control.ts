/**
 * FlowControl: the operations `strata flow ...` performs, as one interface with two
 * implementations: LocalFlowControl over a FlowSystem this process opened, and
 * ControlClient, which asks the process that owns an embedded warehouse (`strata up`,
 * `strata scheduler`, `strata worker`) over its control socket. Every result is plain
 * JSON data (dates as ISO 8601 strings), so both return exactly the same values.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ReprocessMode } from '../scheduling/backfill.js';
import type { JsonValue } from '../definition/flow-definition.js';
import type { Schedule } from '../definition/schedules.js';
import type { RunState, TaskState } from '../queue/task-states.js';
import type { FlowDetail, GanttView, GridView, PoolView } from './console-views.js';

export interface ProblemView {
  readonly code: string;
  readonly message: string;
}

/** The flows/ folder loaded and its valid flows registered. */
export interface LoadReport {
  readonly directory: string;
  readonly registered: readonly string[];
  readonly problems: readonly ProblemView[];
}

export interface FlowRow {
  readonly id: string;
  readonly description: string | null;
  readonly schedule: Schedule;
  readonly paused: boolean;
  readonly nextTickAt: string | null;
  readonly sourceFile: string | null;
  readonly tasks: number;
  readonly activeRuns: number;
  readonly lastRun: { readonly id: number; readonly state: RunState; readonly createdAt: string } | null;
}

export interface RunView {
  readonly id: number;
  readonly flowId: string;
  readonly kind: string;
  readonly state: RunState;
  readonly params: JsonValue;
  readonly logicalDate: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly tasksTotal: number;
  readonly tasksDone: number;
}

/** How a task ended badly (the stored TaskFailure, or a skip/defer reason). */
export interface TaskErrorView {
  readonly reason?: string;
  readonly name?: string;
  readonly message?: string;
  readonly stack?: string;
}

export interface TaskView {
  readonly id: number;
  readonly taskId: string;
  /** -1, or the index of one instance of a mapped task. */
  readonly mapIndex: number;
  readonly state: TaskState;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** Elapsed so far for a running task. */
  readonly durationMs: number | null;
  /** The median of recent successful attempts, when there are some. */
  readonly expectedMs: number | null;
  readonly overdue: boolean;
  readonly error: TaskErrorView | null;
  /** A queued task nobody claimed for a while: "no worker has claimed this for 12 s" (and why, when no worker is alive). */
  readonly notice: string | null;
}

/** One failed attempt's error, as stored with the attempt (message and the user's stack, bounded). */
export interface AttemptErrorView {
  readonly taskId: string;
  readonly mapIndex: number;
  readonly attempt: number;
  /** failed, up_for_retry (it was retried) or cancelled. */
  readonly outcome: string;
  readonly endedAt: string;
  readonly reason: string | null;
  readonly name: string | null;
  readonly message: string | null;
  readonly stack: string | null;
}

export interface RunDetail {
  readonly run: RunView;
  /** Every task instance, map instances included, in creation order. */
  readonly tasks: readonly TaskView[];
  /** Expected time to the end of the run (unfinished runs whose tasks all have history). */
  readonly etaMs: number | null;
  /** Workers alive now (heartbeat within 45 s): 0 means nothing will run this run's queued tasks. */
  readonly liveWorkers: number;
  /** Every failed attempt's error, map instances included (at most 200, oldest first). */
  readonly failedAttempts: readonly AttemptErrorView[];
}

export interface LatestTaskView {
  readonly taskId: string;
  readonly runId: number;
  readonly state: TaskState;
  readonly endedAt: string | null;
}

export interface LogQuery {
  readonly runId: number;
  readonly taskId: string;
  readonly mapIndex?: number;
  readonly attempt?: number;
  /** Only lines after this one (a follower's cursor). */
  readonly afterId?: number;
}

export interface LogLineView {
  readonly id: number;
  /** Which instance of a mapped task logged it (-1 for an unmapped task). */
  readonly mapIndex: number;
  readonly attempt: number;
  readonly stream: string;
  readonly line: string;
  readonly loggedAt: string;
}

export interface LogPage {
  readonly lines: readonly LogLineView[];
  readonly state: TaskState;
  readonly finished: boolean;
  /** The errors of the failed attempts among these instances (and --attempt), after their lines. */
  readonly errors: readonly AttemptErrorView[];
}

export interface BackfillRequest {
  /** ISO 8601. */
  readonly from: string;
  readonly to: string;
  readonly reprocess?: ReprocessMode;
  readonly maxActiveRuns?: number;
  readonly dryRun?: boolean;
  readonly params?: Readonly<Record<string, JsonValue>>;
}

export interface BackfillView {
  readonly backfillId: number | null;
  readonly create: readonly string[];
  readonly rerun: readonly { readonly runId: number; readonly logicalDate: string; readonly state: string }[];
  readonly kept: readonly { readonly runId: number; readonly logicalDate: string; readonly state: string }[];
  /** The runs the backfill created or cleared (empty for a dry run). */
  readonly runIds: readonly number[];
}

export interface TriggeredRun {
  readonly runId: number;
  readonly created: boolean;
  readonly state: RunState;
  readonly liveWorkers: number;
  /** Set when no worker is alive to run it: what to start. */
  readonly notice: string | null;
}

/** What a user does to a run (`strata flow cancel|clear|mark-failed|mark-success`). */
export type RunAction =
  | { readonly kind: 'cancel' }
  /** Without taskId: every failed, upstream_failed and cancelled task; always with their downstream. */
  | { readonly kind: 'clear'; readonly taskId?: string }
  /** Without taskId: the whole run. */
  | {
      readonly kind: 'mark';
      readonly state: 'success' | 'failed';
      readonly taskId?: string;
      readonly mapIndex?: number;
    };

export interface ManagedRun {
  readonly run: RunView;
  /** The tasks a clear sent back to the queue (empty for other actions). */
  readonly cleared: readonly string[];
}

export interface FlowControl {
  /** 'local': this process opened the database; 'remote': through the owner process's control socket. */
  readonly mode: 'local' | 'remote';
  /** Which database (and, remote, which process) the operations go to, for messages. */
  readonly target: string;
  /** Loads a flows/ folder (default: the warehouse's) and registers its valid flows, so they can be triggered. */
  loadFlows(directory?: string): Promise<LoadReport>;
  list(): Promise<FlowRow[]>;
  /**
   * Creates a manual run. `textParams` are values typed on a command line: each is
   * converted to its parameter's type (the default's), so `n=5` is a number for a
   * numeric parameter and a string for a string one.
   */
  trigger(
    flowId: string,
    params?: Readonly<Record<string, JsonValue>>,
    textParams?: Readonly<Record<string, string>>,
  ): Promise<TriggeredRun>;
  runs(flowId: string, limit?: number): Promise<RunView[]>;
  latestTasks(flowId: string): Promise<LatestTaskView[]>;
  run(runId: number): Promise<RunDetail>;
  logs(query: LogQuery): Promise<LogPage>;
  backfill(flowId: string, request: BackfillRequest): Promise<BackfillView>;
  pause(flowId: string, paused: boolean): Promise<void>;
  /** Cancels, clears or marks a run; `by` names who did it (kept with the run). */
  manageRun(runId: number, action: RunAction, by?: string): Promise<ManagedRun>;
  setPool(name: string, slots: number): Promise<void>;
  /** A flow's current version: its DAG, pools, limits and params (with a JSON Schema of them). */
  flow(flowId: string): Promise<FlowDetail>;
  /** The last `limit` runs (newest first) × the flow's tasks, each cell a task instance's state. */
  grid(flowId: string, limit?: number): Promise<GridView>;
  /** A run's task instances with every attempt's queued/started/ended times, expectations and ETA. */
  gantt(runId: number): Promise<GanttView>;
  /** Every pool with its slots and how many tasks hold or wait for one. */
  pools(): Promise<PoolView[]>;
  close(): Promise<void>;
}

/** The methods a control socket serves (everything but close). */
export const CONTROL_METHODS = [
  'loadFlows',
  'list',
  'trigger',
  'runs',
  'latestTasks',
  'run',
  'logs',
  'backfill',
  'pause',
  'manageRun',
  'setPool',
  'flow',
  'grid',
  'gantt',
  'pools',
] as const;
export type ControlMethod = (typeof CONTROL_METHODS)[number];

// Unix socket paths are limited to 107 bytes; a deeper warehouse gets a socket in the
// temporary directory named by its path, which its clients compute the same way.
const MAX_SOCKET_PATH = 100;

/** Where the owner of an embedded warehouse serves its control channel. */
export function controlSocketPath(warehouse: string): string {
  const inside = path.join(path.resolve(warehouse), 'meta', 'control.sock');
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH) return inside;
  const hash = createHash('sha256').update(path.resolve(warehouse)).digest('hex').slice(0, 16);
  return path.join(tmpdir(), `strata-control-${hash}.sock`);
}
