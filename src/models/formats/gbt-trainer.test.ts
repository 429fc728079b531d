import { describe, expect, it } from 'vitest';
import { predictBatch, predictRow } from './ensemble-scorer.js';
import { isStrataError } from '../../core/index.js';
import { gbtEnsemble, parseGbtModel, serializeGbtModel } from './gbt-model.js';
import { rmse, rocAuc } from './gbt-metrics.js';
import { trainGbt } from './gbt-trainer.js';
import { seededRandom } from '../../core/index.js';

function data(rows: number, seed: number, missing = 0) {
  const random = seededRandom(seed);
  const columns = Array.from({ length: 4 }, () => new Float32Array(rows));
  const target = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (const column of columns) column[r] = random() * 2 - 1;
    target[r] = 2 * columns[0]![r]! + (columns[1]![r]! > 0 ? 1 : -1) + 0.1 * (random() - 0.5);
    if (random() < missing) columns[0]![r] = NaN;
  }
  return { columns, labels: target };
}

describe('GBT trainer', () => {
  it('fits a regression and its scorer reproduces what training saw', () => {
    const train = data(5000, 1);
    const { model } = trainGbt(train, { rounds: 50, maxDepth: 4 });
    const predictions = predictBatch(gbtEnsemble(model), train.columns);
    expect(rmse(train.labels, predictions)).toBeLessThan(0.15);
    const again = predictBatch(gbtEnsemble(parseGbtModel(serializeGbtModel(model))), train.columns);
    expect([...again]).toEqual([...predictions]);
    expect(predictRow(gbtEnsemble(model), [0.5, 0.5, 0, 0])[0]).toBeCloseTo(2, 0);
  });

  it('classifies with the logistic objective', () => {
    const train = data(5000, 2);
    const labels = train.labels.map((y) => (y > 0 ? 1 : 0));
    const { model } = trainGbt({ ...train, labels }, { objective: 'binary:logistic', rounds: 30 });
    const p = predictBatch(gbtEnsemble(model), train.columns);
    expect(rocAuc(labels, p)).toBeGreaterThan(0.98);
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('is deterministic for a seed, and the seed matters when subsampling', () => {
    const train = data(3000, 3, 0.1);
    const options = { rounds: 10, subsample: 0.7, colsampleByTree: 0.5, seed: 42 };
    const a = serializeGbtModel(trainGbt(train, options).model);
    expect(serializeGbtModel(trainGbt(train, options).model)).toBe(a);
    expect(serializeGbtModel(trainGbt(train, { ...options, seed: 43 }).model)).not.toBe(a);
  });

  it('gives the same model, bit for bit, with 1, 2 or 3 threads summing the histograms', () => {
    // 150k rows: five histogram chunks at the root, so workers take part when there are any.
    const train = data(150_000, 8, 0.05);
    const options = { rounds: 6, maxDepth: 5, subsample: 0.8, seed: 9 };
    const one = serializeGbtModel(trainGbt(train, { ...options, threads: 1 }).model);
    expect(serializeGbtModel(trainGbt(train, { ...options, threads: 2 }).model)).toBe(one);
    expect(serializeGbtModel(trainGbt(train, { ...options, threads: 3 }).model)).toBe(one);
  });

  it('learns where missing values go: rows missing x0 behave like the side their labels match', () => {
    const rows = 4000;
    const random = seededRandom(4);
    const x = new Float32Array(rows);
    const labels = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      x[r] = random();
      labels[r] = x[r]! < 0.5 ? 0 : 10;
      // Missing values are high-label rows: the learned default must be the right side.
      if (r % 10 === 0) [x[r], labels[r]] = [NaN, 10];
    }
    const { model } = trainGbt({ columns: [x], labels }, { rounds: 20, maxDepth: 1 });
    expect(model.trees[0]!.defaultLeft[0]).toBe(0);
    expect(predictRow(gbtEnsemble(model), [NaN])[0]).toBeCloseTo(10, 1);
    expect(predictRow(gbtEnsemble(model), [0.1])[0]).toBeCloseTo(0, 1);
  });

  it('stops early on the validation loss and keeps the best round', () => {
    const train = data(2000, 5);
    const validation = data(1000, 6);
    const noisy = { ...train, labels: train.labels.map((y, i) => y + (i % 2 ? 3 : -3)) };
    const result = trainGbt(
      { ...noisy, validation },
      { rounds: 200, maxDepth: 6, learningRate: 0.5, earlyStoppingRounds: 5 },
    );
    const best = result.validationLoss.indexOf(Math.min(...result.validationLoss));
    expect(result.validationLoss.length).toBe(best + 6);
    expect(result.model.trees.length).toBe(best + 1);
    expect(result.model.bestIteration).toBe(best);
  });

  it('refuses bad labels and options with typed errors', () => {
    const train = data(100, 7);
    expect(() => trainGbt(train, { objective: 'binary:logistic' })).toThrow(/MODEL_TRAINING_INVALID.*label/);
    expect(() => trainGbt(train, { maxDepth: 0 })).toThrow(/maxDepth/);
    expect(() => trainGbt(train, { earlyStoppingRounds: 3 })).toThrow(/validation set/);
    try {
      trainGbt({ columns: [new Float32Array(3)], labels: [1, 2] });
    } catch (error) {
      expect(isStrataError(error, 'MODEL_TRAINING_INVALID')).toBe(true);
    }
  });
});
