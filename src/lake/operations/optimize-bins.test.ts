import { describe, expect, it } from 'vitest';
import type { AddFile } from '../log/actions.js';
import { inlineDeletionVector } from '../deletion-vectors/deletion-vector.js';
import { planBins } from './optimize-bins.js';

const MB = 1024 * 1024;
const file = (path: string, size: number, partition: string | null = null, extra: Partial<AddFile> = {}): AddFile => ({
  path,
  size,
  partitionValues: partition === null ? {} : { p: partition },
  modificationTime: 0,
  dataChange: true,
  stats: JSON.stringify({ numRecords: 100 }),
  ...extra,
});
const options = { maxFileSize: 10 * MB, minFileSize: 10 * MB, maxDeletedRowsRatio: 0.05, zorder: false };
const paths = (bins: ReturnType<typeof planBins>['bins']) => bins.map((b) => b.files.map((f) => f.path));

describe('planBins', () => {
  it('packs small files smallest first into bins up to the max size', () => {
    const plan = planBins(
      [file('a', 4 * MB), file('b', 1 * MB), file('c', 3 * MB), file('d', 5 * MB), file('e', 2 * MB)],
      options,
    );
    // sorted: b1 e2 c3 a4 d5 → [b e c a]=10, [d]=5 alone → dropped
    expect(paths(plan.bins)).toEqual([['b', 'e', 'c', 'a']]);
    expect(plan.bins[0]!.bytes).toBe(10 * MB);
    expect(plan.consideredFiles).toBe(5);
  });

  it('leaves large files and single-file bins alone', () => {
    const plan = planBins([file('big', 20 * MB), file('small', 1 * MB)], options);
    expect(plan.bins).toEqual([]);
    expect(plan.consideredFiles).toBe(1);
  });

  it('never mixes partitions', () => {
    const plan = planBins(
      [file('a1', MB, 'a'), file('b1', MB, 'b'), file('a2', MB, 'a'), file('n1', MB, null), file('b2', MB, 'b')],
      options,
    );
    expect(paths(plan.bins).map((p) => p.sort())).toEqual(
      expect.arrayContaining([
        ['a1', 'a2'],
        ['b1', 'b2'],
      ]),
    );
    expect(plan.bins).toHaveLength(2);
  });

  it('rewrites a lone file with a deletion vector, and large files with many deleted rows', () => {
    const lone = file('lone', MB, null, { deletionVector: inlineDeletionVector([1]) });
    const bigFew = file('bigFew', 20 * MB, 'x', { deletionVector: inlineDeletionVector([1, 2]) });
    const bigMany = file('bigMany', 20 * MB, 'y', {
      deletionVector: inlineDeletionVector(Array.from({ length: 10 }, (_, i) => i)),
    });
    expect(paths(planBins([lone, bigFew, bigMany], options).bins).sort()).toEqual([['bigMany'], ['lone']]);
  });

  it('Z-order takes every file of a partition as one bin, whatever the sizes', () => {
    const plan = planBins([file('a', 20 * MB, 'x'), file('b', 30 * MB, 'x'), file('c', 1 * MB, 'y')], {
      ...options,
      zorder: true,
    });
    expect(paths(plan.bins)).toEqual([['a', 'b'], ['c']]);
    expect(plan.bins[0]!.bytes).toBe(50 * MB);
  });
});
