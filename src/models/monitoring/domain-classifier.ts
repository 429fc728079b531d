/**
 * Multivariate drift by a domain classifier: logistic regression trained to tell
 * reference rows from current rows. If it cannot (cross-validated AUC near 0.5) the
 * joint distributions agree; drift no single feature shows (a changed correlation)
 * still lets it separate them. The threshold is the AUC's own no-drift spread: the
 * (1 − α) quantile of the AUC over permutations of the reference/current labels, so it
 * holds at every sample size. Features are standardized; with pairwise products added
 * (`interactions`) a linear model sees changed correlations too.
 */
import { MonitoringInputError } from './monitoring-errors.js';
import { rocAuc } from './realized-metrics.js';
import type { SeededRandom } from './seeded-random.js';

export interface DomainClassifierOptions {
  readonly random: SeededRandom;
  readonly permutations?: number;
  readonly alpha?: number;
  readonly folds?: number;
  readonly interactions?: boolean;
}

export interface DomainClassifierResult {
  readonly kind: 'domain-classifier';
  readonly auc: number;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly permutations: number;
}

/** Rows as arrays of numeric features (same width on both sides). */
export function domainClassifierDrift(
  reference: readonly (readonly number[])[],
  current: readonly (readonly number[])[],
  options: DomainClassifierOptions,
): DomainClassifierResult {
  if (reference.length < 10 || current.length < 10)
    throw new MonitoringInputError('reference/current', 'need at least 10 rows each for a cross-validated classifier');
  const rows = standardize(expand([...reference, ...current], options.interactions ?? true));
  const labels = new Float64Array(rows.length).fill(0).fill(1, reference.length);
  const folds = options.folds ?? 2;
  const order = Array.from({ length: rows.length }, (_, i) => i);
  shuffle(order, options.random);
  const auc = crossValidatedAuc(rows, labels, order, folds);
  const permutations = options.permutations ?? 50;
  const nullAucs: number[] = [];
  for (let p = 0; p < permutations; p++) {
    const permuted = Float64Array.from(labels);
    shuffle(permuted, options.random);
    nullAucs.push(crossValidatedAuc(rows, permuted, order, folds));
  }
  nullAucs.sort((a, b) => a - b);
  const threshold = nullAucs[Math.min(permutations - 1, Math.ceil((1 - (options.alpha ?? 0.05)) * permutations) - 1)]!;
  return { kind: 'domain-classifier', auc, threshold, drifted: auc > threshold, permutations };
}

function shuffle<T extends { length: number; [i: number]: unknown }>(values: T, random: SeededRandom): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
}

function expand(rows: readonly (readonly number[])[], interactions: boolean): number[][] {
  return rows.map((row) => {
    if (!interactions) return [...row];
    const out = [...row];
    for (let i = 0; i < row.length; i++) for (let j = i; j < row.length; j++) out.push(row[i]! * row[j]!);
    return out;
  });
}

function standardize(rows: number[][]): number[][] {
  const width = rows[0]!.length;
  for (let c = 0; c < width; c++) {
    let mean = 0;
    for (const r of rows) mean += r[c]!;
    mean /= rows.length;
    let ss = 0;
    for (const r of rows) ss += (r[c]! - mean) ** 2;
    const sd = Math.sqrt(ss / rows.length) || 1;
    for (const r of rows) r[c] = (r[c]! - mean) / sd;
  }
  return rows;
}

/** Out-of-fold scores from L2-regularized logistic regression (gradient descent), then their AUC. */
function crossValidatedAuc(rows: number[][], labels: Float64Array, order: number[], folds: number): number {
  const scores = new Float64Array(rows.length);
  for (let f = 0; f < folds; f++) {
    const test = order.filter((_, i) => i % folds === f);
    const train = order.filter((_, i) => i % folds !== f);
    const w = fitLogistic(rows, labels, train);
    for (const i of test) scores[i] = dot(w, rows[i]!);
  }
  return rocAuc(labels, scores);
}

const dot = (w: Float64Array, row: number[]) => row.reduce((s, x, i) => s + x * w[i]!, w[row.length]!);

function fitLogistic(rows: number[][], labels: Float64Array, train: number[]): Float64Array {
  const width = rows[0]!.length;
  const w = new Float64Array(width + 1);
  const rate = 0.5;
  const lambda = 1e-3;
  for (let iter = 0; iter < 100; iter++) {
    const grad = new Float64Array(width + 1);
    for (const i of train) {
      const r = 1 / (1 + Math.exp(-dot(w, rows[i]!))) - labels[i]!;
      const row = rows[i]!;
      for (let c = 0; c < width; c++) grad[c]! += r * row[c]!;
      grad[width]! += r;
    }
    for (let c = 0; c <= width; c++) w[c]! -= rate * (grad[c]! / train.length + (c < width ? lambda * w[c]! : 0));
  }
  return w;
}
