/**
 * score_rows_per_s: the flat-array scorer on a 100-tree depth-6 model (20 features), in
 * batches of 100k rows given as columns, and one row at a time (what a predict request
 * does), over the same rows.
 */
import { gbtEnsemble, predictBatch, predictRow, trainGbt } from '../../src/models/index.js';
import { syntheticSet } from '../../test/models/helpers/gbt-comparison.js';
import { measure, type BenchResult, type Scenario } from '../harness.js';

const ROWS = 100_000;

export const scoreRows: Scenario = {
  name: 'score_rows_per_s',
  description: `scoring ${ROWS} rows with a 100-tree depth-6 model: batch (columns) and row by row`,
  async run({ log }): Promise<BenchResult[]> {
    const data = syntheticSet('classification', ROWS, 20, 3);
    log('training the model to score');
    const { model } = trainGbt(data, { objective: 'binary:logistic', rounds: 100, maxDepth: 6 });
    const ensemble = gbtEnsemble(model);
    const batch = await measure(async () => predictBatch(ensemble, data.columns));
    const row = new Float64Array(20);
    const single = await measure(async () => {
      for (let r = 0; r < ROWS; r++) {
        for (let f = 0; f < 20; f++) row[f] = data.columns[f]![r]!;
        predictRow(ensemble, row);
      }
    });
    return [
      {
        name: 'score_rows_per_s',
        value: ROWS / (batch.wallMs / 1000),
        unit: 'rows/s',
        note: `batch of ${ROWS} rows as columns, ${model.trees.length} trees depth 6; CPU ${(batch.cpuMs / 1000).toFixed(2)} s`,
      },
      {
        name: 'score_rows_per_s_single',
        value: ROWS / (single.wallMs / 1000),
        unit: 'rows/s',
        note: `one row per call (${((single.wallMs * 1000) / ROWS).toFixed(1)} µs per row; CPU ${(single.cpuMs / 1000).toFixed(2)} s)`,
      },
    ];
  },
};
