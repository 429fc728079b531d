/**
 * Materialization's errors. Kept beside the materializer (as the online store keeps its
 * own) so the module's errors.ts stays about definitions and training sets.
 */
import { moduleErrorBase, type ErrorCodeSet } from '../../core/index.js';

export const MaterializeErrorCode = {
  FEATURE_MATERIALIZE_CONFLICT: 'conflict',
  FEATURE_MATERIALIZE_NO_WAREHOUSE: 'invalid',
} as const satisfies ErrorCodeSet;
export type MaterializeErrorCode = keyof typeof MaterializeErrorCode;

export abstract class MaterializeError extends moduleErrorBase(MaterializeErrorCode) {}

/**
 * Other materializers kept moving the view's watermark under this one, attempt after
 * attempt. Nothing is lost (their writes and this one's are newest-wins), but this run
 * gave up; run it again.
 */
export class MaterializeConflictError extends MaterializeError {
  constructor(
    readonly view: string,
    attempts: number,
  ) {
    super(
      'FEATURE_MATERIALIZE_CONFLICT',
      `Feature view ${view}: other materializers moved its watermark during each of ${attempts} attempts; nothing was lost, run the materialization again.`,
      { view, attempts },
    );
  }
}

/** A materialization task ran outside a warehouse (its flow was not started by a warehouse's scheduler). */
export class MaterializeTaskError extends MaterializeError {
  constructor(readonly view: string) {
    super(
      'FEATURE_MATERIALIZE_NO_WAREHOUSE',
      `Materializing feature view ${view} needs a warehouse, and the task runs without one; run the flow from a warehouse (strata scheduler / strata flow run).`,
      { view },
    );
  }
}
