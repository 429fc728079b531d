/**
 * The newest-row query and the chunk conversion on real DuckDB, over every feature type
 * and composite keys: one row per key, ranked as the offline side ranks, times in µs,
 * values as the online store keeps them; null keys and null event times left out.
 */
import { describe, expect, it } from 'vitest';
import { withConnection } from '../../lake/index.js';
import { defineEntity, defineFeatureView, tableSource } from '../definition/feature-definition.js';
import { chunkRows, latestRowsSql, rowShape } from './online-rows.js';

const entity = defineEntity({ name: 'pair', joinKeys: { region: 'string', shop: 'int32' } });
const view = defineFeatureView({
  name: 'typed',
  entities: [entity],
  source: tableSource('unused'),
  eventTime: 'event_ts',
  createdTime: 'created_ts',
  features: {
    n32: 'int32',
    n64: 'int64',
    f32: 'float32',
    f64: 'float64',
    label: 'string',
    flag: 'bool',
    seen: 'timestamp',
    day: 'date',
  },
});
const shape = rowShape(view, [
  ['region', 'string'],
  ['shop', 'int32'],
]);

const source = `SELECT * FROM (VALUES
  ('EU', 1, TIMESTAMPTZ '2026-01-01 10:00:00+00', TIMESTAMPTZ '2026-01-01 10:00:00+00', 1, 9007199254740993::BIGINT, 1.5::FLOAT, 2.25, 'a&b=c', true, TIMESTAMP '2026-01-01 09:30:00.123', DATE '2026-01-01'),
  ('EU', 1, TIMESTAMPTZ '2026-01-01 10:00:00+00', TIMESTAMPTZ '2026-01-01 12:00:00+00', 2, 20::BIGINT, NULL, NULL, NULL, false, NULL, NULL),
  ('EU', 1, TIMESTAMPTZ '2026-01-01 09:00:00+00', TIMESTAMPTZ '2026-01-02 00:00:00+00', 3, 30::BIGINT, 3.0::FLOAT, 3.0, 'old', true, NULL, NULL),
  ('EU', 2, TIMESTAMPTZ '2026-01-01 08:00:00+00', NULL, 4, 40::BIGINT, 4.0::FLOAT, 4.0, 'x', NULL, NULL, NULL),
  ('EU', 2, TIMESTAMPTZ '2026-01-01 08:00:00+00', NULL, 5, 50::BIGINT, 4.0::FLOAT, 4.0, 'y', NULL, NULL, NULL),
  (NULL, 3, TIMESTAMPTZ '2026-01-01 08:00:00+00', NULL, 6, 60::BIGINT, NULL, NULL, NULL, NULL, NULL, NULL),
  ('US', 3, NULL, NULL, 7, 70::BIGINT, NULL, NULL, NULL, NULL, NULL, NULL)
) t(region, shop, event_ts, created_ts, n32, n64, f32, f64, label, flag, seen, day)`;

const us = (iso: string) => Date.parse(iso) * 1000;

describe('latestRowsSql and chunkRows', () => {
  it('keep the newest row per key with every type converted, and leave out null keys and times', async () => {
    const rows = await withConnection(async (connection) => {
      const result = await connection.stream(`${latestRowsSql(source, view, shape)} ORDER BY shop`);
      const convert = chunkRows(shape);
      const out = [];
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk())
        out.push(...convert(chunk));
      return out;
    });
    expect(rows).toEqual([
      {
        // Same event time: the later created time wins, nulls and all.
        key: { region: 'EU', shop: 1 },
        eventTime: us('2026-01-01T10:00:00Z'),
        createdTime: us('2026-01-01T12:00:00Z'),
        values: { n32: 2, n64: 20, f32: null, f64: null, label: null, flag: false, seen: null, day: null },
      },
      {
        // A full tie of times (no created time: created at the event time): the greater values win.
        key: { region: 'EU', shop: 2 },
        eventTime: us('2026-01-01T08:00:00Z'),
        createdTime: us('2026-01-01T08:00:00Z'),
        values: { n32: 5, n64: 50, f32: 4, f64: 4, label: 'y', flag: null, seen: null, day: null },
      },
    ]);
  });

  it('keeps 64-bit integers beyond 2^53 exact, and timestamps and dates as Dates', async () => {
    const rows = await withConnection(async (connection) => {
      const only = `SELECT * FROM (${source}) WHERE n32 = 1`;
      const result = await connection.stream(latestRowsSql(only, view, shape));
      return chunkRows(shape)((await result.fetchChunk())!);
    });
    expect(rows[0]!.values).toEqual({
      n32: 1,
      n64: 9007199254740993n,
      f32: 1.5,
      f64: 2.25,
      label: 'a&b=c',
      flag: true,
      seen: new Date('2026-01-01T09:30:00.123Z'),
      day: new Date('2026-01-01T00:00:00Z'),
    });
  });
});
