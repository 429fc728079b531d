/**
 * One monitor run over rows already read: drift per feature and on the prediction, data
 * quality, the multivariate domain classifier, and performance (estimated by CBPE without
 * labels, realized with them), each as result rows with their threshold, sample sizes
 * and verdict. Pure: the same rows and seed give the same results, so a run can be
 * checked and replayed; reading and writing tables is monitor-flow.ts's.
 */
import {
  classificationMetrics,
  dataQuality,
  domainClassifierDrift,
  estimatePerformance,
  featureDrift,
  fitIsotonic,
  seededRandom,
  DEFAULT_DRIFT_MODE,
  type FeatureValues,
} from '../monitoring/index.js';
import type { MonitorDefinition, MonitorFeature } from './monitor-definition.js';

export type Row = Readonly<Record<string, unknown>>;

export type ResultKind = 'drift' | 'quality' | 'multivariate' | 'performance';

/** One row of a monitor's results table: one run × feature × statistic. */
export interface MonitorResult {
  readonly monitor: string;
  readonly model: string;
  readonly run_id: string;
  readonly run_at: string;
  readonly kind: ResultKind;
  readonly feature: string;
  readonly statistic: string;
  readonly value: number;
  readonly threshold: number;
  /** How the value is compared: a breach when `below` or `at-or-above` the threshold. */
  readonly direction: 'below' | 'at-or-above';
  readonly reference_size: number;
  readonly current_size: number;
  readonly breach: boolean;
}

export interface MonitorInputs {
  readonly reference: readonly Row[];
  readonly current: readonly Row[];
  /** Label rows (the definition's `current.labels` table), when any have arrived. */
  readonly labels?: readonly Row[];
}

export interface MonitorEvaluation {
  readonly results: readonly MonitorResult[];
  /** Drifted or failing results; the run breaches when the rules say so. */
  readonly breached: boolean;
  readonly summary: string;
}

function numbers(rows: readonly Row[], column: string): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const v = r[column];
    if (v === null || v === undefined) continue;
    const n = typeof v === 'bigint' ? Number(v) : Number(v);
    if (Number.isFinite(n)) out.push(n);
  }
  return out;
}

function strings(rows: readonly Row[], column: string): (string | null)[] {
  return rows.map((r) => (r[column] === null || r[column] === undefined ? null : String(r[column])));
}

function values(rows: readonly Row[], feature: MonitorFeature): FeatureValues {
  return feature.kind === 'numeric'
    ? { kind: 'numeric', values: numbers(rows, feature.name) }
    : { kind: 'categorical', values: strings(rows, feature.name).filter((v): v is string => v !== null) };
}

