/**
 * Migration 0002: the orchestrator. Indexes are chosen for the queries that must stay
 * fast with millions of task instances (see flows/status-queries.ts):
 *   claim            partial index on queued instances by (priority desc, id)
 *   due retries      partial index on next_attempt_at of up_for_retry/deferred ones
 *   lost leases      partial index on lease_expires_at of running ones
 *   a run's tasks    (run_id, task_id, map_index) unique
 *   latest per task  (flow_id, task_id, id desc)
 *   recent failures  partial index on ended_at of failed ones
 *   a flow's runs    (flow_id, id desc)
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const flowsMigration: ModuleMigration = {
  id: '0002-flows',
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table flow_definitions (
        id text primary key,
        source_file text,
        version_hash text not null,
        schedule jsonb not null,
        description text,
        paused boolean not null default false,
        max_active_runs integer not null,
        catchup boolean not null,
        start_date timestamptz,
        next_tick_at timestamptz,
        table_versions jsonb not null default '{}'::jsonb,
        first_registered_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table flow_versions (
        flow_id text not null,
        version_hash text not null,
        plan jsonb not null,
        created_at timestamptz not null default now(),
        primary key (flow_id, version_hash)
      )`.execute(db);
    await sql`
      create table flow_backfills (
        id bigint generated always as identity primary key,
        flow_id text not null,
        range_start timestamptz not null,
        range_end timestamptz not null,
        reprocess text not null check (reprocess in ('missing', 'failed', 'all')),
        max_active_runs integer not null,
        runs integer not null,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table flow_runs (
        id bigint generated always as identity primary key,
        flow_id text not null,
        run_key text not null,
        version_hash text not null,
        kind text not null check (kind in ('manual', 'scheduled', 'backfill', 'table')),
        state text not null check (state in ('queued', 'running', 'success', 'failed')),
        params jsonb not null,
        logical_date timestamptz,
        backfill_id bigint references flow_backfills(id) on delete set null,
        triggered_by text,
        tasks_total integer not null,
        tasks_unfinished integer not null,
        clear_count integer not null default 0,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        ended_at timestamptz,
        unique (flow_id, run_key)
      )`.execute(db);
    await sql`create index flow_runs_flow_idx on flow_runs (flow_id, id desc)`.execute(db);
    await sql`create index flow_runs_active_idx on flow_runs (flow_id, id) where state in ('queued', 'running')`.execute(
      db,
    );
    await sql`create index flow_runs_backfill_idx on flow_runs (backfill_id) where backfill_id is not null`.execute(db);
    await sql`create index flow_runs_ended_idx on flow_runs (ended_at)`.execute(db);
    await sql`
      create table task_instances (
        id bigint generated always as identity primary key,
        run_id bigint not null references flow_runs(id) on delete cascade,
        flow_id text not null,
        task_id text not null,
        map_index integer not null default -1,
        map_item jsonb,
        parent_id bigint,
        state text not null,
        priority integer not null default 0,
        pool text,
        attempt integer not null default 0,
        max_attempts integer not null,
        upstream_total integer not null,
        upstream_success integer not null default 0,
        upstream_failed integer not null default 0,
        upstream_skipped integer not null default 0,
        children_total integer,
        children_unfinished integer,
        lease_owner text,
        lease_token bigint not null default 0,
        lease_expires_at timestamptz,
        next_attempt_at timestamptz,
        queued_at timestamptz,
        started_at timestamptz,
        ended_at timestamptz,
        output jsonb,
        output_bytes integer,
        input_bytes integer,
        error jsonb,
        unique (run_id, task_id, map_index)
      )`.execute(db);
    await sql`create index task_instances_claim_idx on task_instances (priority desc, id) where state = 'queued'`.execute(
      db,
    );
    await sql`create index task_instances_due_idx on task_instances (next_attempt_at) where state in ('up_for_retry', 'deferred')`.execute(
      db,
    );
    await sql`create index task_instances_lease_idx on task_instances (lease_expires_at) where state = 'running'`.execute(
      db,
    );
    await sql`create index task_instances_pool_idx on task_instances (pool, priority desc, id) where state = 'scheduled'`.execute(
      db,
    );
    await sql`create index task_instances_pool_active_idx on task_instances (pool) where state in ('queued', 'running') and pool is not null`.execute(
      db,
    );
    await sql`create index task_instances_latest_idx on task_instances (flow_id, task_id, id desc)`.execute(db);
    await sql`create index task_instances_failed_idx on task_instances (ended_at) where state = 'failed'`.execute(db);
    await sql`create index task_instances_parent_idx on task_instances (parent_id) where parent_id is not null`.execute(
      db,
    );
    await sql`
      create table task_attempts (
        id bigint generated always as identity primary key,
        task_instance_id bigint not null references task_instances(id) on delete cascade,
        run_id bigint not null,
        flow_id text not null,
        task_id text not null,
        attempt integer not null,
        worker_id text,
        outcome text not null,
        queued_at timestamptz,
        started_at timestamptz not null,
        ended_at timestamptz not null,
        duration_ms double precision not null,
        queue_wait_ms double precision,
        input_bytes integer,
        output_bytes integer,
        error jsonb
      )`.execute(db);
    await sql`create index task_attempts_task_idx on task_attempts (flow_id, task_id, id desc)`.execute(db);
    await sql`create index task_attempts_instance_idx on task_attempts (task_instance_id)`.execute(db);
    await sql`
      create table task_logs (
        id bigint generated always as identity primary key,
        task_instance_id bigint not null references task_instances(id) on delete cascade,
        attempt integer not null,
        stream text not null,
        line text not null,
        logged_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index task_logs_instance_idx on task_logs (task_instance_id, id)`.execute(db);
    await sql`
      create table task_checkpoints (
        task_instance_id bigint primary key references task_instances(id) on delete cascade,
        attempt integer not null,
        value jsonb not null,
        saved_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table flow_asset_events (
        id bigint generated always as identity primary key,
        run_id bigint not null references flow_runs(id) on delete cascade,
        task_instance_id bigint not null,
        table_name text not null,
        direction text not null check (direction in ('read', 'write')),
        table_version bigint,
        recorded_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index flow_asset_events_run_idx on flow_asset_events (run_id)`.execute(db);
    await sql`create index flow_asset_events_table_idx on flow_asset_events (table_name, id desc)`.execute(db);
    await sql`
      create table flow_pools (
        name text primary key,
        slots integer not null check (slots >= 0),
        description text
      )`.execute(db);
    await sql`
      create table flow_workers (
        id text primary key,
        hostname text not null,
        pid integer not null,
        executor text not null,
        slots integer not null,
        started_at timestamptz not null default now(),
        heartbeat_at timestamptz not null default now(),
        stopped_at timestamptz
      )`.execute(db);
  },
};
