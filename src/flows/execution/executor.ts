/**
 * Executors run task attempts. The worker claims task instances from the queue and
 * hands each to its executor; the executor runs the user's code and reports how it
 * ended. Built-ins: `in-process` (tests; a crashing task takes the worker with it),
 * `child-process` (the default: a pool of long-lived child processes, so a task that
 * exits or crashes loses only its own attempt) and the Kubernetes executor (a later
 * issue) implements the same interface. Every executor passes test/flows/executor-contract.
 */
import type { JsonValue } from '../definition/flow-definition.js';

export interface TaskRequest {
  /** Identifies the attempt (task instance id and fencing token); unique across the whole system. */
  readonly taskInstanceId: number;
  readonly leaseToken: number;
  readonly flowId: string;
  readonly taskId: string;
  readonly runId: number;
  readonly mapIndex: number;
  /** The element of the mapped-over list (mapped tasks only). */
  readonly mapItem?: JsonValue;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly params: Readonly<Record<string, JsonValue>>;
  readonly inputs: Readonly<Record<string, JsonValue>>;
  readonly logicalDate: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly warehouse: string | undefined;
  /** The module that defines the flow (child-process and remote executors import it). */
  readonly sourceFile: string | undefined;
}

/** Which attempt a host call comes from: the lease token fences calls from an attempt whose lease moved on. */
export type AttemptRef = Pick<TaskRequest, 'taskInstanceId' | 'leaseToken' | 'attempt'>;

/** What the worker provides to a running attempt (executors relay calls from child processes). */
export interface TaskHost {
  log(attempt: AttemptRef, line: string, stream: LogStream): void;
  loadCheckpoint(attempt: AttemptRef): Promise<JsonValue | undefined>;
  /** Rejects when the attempt no longer holds its lease (its task was retried elsewhere). */
  saveCheckpoint(attempt: AttemptRef, value: JsonValue): Promise<void>;
  /** The location of a lake table by catalog name (the worker holds the catalog; tasks in child processes do not). */
  tableLocation(attempt: AttemptRef, name: string): Promise<string>;
  /** Resource usage of the attempt, reported before its outcome (resource prediction learns from it). */
  usage?(attempt: AttemptRef, usage: AttemptUsage): void;
}

export type LogStream = 'log' | 'stdout' | 'stderr';

/** What an attempt's process used, where the executor can tell (one attempt per process at a time). */
export interface AttemptUsage {
  /** Peak resident memory of the process during the attempt. */
  readonly peakRssBytes: number;
  /** CPU time (user + system) the attempt took. */
  readonly cpuMs: number;
}

/** How the user's code failed; `stack` is the user's stack, framework frames removed. */
export interface TaskFailure {
  readonly reason: 'threw' | 'timeout' | 'exited' | 'lost' | 'output' | 'cancelled';
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
}

export type TaskOutcome =
  | { readonly kind: 'success'; readonly output: JsonValue }
  | { readonly kind: 'failed'; readonly failure: TaskFailure }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'deferred'; readonly delayMs: number; readonly reason: string };

export interface Executor {
  readonly kind: string;
  /** How many attempts it runs at once (the worker claims no more than this). */
  readonly slots: number;
  /** Runs one attempt; never rejects for failures of the task itself (they are outcomes). */
  run(request: TaskRequest, host: TaskHost): Promise<TaskOutcome>;
  /**
   * Stops one running attempt at once (its run was cancelled or it was marked): run()
   * resolves with a `cancelled` failure. Executors that cannot stop user code leave it
   * running; the queue refuses its result either way (fencing).
   */
  cancel?(attempt: Pick<AttemptRef, 'taskInstanceId' | 'leaseToken'>): void;
  /** Stops accepting work; aborts running attempts after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/** Resolves a flow's task for in-process execution (the child-process executor imports `sourceFile` instead). */
export interface FlowResolver {
  resolve(
    flowId: string,
    sourceFile: string | undefined,
  ): Promise<import('../definition/flow-definition.js').FlowDefinition>;
}
