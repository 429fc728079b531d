/**
 * When a task with upstreams may run, given how its upstreams finished so far:
 * Airflow's trigger-rule semantics, evaluated on counters the queue keeps per task
 * instance (so deciding never reads the upstream rows). `upstream_failed` upstreams
 * count as failed, as in Airflow.
 */
import { TriggerRule } from './task-states.js';

export interface UpstreamCounts {
  readonly total: number;
  readonly success: number;
  /** failed + upstream_failed */
  readonly failed: number;
  readonly skipped: number;
}

/** `wait`: not decided yet; otherwise the state the task moves to (`run` = queued/scheduled). */
export type TriggerDecision = 'wait' | 'run' | 'skipped' | 'upstream_failed';

export function decideTrigger(rule: TriggerRule, counts: UpstreamCounts): TriggerDecision {
  const { total, success, failed, skipped } = counts;
  const done = success + failed + skipped;
  const allDone = done >= total;
  switch (rule) {
    case TriggerRule.allSuccess:
      if (failed > 0) return 'upstream_failed';
      if (skipped > 0) return 'skipped';
      return allDone ? 'run' : 'wait';
    case TriggerRule.allFailed:
      if (success > 0 || skipped > 0) return 'skipped';
      return allDone ? 'run' : 'wait';
    case TriggerRule.allDone:
      return allDone ? 'run' : 'wait';
    case TriggerRule.allSkipped:
      if (success > 0 || failed > 0) return 'skipped';
      return allDone ? 'run' : 'wait';
    case TriggerRule.oneSuccess:
      if (success > 0) return 'run';
      if (!allDone) return 'wait';
      return failed > 0 ? 'upstream_failed' : 'skipped';
    case TriggerRule.oneFailed:
      if (failed > 0) return 'run';
      return allDone ? 'skipped' : 'wait';
    case TriggerRule.oneDone:
      if (success + failed > 0) return 'run';
      return allDone ? 'skipped' : 'wait';
    case TriggerRule.noneFailed:
      if (failed > 0) return 'upstream_failed';
      return allDone ? 'run' : 'wait';
    case TriggerRule.noneFailedMinOneSuccess:
      if (failed > 0) return 'upstream_failed';
      if (!allDone) return 'wait';
      return success > 0 ? 'run' : 'skipped';
    case TriggerRule.noneSkipped:
      if (skipped > 0) return 'skipped';
      return allDone ? 'run' : 'wait';
    case TriggerRule.always:
      return 'run';
  }
}
