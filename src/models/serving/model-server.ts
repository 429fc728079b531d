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
import { chooseServingVersion, type ServingLookup } from './serving-version.js';

export interface ModelServerOptions {
  readonly registry: RegistryStore;
  readonly aliases: AliasStore;
  readonly runs: RunStore;
  readonly artifacts: ArtifactStore;
  readonly log?: PredictionLog;
  /** Scorers kept loaded (default 32). */
  readonly maxLoaded?: number;
  readonly aliasTtlMs?: number;
}

export interface PredictRequest {
  readonly alias?: string;
  readonly version?: number;
  readonly rows: readonly FeatureRow[];
  readonly requestId?: string;
}

export interface PredictResult {
  readonly requestId: string;
  readonly model: string;
  readonly version: number;
  readonly alias?: string;
  /** One number per row, or one array of class probabilities per row for a multi-class model. */
  readonly predictions: readonly (number | readonly number[])[];
}

export class ModelServer implements ServingLookup {
  readonly #options: ModelServerOptions;
  readonly #scorers: Cache<string, Promise<LoadedModel>>;
  readonly #aliases: Cache<string, Promise<number>>;
  readonly #versions: Cache<string, Promise<ModelVersion>>;

  constructor(options: ModelServerOptions) {
    this.#options = options;
    this.#scorers = new Cache({ maxEntries: options.maxLoaded ?? 32 });
    this.#aliases = new Cache({ maxEntries: 1024, ttlMs: options.aliasTtlMs ?? 1000 });
    this.#versions = new Cache({ maxEntries: 1024, ttlMs: options.aliasTtlMs ?? 1000 });
  }

  aliasVersion(model: string, alias: string): Promise<number> {
    return this.#aliases.getOrSet(
      `${model}\u0000${alias}`,
      async () => (await this.#options.aliases.versionByAlias(model, alias)).version,
    );
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
    const flat = predictColumns(scorer, columns);
    const k = scorer.outputs;
    const predictions = request.rows.map((_, r) => (k === 1 ? flat[r]! : Array.from(flat.subarray(r * k, r * k + k))));
    const latencyMs = performance.now() - started;
    this.#options.log?.append(
      request.rows.map((inputs, r) => ({
        requestId,
        model,
        version: choice.version,
        row: r,
        inputs,
        output: predictions[r]!,
        latencyMs,
        time: Date.now(),
      })),
    );
    return { requestId, model, version: choice.version, ...(choice.alias ? { alias: choice.alias } : {}), predictions };
  }
}
