/**
 * Models for serving and gate tests: seeded synthetic binary data (label depends on x1
 * and x2, x3 is noise), a Strata GBT model trained on it, and registration of a model
 * file as a new version of a registered model (a run, its artifact, the version) on the
 * server's own metadata database and artifact directory.
 */
import * as path from 'node:path';
import { ModelStores, trainGbt, GbtObjective, type GbtOptions, type ModelVersion } from '../../../src/models/index.js';
import { openStore } from '../../../src/storage/index.js';
import type { TestApi } from '../../api/helpers/api-harness.js';
import { seededRandom } from '../../../src/core/index.js';

export const FEATURES = ['x1', 'x2', 'x3'] as const;

export interface Dataset {
  readonly columns: Float64Array[];
  readonly labels: Float64Array;
}

/** `n` rows; `noise` is the share of labels flipped at random. */
export function dataset(n: number, seed: number, noise = 0.1): Dataset {
  const random = seededRandom(seed);
  const columns = FEATURES.map(() => new Float64Array(n));
  const labels = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (const column of columns) column[r] = Math.round(random() * 1000) / 1000;
    const clean = columns[0]![r]! + 0.5 * columns[1]![r]! > 0.75 ? 1 : 0;
    labels[r] = random() < noise ? 1 - clean : clean;
  }
  return { columns, labels };
}

export function trainModel(data: Dataset, options: GbtOptions = {}): string {
  const { model } = trainGbt(
    { columns: data.columns, labels: data.labels, featureNames: [...FEATURES] },
    { objective: GbtObjective.logistic, rounds: 20, maxDepth: 3, seed: 1, ...options },
  );
  return JSON.stringify(model);
}

export async function openModelStores(api: TestApi): Promise<ModelStores> {
  return ModelStores.open(api.catalog.meta, { artifacts: openStore(path.join(api.warehouse, 'artifacts')) });
}

/** Registers `file` (model JSON text) as the next version of `name`, from a new run. */
export async function registerVersion(stores: ModelStores, name: string, file: string): Promise<ModelVersion> {
  const run = await stores.runs.create({ experimentId: '0', runName: `train-${name}` });
  const artifactRoot = run.info.artifactUri.replace(/^mlflow-artifacts:\/+/, '');
  await stores.artifacts.put(`${artifactRoot}/model/model.json`, Buffer.from(file));
  await stores.registry.createModel(name).catch(() => undefined);
  return stores.registry.createVersion({ name, source: `runs:/${run.info.runId}/model`, runId: run.info.runId });
}

/** The evaluation table's rows as SQL VALUES. */
export function valuesSql(data: Dataset): string {
  return Array.from(data.labels, (label, r) => `(${data.columns.map((c) => c[r]).join(', ')}, ${label})`).join(', ');
}
