/**
 * Migration flows-0003-run-control: runs a user can manage. A run (and its unfinished task instances)
 * can be `cancelled`; who cancelled, cleared or marked a run is kept with it
 * (`managed_by`, `managed_at`), so `flow status` can say why a run ended as it did.
 * Failed attempts already keep their error (message, stack) in task_attempts.error.
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const runControlMigration: ModuleMigration = {
  id: 'flows-0003-run-control',
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table flow_runs drop constraint if exists flow_runs_state_check`.execute(db);
    await sql`alter table flow_runs add constraint flow_runs_state_check
      check (state in ('queued', 'running', 'success', 'failed', 'cancelled'))`.execute(db);
    await sql`alter table flow_runs add column managed_by text`.execute(db);
    await sql`alter table flow_runs add column managed_at timestamptz`.execute(db);
  },
};
