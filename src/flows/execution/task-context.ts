/**
 * What a running task sees: who it is, its run's parameters, a logger whose lines
 * are stored with the task instance, checkpoints that survive retries and
 * preemption, an abort signal (timeout or shutdown), and the ways to end other than
 * returning: `skip()` and `defer()`.
 */
import type { FlowParams, JsonValue } from '../definition/flow-definition.js';
import type { TableOutput, TableRows } from './task-tables.js';

export interface TaskContext<Params = FlowParams> {
  readonly flowId: string;
  readonly runId: number;
  readonly taskId: string;
  /** -1 unless the task is one instance of a mapped task. */
  readonly mapIndex: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The interval a scheduled or backfill run covers (ISO 8601), or undefined for manual runs. */
  readonly logicalDate: string | undefined;
  readonly params: Params;
  /** The warehouse directory, when the flow runs in one (for lake tables). */
  readonly warehouse: string | undefined;
  /** Aborted when the attempt times out or the worker shuts down. */
  readonly signal: AbortSignal;
  /** A line for this task instance's log (`strata flow logs`). console output is captured too. */
  log(...values: unknown[]): void;
  /** A line of a program's own output, kept as that stream (command tasks relay their program's stdout/stderr through it). */
  logOutput(line: string, stream: 'stdout' | 'stderr'): void;
  readonly checkpoint: TaskCheckpoint;
  /** Where a lake table is, by catalog name (`main.orders`): open it with DeltaTable.open, or read it with delta_scan. */
  tableLocation(name: string): Promise<string>;
  /** Stores rows too large for an output as a lake table of this task; return the reference it gives (downstreams read it with readTable). */
  outputTable(rows: TableRows): Promise<TableOutput>;
  /** The rows of a table an upstream task stored with outputTable. */
  readTable(ref: TableOutput): Promise<Record<string, unknown>[]>;
  /** Ends the task as skipped (its downstreams follow their trigger rules). */
  skip(reason?: string): never;
  /** Ends this attempt without using a retry: the task is queued again after `delayMs` (a sensor waiting for something). */
  defer(delayMs: number, reason?: string): never;
}

/** Progress a long task saves, to resume from after a retry or a lost worker. */
export interface TaskCheckpoint {
  /** The last saved value for this task instance, from any earlier attempt. */
  load<T extends JsonValue = JsonValue>(): Promise<T | undefined>;
  /** Saves durably (the promise resolves once it is in the metadata database). */
  save(value: JsonValue): Promise<void>;
}

/** Thrown by `ctx.skip()`; the executor turns it into a skipped outcome. Recognized by `kind`, not class identity (flows may load another copy of this module). */
export class TaskSkipSignal extends Error {
  readonly kind = 'strata-task-skip';
  constructor(readonly reason: string) {
    super(`skipped: ${reason}`);
  }
}

export class TaskDeferSignal extends Error {
  readonly kind = 'strata-task-defer';
  constructor(
    readonly delayMs: number,
    readonly reason: string,
  ) {
    super(`deferred for ${delayMs} ms: ${reason}`);
  }
}

export function asSkipSignal(value: unknown): TaskSkipSignal | undefined {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'strata-task-skip'
    ? (value as TaskSkipSignal)
    : undefined;
}

export function asDeferSignal(value: unknown): TaskDeferSignal | undefined {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'strata-task-defer'
    ? (value as TaskDeferSignal)
    : undefined;
}
