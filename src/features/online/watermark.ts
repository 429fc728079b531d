import { OnlineStoreInvalidError } from './online-errors.js';
import type { WatermarkStep } from './online-store.js';

/** A watermark is a source Delta version: a non-negative safe integer. */
export function checkWatermark(step: WatermarkStep): WatermarkStep {
  const bad = [step.next, step.expected].find(
    (version) => version !== undefined && version !== null && !(Number.isSafeInteger(version) && version >= 0),
  );
  if (bad !== undefined)
    throw new OnlineStoreInvalidError(`Watermark ${String(bad)} is not a Delta version (a whole number ≥ 0).`, {
      watermark: bad,
    });
  return step;
}
