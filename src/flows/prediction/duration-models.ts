/**
 * The learned duration predictor per flow, held by the process that answers ETAs (a
 * FlowSystem). Retrained periodically, not incrementally: a flow's model is trained on
 * its most recent successful attempts the first time it is asked for, and again once
 * `retrainAfter` more attempts have finished or `maxAgeMs` has passed (a GBT fit on a
 * few thousand rows takes well under a second; an incremental tree update would not be
 * cheaper to get right). Between retrains the median rule (scheduling/duration-
 * expectations.ts, read fresh from task_attempts on every call) is what moves with each
 * finished attempt, and it answers wherever the model has thin history.
 */
import type { Db } from '../queue/queue-context.js';
import type { DurationPredictor } from './duration-predictor.js';
import { trainLearnedPredictor } from './learned-predictor.js';
import { liveDurationRecords, successCount } from './live-duration-records.js';

export interface DurationModelsOptions {
  /** Attempts a model trains on (the most recent). */
  readonly historyLimit?: number;
  /** New successful attempts after which a model is retrained. */
  readonly retrainAfter?: number;
  readonly maxAgeMs?: number;
}

export interface TrainedModel {
  readonly predictor: DurationPredictor;
  readonly trainedAtMs: number;
  /** Successful attempts of the flow when it was trained. */
  readonly attempts: number;
  /** Records it was trained on. */
  readonly records: number;
}

export class DurationModels {
  readonly #models = new Map<string, TrainedModel>();
  readonly #options: Required<DurationModelsOptions>;

  constructor(options: DurationModelsOptions = {}) {
    this.#options = { historyLimit: 3000, retrainAfter: 50, maxAgeMs: 15 * 60_000, ...options };
  }

  /** The flow's current model, trained or retrained first when missing or stale. */
  async model(db: Db, flowId: string, nowMs = Date.now()): Promise<TrainedModel> {
    const attempts = await successCount(db, flowId);
    const held = this.#models.get(flowId);
    const fresh =
      held !== undefined &&
      attempts - held.attempts < this.#options.retrainAfter &&
      nowMs - held.trainedAtMs < this.#options.maxAgeMs;
    if (fresh) return held;
    const records = await liveDurationRecords(db, flowId, this.#options.historyLimit);
    const model = { predictor: trainLearnedPredictor(records), trainedAtMs: nowMs, attempts, records: records.length };
    this.#models.set(flowId, model);
    return model;
  }
}
