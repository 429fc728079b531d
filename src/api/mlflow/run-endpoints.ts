/** MLflow's run, metric and run-artifact listing endpoints (`/runs/...`, `/metrics/...`, `/artifacts/list`). */
import {
  artifactPathOf,
  HISTORY_MAX_RESULTS,
  ModelInvalidParameterError,
  type DatasetInput,
  type Metric,
} from '../../models/index.js';
import { searchOptions } from './experiment-endpoints.js';
import { metricJson, pageJson, runInfoJson, runJson } from './mlflow-json.js';
import {
  keyValues,
  optionalInt,
  optionalString,
  requireDouble,
  requireString,
  stringList,
  type Fields,
} from './mlflow-request.js';
import type { MlflowEndpoint } from './mlflow-route.js';

const runId = (f: Fields): string => optionalString(f, 'run_id') ?? requireString(f, 'run_uuid');

function metricOf(f: Fields): Metric {
  return {
    key: requireString(f, 'key'),
    value: requireDouble(f, 'value'),
    timestamp: optionalInt(f, 'timestamp') ?? Date.now(),
    step: optionalInt(f, 'step') ?? 0,
  };
}

export const RUN_ENDPOINTS: readonly MlflowEndpoint[] = [
  {
    method: 'POST',
    path: '/runs/create',
    role: 'writer',
    handle: async (f, s) => {
      const userId = optionalString(f, 'user_id');
      const runName = optionalString(f, 'run_name');
      const startTime = optionalInt(f, 'start_time');
      const run = await s.runs.create({
        experimentId: optionalString(f, 'experiment_id') ?? '0',
        tags: keyValues(f, 'tags'),
        ...(userId === undefined ? {} : { userId }),
        ...(runName === undefined ? {} : { runName }),
        ...(startTime === undefined ? {} : { startTime }),
      });
      return { run: runJson(run) };
    },
  },
  {
    method: 'GET',
    path: '/runs/get',
    role: 'reader',
    handle: async (f, s) => ({ run: runJson(await s.runs.get(runId(f))) }),
  },
  {
    method: 'POST',
    path: '/runs/update',
    role: 'writer',
    handle: async (f, s) => {
      const status = optionalString(f, 'status');
      const endTime = optionalInt(f, 'end_time');
      const runName = optionalString(f, 'run_name');
      const info = await s.runs.update(runId(f), {
        ...(status === undefined ? {} : { status }),
        ...(endTime === undefined ? {} : { endTime }),
        ...(runName === undefined ? {} : { runName }),
      });
      return { run_info: runInfoJson(info) };
    },
  },
  {
    method: 'POST',
    path: '/runs/delete',
    role: 'writer',
    handle: async (f, s) => (await s.runs.setStage(runId(f), 'deleted'), {}),
  },
  {
    method: 'POST',
    path: '/runs/restore',
    role: 'writer',
    handle: async (f, s) => (await s.runs.setStage(runId(f), 'active'), {}),
  },
  {
    method: 'POST',
    path: '/runs/search',
    role: 'reader',
    handle: async (f, s) =>
      pageJson(
        'runs',
        await s.runs.search(stringList(f, 'experiment_ids'), searchOptions(f, 'run_view_type')),
        runJson,
      ),
  },
  {
    method: 'POST',
    path: '/runs/log-metric',
    role: 'writer',
    handle: async (f, s) => (await s.logs.logBatch(runId(f), { metrics: [metricOf(f)] }), {}),
  },
  {
    method: 'POST',
    path: '/runs/log-parameter',
    role: 'writer',
    handle: async (f, s) => (
      await s.logs.logBatch(runId(f), { params: [{ key: requireString(f, 'key'), value: String(f.value ?? '') }] }),
      {}
    ),
  },
  {
    method: 'POST',
    path: '/runs/log-batch',
    role: 'writer',
    handle: async (f, s) => {
      const metrics =
        f.metrics === undefined ? [] : Array.isArray(f.metrics) ? (f.metrics as Fields[]) : badList('metrics');
      await s.logs.logBatch(requireString(f, 'run_id'), {
        metrics: metrics.map(metricOf),
        params: keyValues(f, 'params'),
        tags: keyValues(f, 'tags'),
      });
      return {};
    },
  },
  {
    method: 'POST',
    path: '/runs/set-tag',
    role: 'writer',
    handle: async (f, s) => (
      await s.logs.logBatch(runId(f), {
        tags: [{ key: requireString(f, 'key'), value: optionalString(f, 'value') ?? '' }],
      }),
      {}
    ),
  },
  {
    method: 'POST',
    path: '/runs/delete-tag',
    role: 'writer',
    handle: async (f, s) => (await s.logs.deleteTag(requireString(f, 'run_id'), requireString(f, 'key')), {}),
  },
  {
    method: 'POST',
    path: '/runs/log-inputs',
    role: 'writer',
    handle: async (f, s) => {
      const datasets =
        f.datasets === undefined ? [] : Array.isArray(f.datasets) ? (f.datasets as Fields[]) : badList('datasets');
      await s.logs.logInputs(requireString(f, 'run_id'), datasets.map(datasetInputOf));
      return {};
    },
  },
  {
    method: 'GET',
    path: '/metrics/get-history',
    role: 'reader',
    handle: async (f, s) => {
      const page = await s.logs.history(
        runId(f),
        requireString(f, 'metric_key'),
        optionalInt(f, 'max_results') ?? HISTORY_MAX_RESULTS,
        optionalString(f, 'page_token'),
      );
      return pageJson('metrics', page, metricJson);
    },
  },
  {
    method: 'GET',
    path: '/artifacts/list',
    role: 'reader',
    handle: async (f, s) => {
      const run = await s.runs.info(runId(f));
      const root = artifactPathOf(run.artifactUri);
      if (root === undefined) return { root_uri: run.artifactUri, files: [] };
      const path = (optionalString(f, 'path') ?? '').replace(/^\/+|\/+$/g, '');
      const entries = await s.artifacts.list(path === '' ? root : `${root}/${path}`);
      return {
        root_uri: run.artifactUri,
        files: entries.map((e) => ({
          path: path === '' ? e.path : `${path}/${e.path}`,
          is_dir: e.isDir,
          ...(e.fileSize === undefined ? {} : { file_size: e.fileSize }),
        })),
      };
    },
  },
];

function datasetInputOf(input: Fields): DatasetInput {
  const dataset = (input.dataset ?? {}) as Fields;
  const schema = optionalString(dataset, 'schema');
  const profile = optionalString(dataset, 'profile');
  return {
    tags: keyValues(input, 'tags'),
    dataset: {
      name: requireString(dataset, 'name'),
      digest: requireString(dataset, 'digest'),
      sourceType: optionalString(dataset, 'source_type') ?? '',
      source: optionalString(dataset, 'source') ?? '',
      ...(schema === undefined ? {} : { schema }),
      ...(profile === undefined ? {} : { profile }),
    },
  };
}

function badList(name: string): never {
  throw new ModelInvalidParameterError(`Invalid value for parameter '${name}': expected a list.`);
}
