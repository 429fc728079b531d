/** MLflow's experiment endpoints (`/experiments/...`). */
import type { ViewType } from '../../models/index.js';
import { experimentJson, pageJson } from './mlflow-json.js';
import { keyValues, optionalInt, optionalString, requireString, stringList, type Fields } from './mlflow-request.js';
import type { MlflowEndpoint } from './mlflow-route.js';

export const EXPERIMENT_ENDPOINTS: readonly MlflowEndpoint[] = [
  {
    method: 'POST',
    path: '/experiments/create',
    role: 'writer',
    handle: async (f, s) => ({
      experiment_id: await s.experiments.create(
        requireString(f, 'name'),
        optionalString(f, 'artifact_location'),
        keyValues(f, 'tags'),
      ),
    }),
  },
  {
    method: 'GET',
    path: '/experiments/get',
    role: 'reader',
    handle: async (f, s) => ({
      experiment: experimentJson(await s.experiments.get(requireString(f, 'experiment_id'))),
    }),
  },
  {
    method: 'GET',
    path: '/experiments/get-by-name',
    role: 'reader',
    handle: async (f, s) => ({
      experiment: experimentJson(await s.experiments.getByName(requireString(f, 'experiment_name'))),
    }),
  },
  ...(['GET', 'POST'] as const).map((method): MlflowEndpoint => ({
    method,
    path: '/experiments/search',
    role: 'reader',
    handle: async (f, s) =>
      pageJson('experiments', await s.experiments.search(searchOptions(f, 'view_type')), experimentJson),
  })),
  {
    method: 'POST',
    path: '/experiments/update',
    role: 'writer',
    handle: async (f, s) => (
      await s.experiments.rename(requireString(f, 'experiment_id'), requireString(f, 'new_name')),
      {}
    ),
  },
  {
    method: 'POST',
    path: '/experiments/delete',
    role: 'writer',
    handle: async (f, s) => (await s.experiments.setStage(requireString(f, 'experiment_id'), 'deleted'), {}),
  },
  {
    method: 'POST',
    path: '/experiments/restore',
    role: 'writer',
    handle: async (f, s) => (await s.experiments.setStage(requireString(f, 'experiment_id'), 'active'), {}),
  },
  {
    method: 'POST',
    path: '/experiments/set-experiment-tag',
    role: 'writer',
    handle: async (f, s) => (
      await s.experiments.setTag(
        requireString(f, 'experiment_id'),
        requireString(f, 'key'),
        optionalString(f, 'value') ?? '',
      ),
      {}
    ),
  },
];

/** The search fields MLflow's search requests share. */
export function searchOptions(f: Fields, viewTypeField: string) {
  const maxResults = optionalInt(f, 'max_results');
  const filter = optionalString(f, 'filter');
  const pageToken = optionalString(f, 'page_token');
  const viewType = optionalString(f, viewTypeField) as ViewType | undefined;
  return {
    ...(maxResults === undefined ? {} : { maxResults }),
    ...(filter === undefined ? {} : { filter }),
    ...(pageToken === undefined ? {} : { pageToken }),
    ...(viewType === undefined ? {} : { viewType }),
    orderBy: stringList(f, 'order_by'),
  };
}
