/**
 * Claiming: a worker takes up to `limit` queued task instances in one statement
 * (in the scheduling policy's order, claim-order.ts; `FOR UPDATE SKIP LOCKED` so concurrent claimers never
 * wait on or take each other's rows), each with a fresh lease and a fencing token
 * (`lease_token` + 1). Only the holder of the current token can complete the
 * attempt: a worker that lost its lease (and whose task was retried elsewhere) is
 * refused when it reports late.
 */
import { sql } from 'kysely';
import type { JsonValue } from '../definition/flow-definition.js';
import type { TaskRequest } from '../execution/executor.js';
import { planTask, type IndexedPlan } from '../definition/flow-plan.js';
import type { Db, QueueContext } from './queue-context.js';
import { claimOrderBy } from './claim-order.js';

export interface ClaimedTask {
  readonly request: TaskRequest;
  readonly plan: IndexedPlan;
  readonly parentId: number | null;
  readonly queuedAt: Date | null;
  readonly inputBytes: number;
}

interface ClaimedRow {
  id: number;
  run_id: number;
  flow_id: string;
  task_id: string;
  map_index: number;
  map_item: JsonValue | null;
  parent_id: number | null;
  attempt: number;
  max_attempts: number;
  lease_token: number;
  queued_at: Date | null;
}

interface RunRow {
  id: number;
  version_hash: string;
  params: Record<string, JsonValue>;
  logical_date: Date | null;
  source_file: string | null;
}

export async function claimTasks(
  ctx: QueueContext,
  workerId: string,
  limit: number,
  leaseMs: number,
  warehouse: string | undefined,
): Promise<ClaimedTask[]> {
  if (limit <= 0) return [];
  // One statement (no explicit transaction): the claim and what the attempts need of their runs.
  const db = ctx.meta.db;
  const { rows } = await sql<ClaimedRow & RunRow>`
    with claimed as (
      update task_instances t set state = 'running', attempt = t.attempt + 1, lease_owner = ${workerId}, lease_token = t.lease_token + 1,
        lease_expires_at = now() + ${leaseMs} * interval '1 millisecond', started_at = now(), next_attempt_at = null
      from (select id from task_instances where state = 'queued' order by ${claimOrderBy(ctx)} limit ${limit} for update skip locked) picked
      where t.id = picked.id
      returning t.id, t.run_id, t.flow_id, t.task_id, t.map_index, t.map_item, t.parent_id, t.attempt, t.max_attempts, t.lease_token, t.queued_at
    )
    select c.*, r.version_hash, r.params, r.logical_date, f.source_file
    from claimed c join flow_runs r on r.id = c.run_id join flow_definitions f on f.id = c.flow_id`.execute(db);
  if (rows.length === 0) return [];
  const runById = new Map(rows.map((r) => [r.run_id, r]));
  const plans = new Map<number, IndexedPlan>();
  for (const run of runById.values()) plans.set(run.run_id, await ctx.plans.get(db, run.flow_id, run.version_hash));
  const outputs = await upstreamOutputs(db, rows, plans);
  const claimed = rows.map((row) => {
    const run = runById.get(row.run_id)!;
    const plan = plans.get(row.run_id)!;
    const task = planTask(plan, row.task_id);
    const inputs: Record<string, JsonValue> = {};
    for (const [name, upstream] of Object.entries(task.inputs))
      inputs[name] = outputs.get(`${row.run_id}/${upstream}`) ?? null;
    const inputBytes = Object.keys(inputs).length === 0 ? 0 : JSON.stringify(inputs).length;
    const request: TaskRequest = {
      taskInstanceId: row.id,
      leaseToken: row.lease_token,
      flowId: row.flow_id,
      taskId: row.task_id,
      runId: row.run_id,
      mapIndex: row.map_index,
      ...(row.map_index >= 0 ? { mapItem: row.map_item } : {}),
      attempt: row.attempt,
      maxAttempts: row.max_attempts,
      params: run.params,
      inputs,
      logicalDate: run.logical_date?.toISOString(),
      timeoutMs: task.timeoutMs,
      warehouse,
      sourceFile: run.source_file ?? undefined,
    };
    return { request, plan, parentId: row.parent_id, queuedAt: row.queued_at, inputBytes };
  });
  // Input sizes for duration expectations (a running task's ETA scales with them).
  const sized = claimed.filter((c) => c.inputBytes > 0);
  if (sized.length > 0) {
    await sql`
      update task_instances t set input_bytes = v.b
      from unnest(${sized.map((c) => c.request.taskInstanceId)}::bigint[], ${sized.map((c) => c.inputBytes)}::int[]) as v(id, b)
      where t.id = v.id`.execute(db);
  }
  return claimed;
}

async function upstreamOutputs(
  db: Db,
  rows: readonly ClaimedRow[],
  plans: ReadonlyMap<number, IndexedPlan>,
): Promise<Map<string, JsonValue>> {
  const runIds: number[] = [];
  const taskIds: string[] = [];
  for (const row of rows) {
    for (const upstream of Object.values(planTask(plans.get(row.run_id)!, row.task_id).inputs)) {
      runIds.push(row.run_id);
      taskIds.push(upstream);
    }
  }
  const outputs = new Map<string, JsonValue>();
  if (runIds.length === 0) return outputs;
  const { rows: found } = await sql<{ run_id: number; task_id: string; output: JsonValue }>`
    select t.run_id, t.task_id, t.output from task_instances t
    join (select distinct * from unnest(${runIds}::bigint[], ${taskIds}::text[])) as w(run_id, task_id) on t.run_id = w.run_id and t.task_id = w.task_id
    where t.run_id = any(${runIds}::bigint[]) and t.task_id = any(${taskIds}::text[]) and t.map_index = -1`.execute(db);
  for (const row of found) outputs.set(`${row.run_id}/${row.task_id}`, row.output);
  return outputs;
}
