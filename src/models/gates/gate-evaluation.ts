/**
 * A gate's rules evaluated on predictions: every rule's statistic on all rows (the point
 * estimate) and on each bootstrap resample (one set of resamples for all rules, so an
 * improvement compares candidate and champion on the same rows: a paired bootstrap).
 * A rule passes only when its interval clears the threshold. Resamples where a metric is
 * undefined (AUC on one class) are left out of its interval and counted in the note.
 */
import { bootstrapIndices, percentileInterval } from './bootstrap.js';
import { METRICS } from './eval-metrics.js';
import { HIGHER_IS_BETTER, type GateRule, type RuleResult } from './gate-types.js';

export interface EvaluationInput {
  readonly rules: readonly GateRule[];
  readonly labels: Float64Array;
  readonly candidate: Float64Array;
  /** The champion's predictions on the same rows; undefined when there is no champion. */
  readonly champion?: Float64Array;
  readonly confidence: number;
  readonly resamples: number;
  readonly seed: number;
}

/** The statistic a rule thresholds: the metric, or the candidate's gain over the champion. */
function statistic(rule: GateRule, input: EvaluationInput, rows: Int32Array): number {
  const metric = METRICS[rule.metric];
  const candidate = metric(input.labels, input.candidate, rows);
  if (rule.kind === 'absolute') return candidate;
  const champion = metric(input.labels, input.champion!, rows);
  const gain = HIGHER_IS_BETTER[rule.metric] ? candidate - champion : champion - candidate;
  return rule.kind === 'absoluteImprovement' ? gain : gain / Math.abs(champion);
}

export function evaluateRules(input: EvaluationInput): RuleResult[] {
  const n = input.labels.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const active = input.rules.map((rule) => rule.kind === 'absolute' || input.champion !== undefined);
  const samples = input.rules.map((): number[] => []);
  for (const rows of bootstrapIndices(n, input.resamples, input.seed)) {
    input.rules.forEach((rule, r) => {
      if (active[r]) samples[r]!.push(statistic(rule, input, rows));
    });
  }
  return input.rules.map((rule, r) => {
    const metric = METRICS[rule.metric];
    const candidate = metric(input.labels, input.candidate, all);
    if (!active[r]) {
      return {
        rule,
        passed: true,
        candidate,
        estimate: Number.NaN,
        lower: Number.NaN,
        upper: Number.NaN,
        note: 'no champion to improve on',
      };
    }
    const estimate = statistic(rule, input, all);
    const { lower, upper } = percentileInterval(samples[r]!, input.confidence);
    const undefinedCount = samples[r]!.filter((v) => Number.isNaN(v)).length;
    // Errors must stay under the threshold: their interval's upper end decides.
    const errorBound = rule.kind === 'absolute' && !HIGHER_IS_BETTER[rule.metric];
    const passed = Number.isFinite(lower) && (errorBound ? upper <= rule.threshold : lower >= rule.threshold);
    return {
      rule,
      passed,
      candidate,
      ...(rule.kind === 'absolute' ? {} : { champion: metric(input.labels, input.champion!, all) }),
      estimate,
      lower,
      upper,
      ...(undefinedCount > 0 ? { note: `${undefinedCount} resamples left out: the metric is undefined on them` } : {}),
    };
  });
}
