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
  /** What the plan and the run knew when the attempt started (traces have all of it; live runs some). */
  readonly context?: DurationContext;
}

export interface DurationContext {
  readonly inputCount?: number;
  readonly parentCount?: number;
  readonly childCount?: number;
  /** Tasks of the same category in the run (a map's width). */
  readonly categoryWidth?: number;
  readonly cores?: number;
  readonly speedMHz?: number;
  /** Actual durations of the task's upstream tasks, which finished before it started. */
  readonly parentDurationsMs?: readonly number[];
  /** Categories of those upstream tasks, in the same order. */
  readonly parentCategories?: readonly string[];
}

/** A task to predict: a record without its outcome. */
export type DurationQuery = Omit<DurationRecord, 'durationMs' | 'attempt' | 'outcome'>;

/**
 * A trace execution as Strata history: its family is the flow, the execution the run,
 * each task one successful first attempt. Pegasus task ids (`individuals_ID0000001`)
 * recur across executions of a family, as a Strata task id recurs across runs.
 */
export function replayAsRecords(execution: TraceExecution): DurationRecord[] {
  const runtime = new Map(execution.tasks.map((t) => [t.id, t.runtimeS * 1000]));
  const categories = new Map(execution.tasks.map((t) => [t.id, t.category]));
  const width = new Map<string, number>();
  for (const t of execution.tasks) width.set(t.category, (width.get(t.category) ?? 0) + 1);
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
      context: {
        inputCount: task.inputCount,
        parentCount: task.parents.length,
        childCount: task.children.length,
        categoryWidth: width.get(task.category)!,
        ...(task.cores !== undefined ? { cores: task.cores } : {}),
        ...(task.speedMHz !== undefined ? { speedMHz: task.speedMHz } : {}),
        parentDurationsMs: task.parents.map((p) => runtime.get(p)!),
        parentCategories: task.parents.map((p) => categories.get(p)!),
      },
    }),
  );
}
