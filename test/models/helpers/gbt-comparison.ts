/**
 * Strata's GBT trainer against python3-xgboost on the same rows, depth, learning rate and
 * rounds: both train on the training rows, both predict the same test rows, and one metric
 * (AUC for classification, RMSE for regression) scores both. Used by the tests and by the
 * `models` bench (gbt_vs_xgboost_accuracy).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gbtEnsemble, predictBatch, rmse, rocAuc, trainGbt } from '../../../src/models/index.js';
import { runReference } from './xgboost-reference.js';
import { seededRandom } from '../../../src/core/index.js';

export type TaskKind = 'regression' | 'classification';

export interface TabularSet {
  readonly columns: readonly Float32Array[];
  readonly labels: Float32Array;
}

export interface Comparison {
  readonly metric: 'auc' | 'rmse';
  readonly ours: number;
  readonly xgboost: number;
  /** Our quality relative to XGBoost's: AUC ours/xgb, RMSE xgb/ours (1 = equal, > 1 = ours better). */
  readonly qualityRatio: number;
  readonly oursSeconds: number;
  readonly xgboostSeconds: number;
}

export interface CompareOptions {
  readonly rounds: number;
  readonly maxDepth: number;
  readonly learningRate: number;
  /** XGBoost's threads (default 1: our trainer is single-threaded, and OpenMP threads spin badly on a loaded machine). */
  readonly threads?: number;
}

/** Seeded rows: interactions, a step, a sine, noise features, 5% missing values in two features. */
export function syntheticSet(kind: TaskKind, rows: number, features: number, seed: number): TabularSet {
  const next = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const columns = Array.from({ length: features }, () => new Float32Array(rows));
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (const column of columns) column[r] = gauss();
    const x = (f: number) => columns[f % features]![r]!;
    const signal = x(0) * x(1) + Math.sin(2 * x(2)) + (x(3) > 0.4 ? 1 : 0) - 0.5 * x(4) + 0.3 * x(5) * x(5);
    labels[r] = kind === 'regression' ? signal + 0.5 * gauss() : signal + 0.5 * gauss() > 0.5 ? 1 : 0;
    if (next() < 0.05) columns[0]![r] = NaN;
    if (next() < 0.05) columns[2 % features]![r] = NaN;
  }
  return { columns, labels };
}

/** vega-datasets' flights-200k: distance and time of day; label the delay (minutes) or delay > 15. */
export function flightsSet(kind: TaskKind): TabularSet {
  const path = join(import.meta.dirname, '../../../node_modules/vega-datasets/data/flights-200k.json');
  const flights = JSON.parse(readFileSync(path, 'utf8')) as { delay: number; distance: number; time: number }[];
  return {
    columns: [Float32Array.from(flights, (f) => f.distance), Float32Array.from(flights, (f) => f.time)],
    labels: Float32Array.from(flights, (f) => (kind === 'regression' ? f.delay : f.delay > 15 ? 1 : 0)),
  };
}

/** Every 5th row is a test row. */
export function splitSet(set: TabularSet): { train: TabularSet; test: TabularSet } {
  const pick = (test: boolean) => {
    const rows = [...set.labels.keys()].filter((r) => (r % 5 === 4) === test);
    return {
      columns: set.columns.map((column) => Float32Array.from(rows, (r) => column[r]!)),
      labels: Float32Array.from(rows, (r) => set.labels[r]!),
    };
  };
  return { train: pick(false), test: pick(true) };
}

function rowMajor(columns: readonly Float32Array[]): Float32Array {
  const rows = columns[0]!.length;
  const out = new Float32Array(rows * columns.length);
  columns.forEach((column, f) => column.forEach((v, r) => (out[r * columns.length + f] = v)));
  return out;
}

export function compareWithXgboost(
  kind: TaskKind,
  train: TabularSet,
  test: TabularSet,
  options: CompareOptions,
): Comparison {
  const dir = mkdtempSync(join(tmpdir(), 'strata-gbt-vs-xgb-'));
  try {
    const file = (name: string, data: Float32Array) => {
      writeFileSync(join(dir, name), data);
      return join(dir, name);
    };
    const objective = kind === 'regression' ? 'reg:squarederror' : 'binary:logistic';
    // Both start from the label mean (XGBoost 1.7 would start from 0.5; 2.x estimates it too).
    const mean = train.labels.reduce((sum, y) => sum + y, 0) / train.labels.length;
    const spec = {
      params: { objective, max_depth: options.maxDepth, eta: options.learningRate, max_bin: 256, base_score: mean },
      rounds: options.rounds,
      threads: options.threads ?? 1,
      features: train.columns.length,
      train: { x: file('train-x.f32', rowMajor(train.columns)), y: file('train-y.f32', train.labels) },
      test: { x: file('test-x.f32', rowMajor(test.columns)) },
      out: join(dir, 'predictions.f32'),
    };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const printed = JSON.parse(runReference('train', join(dir, 'spec.json'))) as { train_seconds: number };
    const theirs = new Float32Array(readFileSync(spec.out).buffer.slice(0));
    const started = performance.now();
    const { model } = trainGbt(train, {
      objective,
      rounds: options.rounds,
      maxDepth: options.maxDepth,
      learningRate: options.learningRate,
    });
    const oursSeconds = (performance.now() - started) / 1000;
    const ours = predictBatch(gbtEnsemble(model), test.columns);
    const metric = kind === 'regression' ? 'rmse' : 'auc';
    const score = (p: ArrayLike<number>) => (metric === 'auc' ? rocAuc(test.labels, p) : rmse(test.labels, p));
    const [a, b] = [score(ours), score(theirs)];
    return {
      metric,
      ours: a,
      xgboost: b,
      qualityRatio: metric === 'auc' ? a / b : b / a,
      oursSeconds,
      xgboostSeconds: printed.train_seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
