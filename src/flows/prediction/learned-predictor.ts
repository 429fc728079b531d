/**
 * The learned duration predictor: gradient-boosted trees (the models module's trainer)
 * on log duration, so a 10 s and a 10 h task weigh alike in training and the prediction
 * is a median-like value. The p90 is the prediction times the 90th percentile of the
 * training residuals' ratio. A category with fewer than `minSamples` successes in other
 * runs is thin history: the median rule answers instead.
 */
import { gbtEnsemble, predictRow, trainGbt, type GbtOptions } from '../../models/index.js';
import { medianRulePredictor, percentileOf, type DurationPredictor } from './duration-predictor.js';
import type { DurationQuery, DurationRecord } from './duration-records.js';
import { FEATURE_NAMES, featureHistory, logMs } from './duration-features.js';

export interface LearnedPredictorOptions {
  readonly minSamples?: number;
  readonly gbt?: GbtOptions;
  /** Records shorter than this are left out of training (they are noise at the log scale). */
  readonly minTrainMs?: number;
  /**
   * Use the actual durations of finished upstream tasks (default true: right for an ETA
   * updated as attempts finish; false for a plan made before the run starts, such as
   * the upward ranks of a run's tasks).
   */
  readonly upstreamActuals?: boolean;
}

function withoutUpstreamActuals<T extends DurationQuery>(query: T): T {
  if (query.context?.parentDurationsMs === undefined) return query;
  const { parentDurationsMs: _dropped, parentCategories: _also, ...context } = query.context;
  return { ...query, context };
}

const DEFAULT_GBT: GbtOptions = {
  rounds: 150,
  maxDepth: 6,
  learningRate: 0.1,
  minChildWeight: 5,
  subsample: 0.8,
  seed: 7,
};

export function trainLearnedPredictor(
  all: readonly DurationRecord[],
  options: LearnedPredictorOptions = {},
): DurationPredictor {
  const upstream = options.upstreamActuals ?? true;
  const records = upstream ? all : all.map(withoutUpstreamActuals);
  const minSamples = options.minSamples ?? 3;
  const fallback = medianRulePredictor(records);
  const history = featureHistory(records);
  const training = records.filter((r) => r.outcome === 'success' && r.durationMs >= (options.minTrainMs ?? 100));
  if (training.length < 20) return { ...fallback, name: 'learned' };
  const rows = training.map((r) => history.row(r));
  const columns = FEATURE_NAMES.map((_, f) => Float32Array.from(rows, (row) => row[f]!));
  const labels = Float32Array.from(training, (r) => logMs(r.durationMs));
  const { model } = trainGbt({ columns, labels, featureNames: FEATURE_NAMES }, { ...DEFAULT_GBT, ...options.gbt });
  const ensemble = gbtEnsemble(model);
  const residuals = rows.map((row, i) => labels[i]! - predictRow(ensemble, row)[0]!);
  const p90Factor = Math.exp(Math.max(0, percentileOf(residuals, 0.9)));
  return {
    name: 'learned',
    predict(asked) {
      const query = upstream ? asked : withoutUpstreamActuals(asked);
      if (history.categorySamples(query) < minSamples) return fallback.predict(query);
      const medianMs = Math.exp(predictRow(ensemble, history.row(query))[0]!);
      return { medianMs, p90Ms: medianMs * p90Factor, source: 'learned' };
    },
  };
}
