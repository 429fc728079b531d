/**
 * Pools as the console and `strata flow pool list` show them: slots, and the tasks
 * holding one (queued, running) or waiting for one (scheduled). One grouped count over
 * the partial indexes on task_instances (pool) of those states.
 */
import { sql } from 'kysely';
import type { QueueContext } from '../queue/queue-context.js';
import type { PoolView } from './console-views.js';

export async function poolViews(queue: QueueContext): Promise<PoolView[]> {
  const { rows } = await sql<{
    name: string;
    slots: number;
    description: string | null;
    running: number;
    queued: number;
    waiting: number;
  }>`
    select p.name, p.slots, p.description,
      count(t.id) filter (where t.state = 'running')::int as running,
      count(t.id) filter (where t.state = 'queued')::int as queued,
      count(t.id) filter (where t.state = 'scheduled')::int as waiting
    from flow_pools p
    left join task_instances t on t.pool = p.name and t.state in ('running', 'queued', 'scheduled') and t.children_total is null
    group by p.name, p.slots, p.description order by p.name`.execute(queue.meta.db);
  return rows.map((r) => ({
    name: r.name,
    slots: Number(r.slots),
    description: r.description,
    used: Number(r.running) + Number(r.queued),
    running: Number(r.running),
    queued: Number(r.queued),
    waiting: Number(r.waiting),
  }));
}
