/**
 * Options of a command task (`f.command(id, argv, options)`): a program run with the
 * task's params and inputs as environment and files. Tracking is an extension point: the
 * flows module knows only this interface; `strata/models` provides the MLflow REST one
 * (`mlflowCommandTracking`), so a flow file opts in without flows depending on models.
 */
import type { TaskOptions } from './flow-definition.js';

/** Who the tracked run is for: recorded as the run's tags by the tracking implementation. */
export interface CommandRunInfo {
  readonly flowId: string;
  readonly runId: number;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly attempt: number;
}

/** The run a command logs into, as the MLflow client's environment variables name it. */
export interface TrackedRun {
  readonly trackingUri: string;
  readonly token: string | undefined;
  readonly experimentId: string;
  readonly runId: string;
}

export type TrackedRunStatus = 'FINISHED' | 'FAILED' | 'KILLED';

/** Creates the tracking run before the program starts and ends it after the program exits. */
export interface CommandTracking {
  startRun(info: CommandRunInfo): Promise<TrackedRun>;
  endRun(run: TrackedRun, status: TrackedRunStatus): Promise<void>;
}

export interface CommandOptions<Inputs> extends TaskOptions<Inputs> {
  /** Working directory of the program (default: the worker's). */
  readonly cwd?: string;
  /** Added to the worker's environment (after it, before Strata's own variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** Creates a tracking run per attempt and sets MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN and MLFLOW_RUN_ID. */
  readonly tracking?: CommandTracking;
  /** After a timeout or cancellation, SIGTERM is followed by SIGKILL after this long (default 5 s). */
  readonly killGraceMs?: number;
}

/** What a command task returns: downstreams receive it as their input. */
export interface CommandResult {
  readonly exitCode: number;
  /** The tracking run the program logged into, when the task has tracking. */
  readonly trackingRunId: string | null;
  /** The JSON the program wrote to $STRATA_OUTPUT_FILE, or null when it wrote none. */
  readonly output: import('./flow-definition.js').JsonValue;
}
