/**
 * The models suite: tracking at scale (run search and batch logging on PostgreSQL) and the
 * model formats (Strata's GBT training time, its accuracy against python3-xgboost on the
 * same data, scoring throughput) and serving (predict over HTTP beside in-process scoring).
 */
import type { Suite } from '../harness.js';
import { gbtTrain } from './gbt-train.js';
import { gbtVsXgboost } from './gbt-vs-xgboost.js';
import { logBatch } from './log-batch.js';
import { predictHttp } from './predict-http.js';
import { scoreRows } from './score-rows.js';
import { searchRuns } from './search-runs.js';

export const modelsSuite: Suite = {
  name: 'models',
  scenarios: [searchRuns, logBatch, gbtTrain, gbtVsXgboost, scoreRows, predictHttp],
};
