/**
 * A flow's plan: the part of its definition the queue needs (structure, trigger
 * rules, retry policy, limits), as JSON. Plans are stored per version (hash) in
 * flow_versions; each run points at the version it was created with, so the
 * scheduler and workers run a run by its own plan even after the flow's code
 * changes, and never need the user's code (only executors do).
 */
import { createHash } from 'node:crypto';
import type { FlowDefinition, TaskDefinition } from './flow-definition.js';
import type { Schedule } from './schedules.js';

/** A task as the queue needs it: its definition without the code, plus its downstreams. */
export type PlanTask = Omit<TaskDefinition, 'run' | 'description'> & { readonly downstream: readonly string[] };

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
  for (const { run: _run, description: _description, ...task } of flow.tasks.values()) {
    tasks.push({ ...task, downstream: flow.downstream.get(task.id) ?? [] });
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
