/**
 * Accuracy as the traces README reports it: wMAPE (Σ|predicted − actual| ÷ Σ actual) and
 * MdAPE (median absolute percentage error), on tasks of at least one second.
 */
import { medianOf } from './duration-predictor.js';

export interface PredictedActual {
  readonly predictedMs: number;
  readonly actualMs: number;
}

export interface Accuracy {
  readonly tasks: number;
  readonly wmape: number;
  readonly mdape: number;
}

export const MIN_REPORTED_MS = 1000;

export function accuracyOf(pairs: readonly PredictedActual[]): Accuracy {
  const kept = pairs.filter((p) => p.actualMs >= MIN_REPORTED_MS);
  let error = 0;
  let total = 0;
  for (const p of kept) {
    error += Math.abs(p.predictedMs - p.actualMs);
    total += p.actualMs;
  }
  return {
    tasks: kept.length,
    wmape: total > 0 ? error / total : NaN,
    mdape: medianOf(kept.map((p) => Math.abs(p.predictedMs - p.actualMs) / p.actualMs)),
  };
}
