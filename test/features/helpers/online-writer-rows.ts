/** The rows the writer processes write, computable by the test that checks them. */
import { seededRandom } from '../../support/random.js';
import type { OnlineRow } from '../../../src/features/online/index.js';

export const T0 = Date.UTC(2026, 0, 1) * 1000;

/** Batch `batch` of the SIGKILL case: every key, tagged with the batch number, padded to make writes take a while. */
export function killBatch(keys: number, batch: number): OnlineRow[] {
  return Array.from({ length: keys }, (_, id) => ({
    key: { id },
    eventTime: T0 + batch,
    values: { batch, pad: 'x'.repeat(200) },
  }));
}

/**
 * Round `round` of racing writer `writer`: every key with event and created times drawn
 * from few values, so the two writers often tie on event time and sometimes on both.
 */
export function raceRound(seed: number, writer: number, round: number, keys: number): OnlineRow[] {
  const random = seededRandom(seed * 7919 + writer * 104_729 + round);
  return Array.from({ length: keys }, (_, id) => ({
    key: { id },
    eventTime: T0 + Math.floor(random() * 8),
    createdTime: Math.floor(random() * 4),
    values: { writer, round },
  }));
}
