/**
 * The demo's model chapter: a flight-delay classifier trained in TypeScript with Strata's
 * gradient-boosted trees on a sample of January–May, judged on flights of June it never
 * saw (AUC). Samples are chosen by a hash of each row's values, so every run trains the
 * same model and prints the same AUC.
 */
import { runSql } from '../engine/index.js';
import { gbtEnsemble, GbtObjective, predictBatch, rocAuc, serializeGbtModel, trainGbt } from '../models/index.js';

export const DEMO_MODEL_FEATURES = ['hour', 'weekday', 'distance', 'month'] as const;
const FEATURES = DEMO_MODEL_FEATURES;

export interface DemoModel {
  readonly trainRows: number;
  readonly testRows: number;
  readonly trees: number;
  readonly auc: number;
  /** The model file (Strata's GBT JSON), for the registry. */
  readonly file: string;
}

export async function trainDemoModel(scan: string): Promise<DemoModel> {
  const sample = async (where: string, rows: number, seed: number) => {
    const result = await runSql(
      // A pseudo-random sample that is the same in every run: the rows first by a hash of their values.
      `SELECT hour(date) AS hour, dayofweek(date) AS weekday, distance, month(date) AS month, (delay > 15)::INT AS late
       FROM ${scan} WHERE ${where}
       ORDER BY hash(date, origin, destination, delay, distance, ${seed}), date, origin, destination, delay, distance
       LIMIT ${rows}`,
    );
    const columns = FEATURES.map((_, f) => Float32Array.from(result.rows, (row) => Number(row[f])));
    const labels = Float32Array.from(result.rows, (row) => Number(row[FEATURES.length]));
    return { columns, labels };
  };
  const train = await sample("month < '2001-06'", 150_000, 7);
  const test = await sample("month = '2001-06'", 50_000, 11);
  const { model } = trainGbt(
    { ...train, featureNames: [...FEATURES] },
    { objective: GbtObjective.logistic, rounds: 60, maxDepth: 6, learningRate: 0.2, seed: 1 },
  );
  const scores = predictBatch(gbtEnsemble(model), test.columns);
  return {
    trainRows: train.labels.length,
    testRows: test.labels.length,
    trees: model.trees.length,
    auc: rocAuc(test.labels, scores),
    file: serializeGbtModel(model),
  };
}
