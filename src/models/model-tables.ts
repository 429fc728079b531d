/** The model module's metadata tables as Kysely sees them (created by migrations/). */
import type { Generated } from 'kysely';

/** Postgres bigint arrives as a string from `pg` and PGlite alike: convert with Number(). */
type BigInt = string | number;

export interface ModelTables {
  ml_experiments: {
    experiment_id: Generated<BigInt>;
    name: string;
    artifact_location: string;
    lifecycle_stage: string;
    creation_time: BigInt;
    last_update_time: BigInt;
  };
  ml_experiment_tags: { experiment_id: BigInt; key: string; value: string };
  ml_runs: {
    run_uuid: string;
    experiment_id: BigInt;
    run_name: string;
    user_id: string;
    status: string;
    start_time: BigInt;
    end_time: BigInt | null;
    lifecycle_stage: string;
    artifact_uri: string;
  };
  ml_params: { run_uuid: string; key: string; value: string };
  ml_run_tags: { run_uuid: string; key: string; value: string };
  ml_metrics: { id: Generated<BigInt>; run_uuid: string; key: string; value: number; timestamp: BigInt; step: BigInt };
  ml_latest_metrics: { run_uuid: string; key: string; value: number; timestamp: BigInt; step: BigInt };
  ml_inputs: { run_uuid: string; name: string; digest: string; dataset: string; tags: string };
  ml_registered_models: {
    name: string;
    creation_timestamp: BigInt;
    last_updated_timestamp: BigInt;
    description: string | null;
  };
  ml_registered_model_tags: { name: string; key: string; value: string };
  ml_model_versions: {
    name: string;
    version: number;
    creation_timestamp: BigInt;
    last_updated_timestamp: BigInt;
    user_id: string | null;
    current_stage: string;
    description: string | null;
    source: string;
    run_id: string | null;
    run_link: string | null;
    status: string;
    status_message: string | null;
  };
  ml_model_version_tags: { name: string; version: number; key: string; value: string };
  ml_model_aliases: { name: string; version: number; alias: string };
  ml_run_lineage: {
    run_uuid: string;
    training_set: string | null;
    training_set_version: number | null;
    feature_service: string | null;
    definitions: string;
    flow_run_id: string | null;
    task_id: string | null;
    code_version: string | null;
    recorded_time: BigInt;
  };
  ml_run_lineage_sources: {
    run_uuid: string;
    table_name: string;
    location: string;
    delta_version: number;
    view: string | null;
  };
  ml_gates: { name: string; spec: string; updated_time: BigInt };
  ml_gate_decisions: {
    id: Generated<BigInt>;
    name: string;
    version: number;
    passed: boolean;
    decision: string;
    decided_time: BigInt;
  };
  ml_traffic_policies: { name: string; revision: number; policy: string; updated_at: BigInt };
  ml_traffic_policy_changes: {
    name: string;
    revision: number;
    policy: string;
    changed_at: BigInt;
    changed_by: string;
    reason: string;
  };
  ml_promotion_experiments: {
    id: string;
    name: string;
    champion_version: number;
    challenger_version: number;
    status: string;
    state: string;
    started_at: BigInt;
    ended_at: BigInt | null;
    reason: string | null;
  };
  ml_promotion_looks: {
    experiment_id: string;
    look: number;
    at: BigInt;
    decision: string;
    statistic: number;
    boundary: number;
    p_value: number;
    estimate: number;
    lower: number | null;
    upper: number | null;
    champion_n: number;
    challenger_n: number;
    reason: string;
  };
}
