/**
 * Reads whole runs (info, latest metrics, params, tags, inputs) for a set of run rows:
 * one query per table for the whole page, not per run.
 */
import type { Kysely } from 'kysely';
import type { ModelTables } from '../model-tables.js';
import type { DatasetInput, Run, RunStatus } from './tracking-types.js';

type RunRow = ModelTables['ml_runs'];

export async function readRuns(db: Kysely<ModelTables>, rows: readonly RunRow[]): Promise<Run[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.run_uuid);
  const [metrics, params, tags, inputs] = await Promise.all([
    db.selectFrom('ml_latest_metrics').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute(),
    db.selectFrom('ml_params').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute(),
    db.selectFrom('ml_run_tags').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute(),
    db.selectFrom('ml_inputs').selectAll().where('run_uuid', 'in', ids).orderBy('name').execute(),
  ]);
  // Grouped once: a page of 1,000 runs × 20 metrics is 20,000 rows, not scanned once per run.
  const grouped = new Map<readonly { run_uuid: string }[], Map<string, { run_uuid: string }[]>>();
  const of = <T extends { run_uuid: string }>(all: readonly T[], id: string): T[] => {
    let byRun = grouped.get(all);
    if (byRun === undefined) {
      byRun = new Map();
      for (const x of all) {
        const list = byRun.get(x.run_uuid);
        if (list === undefined) byRun.set(x.run_uuid, [x]);
        else list.push(x);
      }
      grouped.set(all, byRun);
    }
    return (byRun.get(id) ?? []) as T[];
  };
  return rows.map((r) => ({
    info: {
      runId: r.run_uuid,
      runName: r.run_name,
      experimentId: String(r.experiment_id),
      userId: r.user_id,
      status: r.status as RunStatus,
      startTime: Number(r.start_time),
      endTime: r.end_time === null ? null : Number(r.end_time),
      artifactUri: r.artifact_uri,
      lifecycleStage: r.lifecycle_stage as 'active' | 'deleted',
    },
    data: {
      metrics: of(metrics, r.run_uuid).map((m) => ({
        key: m.key,
        value: m.value,
        timestamp: Number(m.timestamp),
        step: Number(m.step),
      })),
      params: of(params, r.run_uuid).map(({ key, value }) => ({ key, value })),
      tags: of(tags, r.run_uuid).map(({ key, value }) => ({ key, value })),
    },
    inputs: {
      datasetInputs: of(inputs, r.run_uuid).map((i): DatasetInput => ({
        dataset: (typeof i.dataset === 'string' ? JSON.parse(i.dataset) : i.dataset) as DatasetInput['dataset'],
        tags: (typeof i.tags === 'string' ? JSON.parse(i.tags) : i.tags) as DatasetInput['tags'],
      })),
    },
  }));
}
