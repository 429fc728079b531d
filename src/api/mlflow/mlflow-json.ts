/** Strata's tracking and registry objects as MLflow's REST JSON (snake_case; versions as strings). */
import type { Experiment, ModelVersion, RegisteredModel, Run, RunInfo } from '../../models/index.js';

export function experimentJson(e: Experiment) {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
    tags: e.tags,
  };
}

export function runInfoJson(info: RunInfo) {
  return {
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.runName,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    ...(info.endTime === null ? {} : { end_time: info.endTime }),
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
  };
}

export function runJson(run: Run) {
  return {
    info: runInfoJson(run.info),
    data: { metrics: run.data.metrics.map(metricJson), params: run.data.params, tags: run.data.tags },
    inputs: {
      dataset_inputs: run.inputs.datasetInputs.map((i) => ({
        tags: i.tags,
        dataset: {
          name: i.dataset.name,
          digest: i.dataset.digest,
          source_type: i.dataset.sourceType,
          source: i.dataset.source,
          ...(i.dataset.schema === undefined ? {} : { schema: i.dataset.schema }),
          ...(i.dataset.profile === undefined ? {} : { profile: i.dataset.profile }),
        },
      })),
    },
  };
}

/** Non-finite doubles as proto3 JSON spells them. */
export function metricJson(m: { key: string; value: number; timestamp: number; step: number }) {
  const value = Number.isFinite(m.value) ? m.value : String(m.value);
  return { key: m.key, value, timestamp: m.timestamp, step: m.step };
}

export function versionJson(v: ModelVersion) {
  return {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    ...(v.userId === null ? {} : { user_id: v.userId }),
    current_stage: v.currentStage,
    ...(v.description === null ? {} : { description: v.description }),
    source: v.source,
    ...(v.runId === null ? {} : { run_id: v.runId }),
    ...(v.runLink === null ? {} : { run_link: v.runLink }),
    status: v.status,
    ...(v.statusMessage === null ? {} : { status_message: v.statusMessage }),
    tags: v.tags,
    aliases: v.aliases,
  };
}

export function modelJson(m: RegisteredModel) {
  return {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    ...(m.description === null ? {} : { description: m.description }),
    latest_versions: m.latestVersions.map(versionJson),
    tags: m.tags,
    aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
  };
}

/** `{ <name>: items, next_page_token? }` */
export function pageJson<T, J>(
  name: string,
  page: { items: readonly T[]; nextPageToken?: string },
  toJson: (item: T) => J,
) {
  return {
    [name]: page.items.map(toJson),
    ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }),
  };
}
