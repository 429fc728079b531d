/**
 * One record type for what a duration predictor learns from, whether it comes from
 * Strata's own task_attempts (live runs) or from a replayed trace: the same code learns
 * from both. A record is one finished attempt.
 */
import type { TraceExecution } from './trace-loader.js';

export interface DurationRecord {
  readonly flowId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly category: string;
  readonly attempt: number;
  readonly durationMs: number;
  readonly inputBytes: number | null;
  readonly worker: string | null;
  readonly outcome: 'success' | 'failure';
}

/**
 * A trace execution as Strata history: its family is the flow, the execution the run,
 * each task one successful first attempt. Pegasus task ids (`individuals_ID0000001`)
 * recur across executions of a family, as a Strata task id recurs across runs.
 */
export function replayAsRecords(execution: TraceExecution): DurationRecord[] {
  return execution.tasks.map((task) =>
    Object.freeze({
      flowId: execution.family,
      runId: execution.name,
      taskId: task.id,
      category: task.category,
      attempt: 1,
      durationMs: task.runtimeS * 1000,
      inputBytes: task.inputBytes,
      worker: task.worker ?? null,
      outcome: 'success' as const,
    }),
  );
}
