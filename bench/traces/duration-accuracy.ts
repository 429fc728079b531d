/** duration_wmape / duration_mdape, overall and per family, learned beside the README's baseline. */
import type { BenchResult, Scenario } from '../harness.js';
import { accuracyOf } from '../../src/flows/index.js';
import { traceData, type PredictorName } from './trace-data.js';

const SHOWN: readonly PredictorName[] = ['learned', 'category-median', 'median-rule'];

export const durationAccuracy: Scenario = {
  name: 'duration',
  description: 'duration prediction on held-out executions: wMAPE and MdAPE (tasks ≥ 1 s)',
  async run({ log, args }) {
    const data = await traceData(args, log);
    const results: BenchResult[] = [];
    for (const name of SHOWN) {
      const held = [...data.predictions.get(name)!.values()];
      const pairs = (keep: (flow: string) => boolean) =>
        held
          .filter((h) => keep(h.record.flowId))
          .map((h) => ({ predictedMs: h.predictedMs, actualMs: h.record.durationMs }));
      const all = accuracyOf(pairs(() => true));
      const suffix = name === 'learned' ? '' : `_${name.replace('-', '_')}`;
      const p90 = held.filter((h) => h.record.durationMs >= 1000);
      const covered = p90.filter((h) => h.record.durationMs <= h.p90Ms).length / Math.max(1, p90.length);
      results.push(
        {
          name: `duration_wmape${suffix}`,
          value: all.wmape,
          unit: 'ratio',
          ...(name === 'learned' ? { bound: { max: 0.3 } } : {}),
          note: `${all.tasks} tasks; ${data.method}; p90 covers ${(covered * 100).toFixed(0)}% of actuals`,
        },
        {
          name: `duration_mdape${suffix}`,
          value: all.mdape,
          unit: 'ratio',
        },
      );
      const families = [...new Set(held.map((h) => h.record.flowId))].filter((f) => !f.startsWith('nextflow_')).sort();
      for (const family of families) {
        const acc = accuracyOf(pairs((f) => f === family));
        if (acc.tasks === 0) continue;
        results.push(
          { name: `duration_wmape${suffix}.${family}`, value: acc.wmape, unit: 'ratio' },
          { name: `duration_mdape${suffix}.${family}`, value: acc.mdape, unit: 'ratio' },
        );
      }
      const nextflow = accuracyOf(pairs((f) => f.startsWith('nextflow_')));
      if (nextflow.tasks > 0)
        results.push({ name: `duration_wmape${suffix}.nextflow`, value: nextflow.wmape, unit: 'ratio' });
    }
    return results;
  },
};
