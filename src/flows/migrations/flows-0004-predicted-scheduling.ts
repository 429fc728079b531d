/**
 * Migration flows-0004-predicted-scheduling: the claim order of the prediction-driven
 * policy (scheduling/priority-policy.ts) as stored columns, computed when a run starts
 * (queue/claim-order.ts), so the claim query stays an index scan:
 *   sched_run_key   the run's aged remaining predicted work without the clock term
 *   sched_rank      the task's upward rank on predicted durations (ms)
 * and what attempts used, for resource prediction: peak resident memory and CPU time.
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const predictedSchedulingMigration: ModuleMigration = {
  id: 'flows-0004-predicted-scheduling',
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table task_instances add column sched_run_key double precision not null default 0`.execute(db);
    await sql`alter table task_instances add column sched_rank double precision not null default 0`.execute(db);
    // The FIFO index (priority desc, id) stays for the fifo policy.
    await sql`create index task_instances_policy_claim_idx on task_instances (priority desc, sched_run_key, sched_rank desc, id)
      where state = 'queued'`.execute(db);
    await sql`alter table task_attempts add column peak_rss_bytes bigint`.execute(db);
    await sql`alter table task_attempts add column cpu_ms double precision`.execute(db);
  },
};
