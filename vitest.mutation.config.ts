import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests `npm run mutation` runs against each mutant: the unit tests beside the
 * mutated modules (fast, no table fixtures to build), not the whole suite. (`include`
 * replaces the base list: mergeConfig would concatenate the two.)
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'src/engine/skipping/file-pruner.test.ts',
      'src/engine/skipping/stats-evaluator.test.ts',
      'src/engine/skipping/skip-values.test.ts',
      'src/engine/skipping/file-bounds.test.ts',
      'src/lake/transaction/conflict-checker.test.ts',
      'src/flows/queue/trigger-rules.test.ts',
    ],
  },
});