export function evaluateMonitor(
  definition: MonitorDefinition,
  inputs: MonitorInputs,
  run: { readonly id: string; readonly at: Date },
): MonitorEvaluation {
  const { rules } = definition;
  const base = { monitor: definition.name, model: definition.model, run_id: run.id, run_at: run.at.toISOString() };
  const results: MonitorResult[] = [];
  const features: MonitorFeature[] = [...definition.features];
  if (definition.current.prediction !== undefined)
    features.push({ name: definition.current.prediction, kind: 'numeric' });

  for (const feature of features) {
    const ref = values(inputs.reference, feature);
    const cur = values(inputs.current, feature);
    if (ref.values.length >= 2 && cur.values.length >= 2) {
      const d = featureDrift(ref, cur, rules.drift ?? DEFAULT_DRIFT_MODE);
      results.push({
        ...base,
        kind: 'drift',
        feature: feature.name,
        statistic: d.test,
        value: d.value,
        threshold: d.threshold,
        direction: d.direction,
        reference_size: d.referenceSize,
        current_size: d.currentSize,
        breach: d.drifted,
      });
    }
    const q = dataQuality(
      feature.kind === 'numeric'
        ? { kind: 'numeric', values: inputs.reference.map((r) => nullableNumber(r[feature.name])) }
        : { kind: 'categorical', values: strings(inputs.reference, feature.name) },
      feature.kind === 'numeric'
        ? { kind: 'numeric', values: inputs.current.map((r) => nullableNumber(r[feature.name])) }
        : { kind: 'categorical', values: strings(inputs.current, feature.name) },
    );
    const quality = (statistic: string, value: number, threshold: number): MonitorResult => ({
      ...base,
      kind: 'quality',
      feature: feature.name,
      statistic,
      value,
      threshold,
      direction: 'at-or-above',
      reference_size: inputs.reference.length,
      current_size: inputs.current.length,
      breach: value >= threshold,
    });
    results.push(quality('null_share_increase', q.nullShare - q.referenceNullShare, rules.maxNullIncrease ?? 0.05));
    results.push(
      feature.kind === 'numeric'
        ? quality('out_of_range_share', q.outOfRangeShare, 0.05)
        : quality('unseen_category_share', q.unseenShare, 0.05),
    );
  }

  const numeric = definition.features.filter((f) => f.kind === 'numeric').map((f) => f.name);
  if ((rules.multivariate ?? true) && numeric.length >= 2) {
    const matrix = (rows: readonly Row[]) =>
      rows
        .map((r) => numeric.map((c) => nullableNumber(r[c])))
        .filter((xs) => xs.every((x) => Number.isFinite(x)))
        .slice(0, 2000);
    const ref = matrix(inputs.reference);
    const cur = matrix(inputs.current);
    if (ref.length >= 10 && cur.length >= 10) {
      const m = domainClassifierDrift(ref, cur, { random: seededRandom(definition.seed ?? 1), permutations: 20 });
      results.push({
        ...base,
        kind: 'multivariate',
        feature: numeric.join(','),
        statistic: 'domain_classifier_auc',
        value: m.auc,
        threshold: m.threshold,
        direction: 'at-or-above',
        reference_size: ref.length,
        current_size: cur.length,
        breach: m.drifted,
      });
    }
  }

  const perf = rules.performance;
  if (perf !== undefined) results.push(...performance(definition, inputs, base));

  const drift = results.filter((r) => r.kind === 'drift');
  const drifted = drift.filter((r) => r.breach);
  const share = drift.length === 0 ? 0 : drifted.length / drift.length;
  const driftBreach = rules.driftedShare === undefined ? drifted.length > 0 : share >= rules.driftedShare;
  const others = results.filter((r) => r.kind !== 'drift' && r.breach);
  const breached = driftBreach || others.length > 0;
  const summary = breached
    ? [
        drifted.length > 0
          ? `${drifted.length} of ${drift.length} drifted (${drifted.map((r) => r.feature).join(', ')})`
          : '',
        ...others.map((r) => `${r.feature} ${r.statistic} ${r.value.toPrecision(3)} vs ${r.threshold.toPrecision(3)}`),
      ]
        .filter((s) => s !== '')
        .join('; ')
    : `no breach (${drifted.length} of ${drift.length} features drifted)`;
  return { results, breached, summary };
}

function nullableNumber(v: unknown): number {
  if (v === null || v === undefined) return Number.NaN;
  return Number(v);
}

function performance(
  definition: MonitorDefinition,
  inputs: MonitorInputs,
  base: Pick<MonitorResult, 'monitor' | 'model' | 'run_id' | 'run_at'>,
): MonitorResult[] {
  const perf = definition.rules.performance!;
  const labelled = inputs.reference.filter((r) => r[perf.label] != null && r[perf.score] != null);
  if (labelled.length < 10) return [];
  const refLabels = labelled.map((r) => Number(r[perf.label]));
  const refScores = labelled.map((r) => Number(r[perf.score]));
  const referenceAccuracy = classificationMetrics(refLabels, refScores).accuracy;
  const scores = numbers(inputs.current, perf.score);
  const out: MonitorResult[] = [];
  const row = (statistic: string, value: number, n: number): MonitorResult => ({
    ...base,
    kind: 'performance',
    feature: perf.score,
    statistic,
    value,
    threshold: referenceAccuracy - perf.maxAccuracyDrop,
    direction: 'below',
    reference_size: labelled.length,
    current_size: n,
    breach: value < referenceAccuracy - perf.maxAccuracyDrop,
  });
  if (scores.length > 0)
    out.push(
      row('estimated_accuracy', estimatePerformance(fitIsotonic(refLabels, refScores), scores).accuracy, scores.length),
    );
  const join = definition.current.labels;
  if (join !== undefined && inputs.labels !== undefined && inputs.labels.length > 0) {
    const byKey = new Map(inputs.labels.map((r) => [String(r[join.joinOn]), Number(r[join.label])]));
    const pairs = inputs.current
      .filter((r) => byKey.has(String(r[join.joinOn])) && r[perf.score] != null)
      .map((r) => [byKey.get(String(r[join.joinOn]))!, Number(r[perf.score])] as const);
    if (pairs.length > 0)
      out.push(
        row(
          'realized_accuracy',
          classificationMetrics(
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
          ).accuracy,
          pairs.length,
        ),
      );
  }
  return out;
}
