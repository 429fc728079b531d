/**
 * gbt_vs_xgboost_accuracy: Strata's trainer and python3-xgboost (hist, one thread each) on
 * the same 200k × 20 seeded rows, depth 6, eta 0.3, 100 rounds, both from the label mean;
 * AUC on the same 50k held-out rows (classification) and RMSE (regression), as a quality
 * ratio (ours relative to XGBoost's; 1 = equal, bound ≥ 0.99), and the training-time
 * ratio (ours / XGBoost's) measured in the same run. Skipped when python3 xgboost is missing.
 */
import { compareWithXgboost, splitSet, syntheticSet } from '../../test/models/helpers/gbt-comparison.js';
import { XGBOOST_VERSION } from '../../test/models/helpers/xgboost-reference.js';
import type { BenchResult, Scenario } from '../harness.js';

const ROWS = 250_000;
const FEATURES = 20;
const OPTIONS = { rounds: 100, maxDepth: 6, learningRate: 0.3, threads: 1 };

export const gbtVsXgboost: Scenario = {
  name: 'gbt_vs_xgboost_accuracy',
  description: `GBT vs python3-xgboost ${XGBOOST_VERSION ?? '(missing)'}: ${ROWS} rows × ${FEATURES}, depth ${OPTIONS.maxDepth}, ${OPTIONS.rounds} rounds`,
  async run({ log }): Promise<BenchResult[]> {
    if (XGBOOST_VERSION === undefined) {
      log('python3 xgboost is missing (apt-get install python3-xgboost): skipped');
      return [];
    }
    const results: BenchResult[] = [];
    for (const kind of ['classification', 'regression'] as const) {
      const { train, test } = splitSet(syntheticSet(kind, ROWS, FEATURES, 2));
      log(`${kind}: training both`);
      const c = compareWithXgboost(kind, train, test, OPTIONS);
      const suffix = kind === 'classification' ? 'auc' : 'rmse';
      results.push(
        {
          name: `gbt_vs_xgboost_accuracy_${suffix}`,
          value: c.qualityRatio,
          unit: 'ratio',
          bound: { min: 0.99 },
          note: `${c.metric} ours ${c.ours.toFixed(5)}, xgboost ${c.xgboost.toFixed(5)} (${test.labels.length} held-out rows)`,
        },
        {
          name: `gbt_vs_xgboost_train_time_${suffix}`,
          value: c.oursSeconds / c.xgboostSeconds,
          unit: 'ratio',
          note: `ours ${c.oursSeconds.toFixed(1)} s, xgboost ${c.xgboostSeconds.toFixed(1)} s (1 thread each, training only)`,
        },
      );
    }
    return results;
  },
};
