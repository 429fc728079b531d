/**
 * A model version ready to score: its format's scorer and the feature names rows are
 * matched by. Loaded from the version's `source` (an `mlflow-artifacts:/` or `runs:/`
 * URI; a directory holds `model.json` or, for ONNX, `model.onnx`), in any format the
 * formats module scores: Strata GBT or XGBoost JSON (told apart by content) or ONNX
 * (a `.onnx` file, its feature names from the version's `feature_names` tag). Any
 * failure is ModelLoadError naming the version and the reason.
 */
import { loadScorer, ModelFormat, parseGbtModel, loadXgboostJson, type ModelScorer } from '../formats/index.js';
import { ModelLoadError } from '../errors.js';
import type { ModelVersion } from '../registry/registry-types.js';
import { artifactPathOf, type ArtifactStore } from '../tracking/artifact-store.js';
import type { RunStore } from '../tracking/run-store.js';

/** The version tag naming an ONNX model's input columns, comma-separated, in order. */
export const FEATURE_NAMES_TAG = 'feature_names';

export interface LoadedModel {
  readonly name: string;
  readonly version: number;
  readonly format: ModelFormat;
  /** Names rows are matched by, in the model's column order (`f0`, `f1`, … when nothing names them). */
  readonly featureNames: readonly string[];
  /** Predictions per row: 1, or the number of classes. */
  readonly outputs: number;
  readonly scorer: ModelScorer;
}

/** Predictions of rows given as feature columns (rows × outputs, row-major). */
export function predictColumns(model: LoadedModel, columns: readonly Float64Array[]): Promise<Float64Array> {
  return model.scorer.predict(columns);
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
  const { bytes, onnxDirectory } = await readModelFile(files.artifacts, path).catch((error: unknown) =>
    fail(`no model file at ${version.source} (${(error as Error).message})`, error),
  );
  try {
    if (path.endsWith('.onnx') || onnxDirectory) {
      const scorer = await loadScorer(ModelFormat.onnx, bytes);
      return loaded(version, scorer, tagNames(version));
    }
    const text = Buffer.from(bytes).toString('utf8');
    const doc = JSON.parse(text) as Record<string, unknown> | null;
    if (doc?.format === 'strata-gbt') {
      return loaded(version, await loadScorer(ModelFormat.strataGbt, text), parseGbtModel(text).featureNames);
    }
    if (typeof doc === 'object' && doc !== null && 'learner' in doc) {
      return loaded(version, await loadScorer(ModelFormat.xgboostJson, text), loadXgboostJson(doc).featureNames);
    }
  } catch (error) {
    return fail(error instanceof SyntaxError ? 'its model file is not JSON' : (error as Error).message, error);
  }
  return fail('its model file is neither Strata GBT, XGBoost JSON nor ONNX');
}

function tagNames(version: ModelVersion): readonly string[] | undefined {
  const tag = version.tags.find((t) => t.key === FEATURE_NAMES_TAG)?.value;
  return tag === undefined ? undefined : tag.split(',').map((name) => name.trim());
}

function loaded(version: ModelVersion, scorer: ModelScorer, names: readonly string[] | undefined): LoadedModel {
  const featureNames = names ?? Array.from({ length: scorer.featureCount ?? 0 }, (_, i) => `f${i}`);
  return {
    name: version.name,
    version: version.version,
    format: scorer.format,
    featureNames,
    outputs: scorer.outputsPerRow,
    scorer,
  };
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

/**
 * The file at `path`, or the model file of a model directory: `model.json`, or
 * `model.onnx` (MLflow's ONNX flavour).
 */
async function readModelFile(
  artifacts: ArtifactStore,
  path: string,
): Promise<{ readonly bytes: Uint8Array; readonly onnxDirectory: boolean }> {
  if (path.endsWith('.json') || path.endsWith('.onnx'))
    return { bytes: await artifacts.get(path), onnxDirectory: false };
  const entries = await artifacts.list(path).catch(() => []);
  if (entries.length === 0) return { bytes: await artifacts.get(path), onnxDirectory: false };
  const onnx = entries.some((entry) => entry.path.endsWith('model.onnx'));
  return { bytes: await artifacts.get(`${path}/${onnx ? 'model.onnx' : 'model.json'}`), onnxDirectory: onnx };
}
