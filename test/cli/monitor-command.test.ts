/**
 * `strata monitor` as real processes in a new warehouse: a definition in monitors/*.ts
 * importing `strata/models`, listed, run against lake tables (a shifted feature breaches,
 * an unshifted one does not; the breach queues the retraining flow), and its results and
 * alerts read back.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strata, tempDir } from './run-cli.js';

const DEFINITION = `import { defineMonitor } from 'strata/models';
export const churn = defineMonitor({
  name: 'churn_drift',
  model: 'churn@champion',
  reference: { kind: 'training_set', table: 'train' },
  current: { table: 'prod' },
  features: [{ name: 'a', kind: 'numeric' }, { name: 'b', kind: 'numeric' }],
  rules: { multivariate: false },
  alerts: { retrainFlow: 'retrain_churn' },
});
`;

const RETRAIN = `import { defineFlow } from 'strata/flows';
export default defineFlow({ id: 'retrain_churn' }, (f) => {
  f.task('train', async () => 'a new version, then the challenger alias');
});
`;

describe('strata monitor', { timeout: 180_000 }, () => {
  const warehouse = path.join(tempDir('strata-monitor-'), 'wh');
  const run = async (args: string[]) => {
    const result = await strata(args, { cwd: warehouse });
    if (result.code !== 0) throw new Error(`strata ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  };

  it('lists, runs and reads a monitor', async () => {
    expect((await strata(['init', warehouse])).code).toBe(0);
    // Each multiplier is coprime with 1000: a permutation of the same uniform grid, so b has no drift at all.
    await run([
      'sql',
      'CREATE TABLE train AS SELECT i AS id, ((i * 7919) % 1000) / 1000.0 AS a, ((i * 104729) % 1000) / 1000.0 AS b FROM range(3000) t(i)',
    ]);
    await run([
      'sql',
      'CREATE TABLE prod AS SELECT i AS id, ((i * 7919) % 1000) / 1000.0 + 0.5 AS a, ((i * 863) % 1000) / 1000.0 AS b FROM range(2000) t(i)',
    ]);
    mkdirSync(path.join(warehouse, 'monitors'));
    writeFileSync(path.join(warehouse, 'monitors', 'churn.ts'), DEFINITION);

    expect(await run(['monitor', 'list'])).toMatch(/churn_drift\s+churn@champion\s+train\s+prod\s+a,b\s+manual/);
    mkdirSync(path.join(warehouse, 'flows'));
    writeFileSync(path.join(warehouse, 'flows', 'retrain.ts'), RETRAIN);
    const ran = await strata(['monitor', 'run', 'churn_drift', '--retrain'], { cwd: warehouse });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/BREACH: 1 of 2 drifted \(a\)/);
    expect(ran.stderr).toMatch(/retrain: run \d+ of retrain_churn queued/);
    const results = JSON.parse(await run(['monitor', 'results', 'churn_drift', '--json'])) as {
      kind: string;
      feature: string;
      breach: boolean;
      reference_size: number;
    }[];
    expect(
      results.filter((r) => r.kind === 'drift').map((r) => [r.feature, r.breach, Number(r.reference_size)]),
    ).toEqual([
      ['a', true, 3000],
      ['b', false, 3000],
    ]);
    expect(await run(['monitor', 'alerts', 'churn_drift'])).toMatch(/1 of 2 drifted \(a\).*retrain_churn/);
    const missing = await strata(['monitor', 'run', 'nope'], { cwd: warehouse });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No monitor named nope.*found: churn_drift/);
  });
});
