/**
 * Materialization's errors. Kept beside the materializer (as the online store keeps its
 * own) so the module's errors.ts stays about definitions and training sets.
 */
import { moduleErrorBase, type ErrorCodeSet } from '../../core/index.js';

export const MaterializeErrorCode = {
  FEATURE_MATERIALIZE_CONFLICT: 'conflict',
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
