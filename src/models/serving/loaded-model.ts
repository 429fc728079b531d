/**
 * A model version ready to score: the flat tree ensemble its file compiles to, and the
 * feature names rows are matched by. Loaded from the version's `source` (an
 * `mlflow-artifacts:/` or `runs:/` URI; a directory holds `model.json`), in either
 * format the formats module scores: Strata GBT or XGBoost JSON, told apart by content.
 * Any failure is ModelLoadError naming the version and the reason.
 */
import { gbtEnsemble, loadXgboostJson, parseGbtModel, predictBatch, type TreeEnsemble } from '../formats/index.js';
import { ModelLoadError } from '../errors.js';
import type { ModelVersion } from '../registry/registry-types.js';
import { artifactPathOf, type ArtifactStore } from '../tracking/artifact-store.js';
import type { RunStore } from '../tracking/run-store.js';

export interface LoadedModel {
  readonly name: string;
  readonly version: number;
  readonly format: 'strata-gbt' | 'xgboost-json';
  /** Names rows are matched by, in the model's column order (`f0`, `f1`, … when the file names none). */
  readonly featureNames: readonly string[];
  /** Predictions per row: 1, or the number of classes. */
  readonly outputs: number;
  readonly ensemble: TreeEnsemble;
}

/** Predictions of rows given as feature columns (rows × outputs, row-major). */
export function predictColumns(model: LoadedModel, columns: readonly Float64Array[]): Float64Array {
  return predictBatch(model.ensemble, columns);
}

export interface ModelFiles {
  readonly artifacts: ArtifactStore;
  readonly runs: RunStore;
}

export async function loadModelVersion(files: ModelFiles, version: ModelVersion): Promise<LoadedModel> {
  const where = `model ${version.name} version ${version.version}`;
  const fail = (reason: string, cause?: unknown): never => {
    throw new ModelLoadError(
      `${where} does not load: ${reason}.`,
      { name: version.name, version: version.version, source: version.source },
      cause === undefined ? undefined : { cause },
    );
  };
  const path = await artifactPath(files, version.source).catch((error: unknown) =>
    fail((error as Error).message, error),
  );
  if (path === undefined) return fail(`its source ${version.source} is not an mlflow-artifacts:/ or runs:/ URI`);
  const bytes = await readModelFile(files.artifacts, path).catch((error: unknown) =>
    fail(`no model file at ${version.source} (${(error as Error).message})`, error),
  );
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    return fail('its model file is not JSON', error);
  }
  try {
    if (doc?.format === 'strata-gbt') {
      const gbt = parseGbtModel(JSON.stringify(doc));
      const ensemble = gbtEnsemble(gbt);
      return loaded(version, 'strata-gbt', gbt.featureNames, ensemble);
    }
    if (typeof doc === 'object' && doc !== null && 'learner' in doc) {
      const xgb = loadXgboostJson(doc);
      return loaded(version, 'xgboost-json', xgb.featureNames, xgb.ensemble);
    }
  } catch (error) {
    return fail((error as Error).message, error);
  }
  return fail('its model file is neither Strata GBT nor XGBoost JSON');
}

function loaded(
  version: ModelVersion,
  format: LoadedModel['format'],
  names: readonly string[] | undefined,
  ensemble: TreeEnsemble,
): LoadedModel {
  const featureNames = names ?? Array.from({ length: ensemble.featureCount }, (_, i) => `f${i}`);
  return { name: version.name, version: version.version, format, featureNames, outputs: ensemble.groups, ensemble };
}

/** The artifact store path a source names; `runs:/<id>/<path>` is relative to the run's artifact URI. */
async function artifactPath(files: ModelFiles, source: string): Promise<string | undefined> {
  const direct = artifactPathOf(source);
  if (direct !== undefined) return direct;
  const run = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (run === null) return undefined;
  const info = await files.runs.info(run[1]!);
  const root = artifactPathOf(info.artifactUri);
  if (root === undefined) return undefined;
  return [root.replace(/\/+$/, ''), run[2]].filter((p) => p !== '').join('/');
}

/** The file at `path`, or `path/model.json` when `path` is a directory (an MLflow model directory). */
async function readModelFile(artifacts: ArtifactStore, path: string): Promise<Uint8Array> {
  if (path.endsWith('.json')) return artifacts.get(path);
  const entries = await artifacts.list(path).catch(() => []);
  if (entries.length > 0) return artifacts.get(`${path}/model.json`);
  return artifacts.get(path);
}
