/**
 * A flow's plan: the part of its definition the queue needs (structure, trigger
 * rules, retry policy, limits), as JSON. Plans are stored per version (hash) in
 * flow_versions; each run points at the version it was created with, so the
 * scheduler and workers run a run by its own plan even after the flow's code
 * changes, and never need the user's code (only executors do).
 */
import { createHash } from 'node:crypto';
import type { FlowDefinition, RetryPolicy } from './flow-definition.js';
import type { Schedule } from './schedules.js';
import type { TriggerRule } from './task-states.js';

export interface PlanTask {
  readonly id: string;
  readonly upstream: readonly string[];
  readonly downstream: readonly string[];
  readonly inputs: Readonly<Record<string, string>>;
  readonly mapOver?: string;
  readonly triggerRule: TriggerRule;
  readonly retry: RetryPolicy;
  readonly timeoutMs?: number;
  readonly priority: number;
  readonly pool?: string;
  readonly reads: readonly string[];
  readonly writes: readonly string[];
}

export interface FlowPlan {
  readonly flowId: string;
  readonly schedule: Schedule;
  readonly params: Readonly<Record<string, unknown>>;
  /** Topological order. */
  readonly tasks: readonly PlanTask[];
}

/** A plan with its lookups, built once per version and cached. */
export interface IndexedPlan {
  readonly plan: FlowPlan;
  readonly hash: string;
  readonly byId: ReadonlyMap<string, PlanTask>;
}

export function planOf(flow: FlowDefinition): FlowPlan {
  const tasks: PlanTask[] = [];
  for (const task of flow.tasks.values()) {
    tasks.push({
      id: task.id,
      upstream: task.upstream,
      downstream: flow.downstream.get(task.id) ?? [],
      inputs: task.inputs,
      ...(task.mapOver === undefined ? {} : { mapOver: task.mapOver }),
      triggerRule: task.triggerRule,
      retry: task.retry,
      ...(task.timeoutMs === undefined ? {} : { timeoutMs: task.timeoutMs }),
      priority: task.priority,
      ...(task.pool === undefined ? {} : { pool: task.pool }),
      reads: task.reads,
      writes: task.writes,
    });
  }
  return { flowId: flow.id, schedule: flow.schedule, params: flow.params, tasks };
}

export function hashPlan(plan: FlowPlan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 16);
}

export function indexPlan(plan: FlowPlan, hash = hashPlan(plan)): IndexedPlan {
  return { plan, hash, byId: new Map(plan.tasks.map((t) => [t.id, t])) };
}

export function planTask(plan: IndexedPlan, taskId: string): PlanTask {
  const task = plan.byId.get(taskId);
  if (task === undefined) throw new Error(`internal: task ${taskId} is not in plan ${plan.plan.flowId}@${plan.hash}`);
  return task;
}
