import { describe, expect, it } from 'vitest';
import { serializePartitionValue } from '../log/partition-values.js';
import type { StructType } from '../log/schema.js';
import { buildFileStats, statsLeaves } from './stats.js';

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'ts', type: 'timestamp', nullable: true, metadata: {} },
    { name: 'ntz', type: 'timestamp_ntz', nullable: true, metadata: {} },
    {
      name: 's',
      type: { type: 'struct', fields: [{ name: 'x', type: 'integer', nullable: true, metadata: {} }] },
      nullable: true,
      metadata: {},
    },
    { name: 'flag', type: 'boolean', nullable: true, metadata: {} },
    { name: 'p', type: 'string', nullable: true, metadata: {} },
  ],
};

describe('file stats', () => {
  it('rounds timestamp bounds outward to milliseconds and nests struct fields', () => {
    const leaves = statsLeaves(schema, 'none', ['p'], {});
    expect(leaves.map((l) => l.path.join('.'))).toEqual(['ts', 'ntz', 's.x', 'flag']);
    const stats = buildFileStats(
      3,
      leaves,
      new Map([
        ['"ts"', { min: '2026-01-01 00:00:00.123456+00', max: '2026-01-01 00:00:01.000500+00', null_count: '0' }],
        ['"ntz"', { min: '2026-01-01 10:00:00', max: '2026-01-01 10:00:00.5', null_count: '1' }],
        ['"s"."x"', { min: '-4', max: '9', null_count: '2' }],
        ['"flag"', { min: 'false', max: 'true', null_count: '0' }],
      ]),
    );
    expect(stats).toEqual({
      numRecords: 3,
      minValues: { ts: '2026-01-01T00:00:00.123Z', ntz: '2026-01-01T10:00:00.000', s: { x: -4 } },
      maxValues: { ts: '2026-01-01T00:00:01.001Z', ntz: '2026-01-01T10:00:00.500', s: { x: 9 } },
      nullCount: { ts: 0, ntz: 1, s: { x: 2 }, flag: 0 },
    });
  });

  it('honours delta.dataSkippingNumIndexedCols and delta.dataSkippingStatsColumns', () => {
    expect(statsLeaves(schema, 'none', [], { 'delta.dataSkippingNumIndexedCols': '2' }).map((l) => l.path[0])).toEqual([
      'ts',
      'ntz',
    ]);
    expect(
      statsLeaves(schema, 'none', [], { 'delta.dataSkippingStatsColumns': 'flag, s' }).map((l) => l.path.join('.')),
    ).toEqual(['s.x', 'flag']);
  });

  it('uses physical names under column mapping', () => {
    const mapped: StructType = {
      type: 'struct',
      fields: [{ name: 'a', type: 'long', nullable: true, metadata: { 'delta.columnMapping.physicalName': 'col-1' } }],
    };
    expect(statsLeaves(mapped, 'name', [], {}).map((l) => l.path)).toEqual([['col-1']]);
  });
});

describe('partition value serialization', () => {
  it('writes timestamps as ISO 8601 UTC with microseconds and empty strings as null', () => {
    expect(serializePartitionValue('2021-09-08 11:11:11+00', 'timestamp')).toBe('2021-09-08T11:11:11.000000Z');
    expect(serializePartitionValue('2021-09-08 11:11:11.25-02', 'timestamp')).toBe('2021-09-08T13:11:11.250000Z');
    expect(serializePartitionValue('2021-09-08 11:11:11', 'timestamp_ntz')).toBe('2021-09-08 11:11:11');
    expect(serializePartitionValue('', 'string')).toBeNull();
    expect(serializePartitionValue(null, 'integer')).toBeNull();
    expect(serializePartitionValue('true', 'boolean')).toBe('true');
  });
});
