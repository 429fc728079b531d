/**
 * gbt_train_s: Strata's GBT trainer on seeded synthetic classification rows × 20 features
 * (5% missing in two of them), 100 rounds, depth 6, eta 0.3, 256 bins: 100k rows and 1M
 * rows, with the default threads (the machine's cores: histograms summed by workers).
 * Wall time is the figure (bound: under a minute for 1M); the process CPU time is printed
 * beside it, since on a loaded machine wall time also counts other processes' turns.
 * gbt_train_thread_speedup is the 1M training on one thread over the default, in the same
 * run (both give the same model bit for bit, which the scenario checks).
 */
import { syntheticSet } from '../../test/models/helpers/gbt-comparison.js';
import { serializeGbtModel, trainGbt, type GbtModel } from '../../src/models/index.js';
import { measure, type BenchResult, type Scenario } from '../harness.js';

const FEATURES = 20;
const OPTIONS = { objective: 'binary:logistic', rounds: 100, maxDepth: 6, learningRate: 0.3 } as const;

export const gbtTrain: Scenario = {
  name: 'gbt_train_s',
  description: `GBT training, ${FEATURES} features, ${OPTIONS.rounds} rounds, depth ${OPTIONS.maxDepth}: 100k and 1M rows, default threads and one`,
  async run({ log }): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    for (const rows of [100_000, 1_000_000]) {
      const data = syntheticSet('classification', rows, FEATURES, 1);
      log(`training on ${rows} rows`);
      let threaded: GbtModel | undefined;
      const sample = await measure(async () => (threaded = trainGbt(data, OPTIONS).model));
      const label = rows >= 1_000_000 ? '1m' : '100k';
      results.push({
        name: `gbt_train_s_${label}`,
        value: sample.wallMs / 1000,
        unit: 's',
        ...(rows >= 1_000_000 ? { bound: { max: 60, aim: 30 } } : {}),
        note: `${rows} rows × ${FEATURES} features, ${OPTIONS.rounds} rounds depth ${OPTIONS.maxDepth}, default threads; CPU ${(sample.cpuMs / 1000).toFixed(1)} s`,
      });
      if (rows < 1_000_000) continue;
      log(`training on ${rows} rows, one thread`);
      let single: GbtModel | undefined;
      const one = await measure(async () => (single = trainGbt(data, { ...OPTIONS, threads: 1 }).model));
      if (serializeGbtModel(single!) !== serializeGbtModel(threaded!))
        throw new Error('the one-thread model differs from the threaded one: determinism is broken');
      results.push({
        name: 'gbt_train_thread_speedup',
        value: one.wallMs / sample.wallMs,
        unit: '×',
        note: `1M rows: one thread ${(one.wallMs / 1000).toFixed(1)} s (CPU ${(one.cpuMs / 1000).toFixed(1)} s) over default threads, same model bit for bit`,
      });
    }
    return results;
  },
};
