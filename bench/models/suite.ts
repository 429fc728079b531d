/** The models suite: tracking at scale (run search, batch logging) on PostgreSQL. */
import type { Suite } from '../harness.js';
import { logBatch } from './log-batch.js';
import { searchRuns } from './search-runs.js';

export const modelsSuite: Suite = {
  name: 'models',
  scenarios: [searchRuns, logBatch],
};
