/**
 * The models suite: the figures issue 14 asks of the model formats (Strata's GBT training
 * time, its accuracy against python3-xgboost on the same data, scoring throughput).
 */
import type { Suite } from '../harness.js';
import { gbtTrain } from './gbt-train.js';
import { gbtVsXgboost } from './gbt-vs-xgboost.js';
import { scoreRows } from './score-rows.js';

export const modelsSuite: Suite = {
  name: 'models',
  scenarios: [gbtTrain, gbtVsXgboost, scoreRows],
};
