/** MLflow's model registry endpoints (`/registered-models/...`, `/model-versions/...`). */
import { modelJson, pageJson, versionJson } from './mlflow-json.js';
import { keyValues, optionalString, requireString, stringList, type Fields } from './mlflow-request.js';
import type { MlflowEndpoint } from './mlflow-route.js';
import { searchOptions } from './experiment-endpoints.js';

const name = (f: Fields) => requireString(f, 'name');
const version = (f: Fields) => String(f.version ?? requireString(f, 'version'));

export const REGISTRY_ENDPOINTS: readonly MlflowEndpoint[] = [
  {
    method: 'POST',
    path: '/registered-models/create',
    role: 'writer',
    handle: async (f, s) => ({
      registered_model: modelJson(
        await s.registry.createModel(name(f), optionalString(f, 'description'), keyValues(f, 'tags')),
      ),
    }),
  },
  {
    method: 'GET',
    path: '/registered-models/get',
    role: 'reader',
    handle: async (f, s) => ({ registered_model: modelJson(await s.registry.getModel(name(f))) }),
  },
  {
    method: 'POST',
    path: '/registered-models/rename',
    role: 'writer',
    handle: async (f, s) => ({
      registered_model: modelJson(await s.registry.renameModel(name(f), requireString(f, 'new_name'))),
    }),
  },
  {
    method: 'PATCH',
    path: '/registered-models/update',
    role: 'writer',
    handle: async (f, s) => ({
      registered_model: modelJson(await s.registry.updateModel(name(f), optionalString(f, 'description'))),
    }),
  },
  {
    method: 'DELETE',
    path: '/registered-models/delete',
    role: 'writer',
    handle: async (f, s) => (await s.registry.deleteModel(name(f)), {}),
  },
  ...(['GET', 'POST'] as const).map((method): MlflowEndpoint => ({
    method,
    path: '/registered-models/search',
    role: 'reader',
    handle: async (f, s) =>
      pageJson('registered_models', await s.registry.searchModels(searchOptions(f, 'view_type')), modelJson),
  })),
  ...(['GET', 'POST'] as const).map((method): MlflowEndpoint => ({
    method,
    path: '/registered-models/get-latest-versions',
    role: 'reader',
    handle: async (f, s) => ({
      model_versions: (await s.aliases.latestVersions(name(f), stringList(f, 'stages'))).map(versionJson),
    }),
  })),
  {
    method: 'POST',
    path: '/registered-models/set-tag',
    role: 'writer',
    handle: async (f, s) => (
      await s.registry.setModelTag(name(f), requireString(f, 'key'), optionalString(f, 'value') ?? ''),
      {}
    ),
  },
  {
    method: 'DELETE',
    path: '/registered-models/delete-tag',
    role: 'writer',
    handle: async (f, s) => (await s.registry.deleteModelTag(name(f), requireString(f, 'key')), {}),
  },
  {
    method: 'POST',
    path: '/registered-models/alias',
    role: 'writer',
    // Through the gate: a gated model's champion only moves to a version whose latest decision passed.
    handle: async (f, s) => (await s.gates.setAlias(name(f), requireString(f, 'alias'), version(f)), {}),
  },
  {
    method: 'DELETE',
    path: '/registered-models/alias',
    role: 'writer',
    handle: async (f, s) => (await s.aliases.deleteAlias(name(f), requireString(f, 'alias')), {}),
  },
  {
    method: 'GET',
    path: '/registered-models/alias',
    role: 'reader',
    handle: async (f, s) => ({
      model_version: versionJson(await s.aliases.versionByAlias(name(f), requireString(f, 'alias'))),
    }),
  },
  {
    method: 'POST',
    path: '/model-versions/create',
    role: 'writer',
    handle: async (f, s, request) => {
      const runId = optionalString(f, 'run_id');
      const runLink = optionalString(f, 'run_link');
      const description = optionalString(f, 'description');
      const created = await s.registry.createVersion({
        name: name(f),
        source: await resolveSource(requireString(f, 'source'), s),
        tags: keyValues(f, 'tags'),
        userId: request.principal?.name ?? '',
        ...(runId === undefined ? {} : { runId }),
        ...(runLink === undefined ? {} : { runLink }),
        ...(description === undefined ? {} : { description }),
      });
      return { model_version: versionJson(created) };
    },
  },
  {
    method: 'GET',
    path: '/model-versions/get',
    role: 'reader',
    handle: async (f, s) => ({ model_version: versionJson(await s.registry.getVersion(name(f), version(f))) }),
  },
  {
    method: 'GET',
    path: '/model-versions/get-download-uri',
    role: 'reader',
    handle: async (f, s) => ({ artifact_uri: (await s.registry.getVersion(name(f), version(f))).source }),
  },
  {
    method: 'PATCH',
    path: '/model-versions/update',
    role: 'writer',
    handle: async (f, s) => {
      const description = optionalString(f, 'description');
      const updated = await s.registry.updateVersion(
        name(f),
        version(f),
        description === undefined ? {} : { description },
      );
      return { model_version: versionJson(updated) };
    },
  },
  {
    method: 'DELETE',
    path: '/model-versions/delete',
    role: 'writer',
    handle: async (f, s) => (await s.registry.deleteVersion(name(f), version(f)), {}),
  },
  ...(['GET', 'POST'] as const).map((method): MlflowEndpoint => ({
    method,
    path: '/model-versions/search',
    role: 'reader',
    handle: async (f, s) =>
      pageJson('model_versions', await s.registry.searchVersions(searchOptions(f, 'view_type')), versionJson),
  })),
  {
    method: 'POST',
    path: '/model-versions/set-tag',
    role: 'writer',
    handle: async (f, s) => (
      await s.registry.setVersionTag(name(f), version(f), requireString(f, 'key'), optionalString(f, 'value') ?? ''),
      {}
    ),
  },
  {
    method: 'DELETE',
    path: '/model-versions/delete-tag',
    role: 'writer',
    handle: async (f, s) => (await s.registry.deleteVersionTag(name(f), version(f), requireString(f, 'key')), {}),
  },
  {
    method: 'POST',
    path: '/model-versions/transition-stage',
    role: 'writer',
    handle: async (f, s) => ({
      model_version: versionJson(
        await s.aliases.transitionStage(
          name(f),
          version(f),
          requireString(f, 'stage'),
          f.archive_existing_versions === true || f.archive_existing_versions === 'true',
        ),
      ),
    }),
  },
];

/** `runs:/<run_id>/<path>` is stored as the run's artifact location, so the version outlives URI schemes. */
async function resolveSource(source: string, s: Parameters<MlflowEndpoint['handle']>[1]): Promise<string> {
  const match = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (match === null) return source;
  const info = await s.runs.info(match[1]!);
  return match[2] ? `${info.artifactUri}/${match[2]}` : info.artifactUri;
}
