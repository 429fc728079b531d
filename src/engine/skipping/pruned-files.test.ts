/**
 * The remembered prune: the same split as `prune` for the same list and predicate, and
 * never one predicate's answer for another (keys that JSON alone would make equal).
 */
import { describe, expect, it } from 'vitest';
import type { AddFile } from '../../lake/index.js';
import { predicateKey, prune, prunedFiles } from './file-pruner.js';
import type { ColumnRef } from './file-bounds.js';
import type { Predicate } from './stats-evaluator.js';

const d: ColumnRef = { name: 'd', names: ['d'], type: 'double', path: ['d'] };
const file = (name: string, min: number, max: number): AddFile => ({
  path: `${name}.parquet`,
  partitionValues: {},
  size: 1,
  modificationTime: 0,
  dataChange: true,
  stats: JSON.stringify({ numRecords: 10, minValues: { d: min }, maxValues: { d: max }, nullCount: { d: 0 } }),
});
const equals = (value: number): Predicate => ({
  kind: 'range',
  column: d,
  lower: { value: { kind: 'num', value }, inclusive: true },
  upper: { value: { kind: 'num', value }, inclusive: true },
});

describe('prunedFiles', () => {
  const files = Object.freeze([file('low', 0, 9), file('mid', 10, 19), file('high', 20, 29)]);

  it('gives what prune gives, and the same result object for the same list and predicate', () => {
    for (const value of [5, 15, 25, 40]) {
      const remembered = prunedFiles(files, equals(value));
      expect(remembered.kept.map((f) => f.path)).toEqual(prune(files, equals(value)).kept.map((f) => f.path));
      expect(prunedFiles(files, equals(value))).toBe(remembered);
    }
  });

  it('does not share results across lists, time zones or partition-only evaluation', () => {
    const other = Object.freeze([file('x', 100, 200)]);
    expect(prunedFiles(files, equals(150)).kept).toHaveLength(0);
    expect(prunedFiles(other, equals(150)).kept).toHaveLength(1);
    expect(prunedFiles(files, equals(5), { partitionTimeZone: 'UTC' })).not.toBe(
      prunedFiles(files, equals(5), { partitionTimeZone: 'Europe/Paris' }),
    );
    expect(prunedFiles(files, equals(5), { partitionsOnly: true }).kept).toHaveLength(3);
    expect(prunedFiles(files, equals(5)).kept).toHaveLength(1);
  });
});

describe('predicateKey', () => {
  it('tells apart values JSON would print alike', () => {
    const keys = [0, -0, NaN, Infinity, -Infinity].map((v) => predicateKey(equals(v)));
    expect(new Set(keys).size).toBe(keys.length);
    const time = (value: bigint, zone: 'tz' | 'ntz' = 'tz'): Predicate => ({
      kind: 'range',
      column: { name: 't', type: 'timestamp', path: ['t'] },
      lower: { value: { kind: 'time', value, zone }, inclusive: true },
    });
    expect(predicateKey(time(2n ** 60n))).not.toBe(predicateKey(time(2n ** 60n + 1n)));
    expect(predicateKey(time(1n))).not.toBe(predicateKey(time(1n, 'ntz')));
  });
});
