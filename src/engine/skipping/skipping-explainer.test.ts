/**
 * Skipping explained on hand-made files: the verdicts are the pruner's, and each skipped
 * file names the comparisons (and what its stats or partition value say) that rule it out.
 */
import { describe, expect, it } from 'vitest';
import type { AddFile, Snapshot } from '../../lake/index.js';
import { pruneFiles } from './file-pruner.js';
import { explainSkipping } from './skipping-explainer.js';

function file(name: string, stats: Record<string, unknown> | null, partition: Record<string, string> = {}): AddFile {
  return {
    path: `${name}.parquet`,
    partitionValues: partition,
    size: 100,
    modificationTime: 0,
    dataChange: true,
    ...(stats === null ? {} : { stats: JSON.stringify(stats) }),
  };
}

const stats = (x: [number, number], y: [string, string], numRecords = 10) => ({
  numRecords,
  minValues: { x: x[0], y: y[0] },
  maxValues: { x: x[1], y: y[1] },
  nullCount: { x: 0, y: 0 },
});

const snapshot = {
  schema: {
    type: 'struct',
    fields: [
      { name: 'x', type: 'long', nullable: true, metadata: {} },
      { name: 'y', type: 'string', nullable: true, metadata: {} },
      { name: 'p', type: 'string', nullable: true, metadata: {} },
    ],
  },
  partitionColumns: ['p'],
  columnMapping: 'none',
  files: [
    file('low', stats([0, 9], ['a', 'c']), { p: 'one' }),
    file('high', stats([10, 19], ['d', 'f']), { p: 'one' }),
    file('other', stats([0, 19], ['a', 'f']), { p: 'two' }),
    file('bare', null, { p: 'one' }),
    file('empty', stats([0, 0], ['a', 'a'], 0), { p: 'one' }),
  ],
} as unknown as Snapshot;

async function reasons(predicate: string): Promise<Record<string, unknown>> {
  const explained = await explainSkipping(snapshot, predicate);
  const pruned = await pruneFiles(snapshot, predicate);
  // Never a verdict of its own: exactly the pruner's.
  expect(explained.files.filter((f) => f.kept).map((f) => f.file.path)).toEqual(pruned.kept.map((f) => f.path));
  return Object.fromEntries(explained.files.map((f) => [f.file.path.replace('.parquet', ''), f.reason]));
}

describe('explainSkipping', () => {
  it('names the stats that rule a file out, and keeps files without stats', async () => {
    const why = await reasons('x >= 10');
    expect(why.low).toEqual({
      kind: 'ruled-out',
      by: 'stats',
      evidence: [{ kind: 'stats', column: 'x', min: 0, max: 9, nullCount: 0 }],
    });
    expect(why.high).toEqual({ kind: 'may-match' });
    expect(why.bare).toEqual({ kind: 'no-stats' });
    expect(why.empty).toEqual({ kind: 'empty' });
  });

  it('tells a partition value from stats, and names only the impossible conjuncts', async () => {
    const why = await reasons(`p = 'two' AND x < 100`);
    expect(why.low).toEqual({
      kind: 'ruled-out',
      by: 'partition',
      evidence: [{ kind: 'partition', column: 'p', value: 'one' }],
    });
    expect(why.other).toEqual({ kind: 'may-match' });
  });

  it('names every branch of an OR that no row can satisfy', async () => {
    const why = await reasons(`x > 50 OR y = 'z'`);
    expect(why.low).toMatchObject({ kind: 'ruled-out', by: 'stats' });
    expect((why.low as { evidence: Array<{ column: string }> }).evidence.map((e) => e.column)).toEqual(['x', 'y']);
  });

  it('keeps everything for a filter skipping does not understand', async () => {
    const explained = await explainSkipping(snapshot, 'abs(x) = 3');
    expect(explained.understood).toBe(false);
    expect(explained.files.every((f) => f.kept)).toBe(true);
  });
});
