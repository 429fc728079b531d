/**
 * Serving predictions: a request names a model and (through chooseServingVersion) a
 * version; the version's scorer comes from a cache keyed by name, version, creation time
 * and source (a version's file never changes, but a model deleted and re-created reuses
 * version numbers: the key tells them apart); a file that fails to load is not
 * remembered. Rows are checked against the model's features and scored in one batch.
 * Registry lookups (alias → version, version → its record) are cached for `aliasTtlMs`
 * (default 1 s): an alias moved or a version deleted elsewhere is followed within that
 * time, an alias moved through this server (`forgetAlias`) at once. Every prediction goes to the prediction log, if one is given, off the request path.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Cache } from '../../core/index.js';
import type { AliasStore } from '../registry/alias-store.js';
import type { RegistryStore } from '../registry/registry-store.js';
import type { ModelVersion } from '../registry/registry-types.js';
import type { ArtifactStore } from '../tracking/artifact-store.js';
import type { RunStore } from '../tracking/run-store.js';
import { featureColumns, type FeatureRow } from './feature-rows.js';
import { loadModelVersion, predictColumns, type LoadedModel } from './loaded-model.js';
import type { PredictionLog } from './prediction-log.js';
import type { Route } from '../rollout/route-request.js';
import { chooseServingVersion, type ServingLookup } from './serving-version.js';

export interface ModelServerOptions {
  readonly registry: RegistryStore;
  readonly aliases: AliasStore;
  readonly runs: RunStore;
  readonly artifacts: ArtifactStore;
  readonly log?: PredictionLog;
  /** Traffic policies (ModelStores' `policies`): requests that name no version or alias follow them. */
  readonly policies?: { route(model: string, key: string): Promise<Route | undefined> };
  /** Called with a shadow version's error (the served answer is unaffected). */
  readonly onShadowError?: (error: unknown) => void;
  /** Scorers kept loaded (default 32). */
  readonly maxLoaded?: number;
  readonly aliasTtlMs?: number;
}

export interface PredictRequest {
  readonly alias?: string;
  readonly version?: number;
  readonly rows: readonly FeatureRow[];
  readonly requestId?: string;
  /** An entity key: under a split policy the same key always gets the same version. */
  readonly key?: string;
}

export interface PredictResult {
  readonly requestId: string;
  readonly model: string;
  readonly version: number;
  readonly alias?: string;
  /** True when the model's traffic policy chose the version. */
  readonly routed?: boolean;
  /** One number per row, or one array of class probabilities per row for a multi-class model. */
  readonly predictions: readonly (number | readonly number[])[];
}

/** How long an evicted scorer stays usable for requests already holding it. */
const EVICTED_CLOSE_MS = 30_000;

export class ModelServer implements ServingLookup {
  readonly #options: ModelServerOptions;
  readonly #scorers: Cache<string, Promise<LoadedModel>>;
  readonly #aliases: Cache<string, Promise<number>>;
  readonly #versions: Cache<string, Promise<ModelVersion>>;

  constructor(options: ModelServerOptions) {
    this.#options = options;
    this.#scorers = new Cache({
      maxEntries: options.maxLoaded ?? 32,
      // ONNX sessions hold native memory: an evicted scorer is closed once requests that
      // already took it have had time to finish.
      onEvict: (_key, loading) =>
        void loading.then(
          (model) => setTimeout(() => void model.scorer.close().catch(() => undefined), EVICTED_CLOSE_MS).unref(),
          () => undefined,
        ),
    });
    this.#aliases = new Cache({ maxEntries: 1024, ttlMs: options.aliasTtlMs ?? 1000 });
    this.#versions = new Cache({ maxEntries: 1024, ttlMs: options.aliasTtlMs ?? 1000 });
  }

  aliasVersion(model: string, alias: string): Promise<number> {
    return this.#aliases.getOrSet(
      `${model}\u0000${alias}`,
      async () => (await this.#options.aliases.versionByAlias(model, alias)).version,
    );
  }

  route(model: string, key: string): Promise<Route | undefined> {
    return this.#options.policies?.route(model, key) ?? Promise.resolve(undefined);
  }

  async existingVersion(model: string, version: number): Promise<number> {
    await this.scorer(model, version);
    return version;
  }

  /** Drops a cached alias after this server moved it. */
  forgetAlias(model: string, alias: string): void {
    this.#aliases.delete(`${model}\u0000${alias}`);
  }

  /** The loaded scorer of a version (ModelNotFoundError, ModelLoadError). */
  async scorer(model: string, version: number): Promise<LoadedModel> {
    const found = await this.#versions.getOrSet(`${model}\u0000${version}`, () =>
      this.#options.registry.getVersion(model, version),
    );
    const key = [model, found.version, found.creationTimestamp, found.source].join('\u0000');
    return this.#scorers.getOrSet(key, () => loadModelVersion(this.#options, found));
  }

  async predict(model: string, request: PredictRequest): Promise<PredictResult> {
    const started = performance.now();
    const requestId = request.requestId ?? randomUUID();
    const choice = await chooseServingVersion(this, model, { ...request, requestId });
    const scorer = await this.scorer(model, choice.version);
    const columns = featureColumns(scorer.featureNames, request.rows, model);
    const predictions = await scoreRows(scorer, columns, request.rows.length);
    this.#log(model, choice.version, requestId, request.rows, predictions, performance.now() - started, true);
    // The shadow scores after the answer is on its way: it never delays or changes it.
    if (choice.shadow !== undefined)
      setImmediate(() => void this.#shadow(model, choice.shadow!, requestId, request.rows));
    return {
      requestId,
      model,
      version: choice.version,
      ...(choice.alias ? { alias: choice.alias } : {}),
      ...(choice.routed ? { routed: true } : {}),
      predictions,
    };
  }

  async #shadow(model: string, version: number, requestId: string, rows: readonly FeatureRow[]): Promise<void> {
    const started = performance.now();
    try {
      const scorer = await this.scorer(model, version);
      const predictions = await scoreRows(scorer, featureColumns(scorer.featureNames, rows, model), rows.length);
      this.#log(model, version, requestId, rows, predictions, performance.now() - started, false);
    } catch (error) {
      this.#options.onShadowError?.(error);
    }
  }

  #log(
    model: string,
    version: number,
    requestId: string,
    rows: readonly FeatureRow[],
    predictions: readonly (number | readonly number[])[],
    latencyMs: number,
    served: boolean,
  ): void {
    const time = Date.now();
    this.#options.log?.append(
      rows.map((inputs, r) => ({
        requestId,
        model,
        version,
        row: r,
        inputs,
        output: predictions[r]!,
        latencyMs,
        time,
        served,
      })),
    );
  }
}

async function scoreRows(
  scorer: LoadedModel,
  columns: readonly Float64Array[],
  rows: number,
): Promise<(number | number[])[]> {
  const flat = await predictColumns(scorer, columns);
  const k = scorer.outputs;
  return Array.from({ length: rows }, (_, r) => (k === 1 ? flat[r]! : Array.from(flat.subarray(r * k, r * k + k))));
}
