/**
 * The orchestrator's tables (migration 0002-flows, in `migrations/`), as Kysely sees
 * them. JSON columns are typed `unknown`: the flows module validates what it reads.
 */
import type { ColumnType, Generated } from 'kysely';
import type { MetaDatabase, MetaTables } from '../meta/index.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<unknown, string | undefined, string>;
type NullableJson = ColumnType<unknown, string | null | undefined, string | null>;

export interface FlowDefinitionsTable {
  id: string;
  source_file: string | null;
  version_hash: string;
  schedule: Json;
  description: string | null;
  paused: ColumnType<boolean, boolean | undefined, boolean>;
  max_active_runs: number;
  catchup: boolean;
  start_date: NullableTimestamp;
  next_tick_at: NullableTimestamp;
  table_versions: Json;
  first_registered_at: Timestamp;
  updated_at: Timestamp;
}

export interface FlowVersionsTable {
  flow_id: string;
  version_hash: string;
  plan: Json;
  created_at: Timestamp;
}

export interface FlowBackfillsTable {
  id: Generated<number>;
  flow_id: string;
  range_start: Timestamp;
  range_end: Timestamp;
  reprocess: 'missing' | 'failed' | 'all';
  max_active_runs: number;
  runs: number;
  created_at: Timestamp;
}

export interface FlowRunsTable {
  id: Generated<number>;
  flow_id: string;
  run_key: string;
  version_hash: string;
  kind: 'manual' | 'scheduled' | 'backfill' | 'table';
  state: 'queued' | 'running' | 'success' | 'failed' | 'cancelled';
  params: Json;
  logical_date: NullableTimestamp;
  backfill_id: number | null;
  triggered_by: string | null;
  tasks_total: number;
  tasks_unfinished: number;
  clear_count: Generated<number>;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  /** Who last cancelled, cleared or marked the run (migration flows-0003-run-control). */
  managed_by: string | null;
  managed_at: NullableTimestamp;
}

export interface TaskInstancesTable {
  id: Generated<number>;
  run_id: number;
  flow_id: string;
  task_id: string;
  map_index: Generated<number>;
  parent_id: number | null;
  map_item: NullableJson;
  state: string;
  priority: Generated<number>;
  pool: string | null;
  attempt: Generated<number>;
  max_attempts: number;
  upstream_total: number;
  upstream_success: Generated<number>;
  upstream_failed: Generated<number>;
  upstream_skipped: Generated<number>;
  children_total: number | null;
  children_unfinished: number | null;
  lease_owner: string | null;
  lease_token: Generated<number>;
  lease_expires_at: NullableTimestamp;
  next_attempt_at: NullableTimestamp;
  queued_at: NullableTimestamp;
  started_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  output: NullableJson;
  output_bytes: number | null;
  input_bytes: number | null;
  error: NullableJson;
  /** Claim order of the predicted policy (migration flows-0004-predicted-scheduling). */
  sched_run_key: Generated<number>;
  sched_rank: Generated<number>;
}

export interface TaskAttemptsTable {
  id: Generated<number>;
  task_instance_id: number;
  run_id: number;
  flow_id: string;
  task_id: string;
  attempt: number;
  worker_id: string | null;
  outcome: string;
  queued_at: NullableTimestamp;
  started_at: Timestamp;
  ended_at: Timestamp;
  duration_ms: number;
  queue_wait_ms: number | null;
  input_bytes: number | null;
  output_bytes: number | null;
  error: NullableJson;
  /** What the attempt used (migration flows-0004-predicted-scheduling); null when not measured. */
  peak_rss_bytes: number | null;
  cpu_ms: number | null;
}

export interface TaskLogsTable {
  id: Generated<number>;
  task_instance_id: number;
  attempt: number;
  stream: string;
  line: string;
  logged_at: Timestamp;
}

export interface TaskCheckpointsTable {
  task_instance_id: number;
  attempt: number;
  value: Json;
  saved_at: Timestamp;
}

export interface FlowAssetEventsTable {
  id: Generated<number>;
  run_id: number;
  task_instance_id: number;
  table_name: string;
  direction: 'read' | 'write';
  table_version: number | null;
  recorded_at: Timestamp;
}

export interface FlowPoolsTable {
  name: string;
  slots: number;
  description: string | null;
}

export interface FlowWorkersTable {
  id: string;
  hostname: string;
  pid: number;
  executor: string;
  slots: number;
  started_at: Timestamp;
  heartbeat_at: Timestamp;
  stopped_at: NullableTimestamp;
}

export interface FlowTables {
  flow_definitions: FlowDefinitionsTable;
  flow_versions: FlowVersionsTable;
  flow_backfills: FlowBackfillsTable;
  flow_runs: FlowRunsTable;
  task_instances: TaskInstancesTable;
  task_attempts: TaskAttemptsTable;
  task_logs: TaskLogsTable;
  task_checkpoints: TaskCheckpointsTable;
  flow_asset_events: FlowAssetEventsTable;
  flow_pools: FlowPoolsTable;
  flow_workers: FlowWorkersTable;
}

/** The metadata database as the orchestrator sees it. */
export type FlowMeta = MetaDatabase<MetaTables & FlowTables>;
