/**
 * Definitions and rows the serving suites share: Feast's documented driver example
 * (driver_hourly_stats with the documented values), a rider view with a one-hour TTL,
 * an on-demand feature over request data and a stored feature, and a feature service.
 */
import {
  defineEntity,
  defineFeatureService,
  defineFeatureView,
  defineOnDemandFeature,
  definitionSet,
  tableSource,
  type OnlineStore,
} from '../../../src/index.js';

export const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
export const rider = defineEntity({ name: 'rider', joinKeys: { rider_id: 'string' } });
export const driverStats = defineFeatureView({
  name: 'driver_hourly_stats',
  entities: [driver],
  source: tableSource('driver_stats'),
  eventTime: 'event_ts',
  createdTime: 'created_ts',
  features: { conv_rate: 'float64', acc_rate: 'float64', avg_daily_trips: 'int64' },
});
export const riderStats = defineFeatureView({
  name: 'rider_stats',
  entities: [rider],
  source: tableSource('rider_stats'),
  eventTime: 'event_ts',
  ttl: '1h',
  features: { rating: 'float64', tier: 'string' },
});
export const adjusted = defineOnDemandFeature({
  name: 'adjusted',
  requestData: { val_to_add: 'int64' },
  inputs: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips'],
  features: { conv_plus: 'float64', trips_bucket: 'string' },
  compute: (i) => {
    const rate = i['driver_hourly_stats:conv_rate'] as number | null;
    const trips = i['driver_hourly_stats:avg_daily_trips'] as number | null;
    return {
      conv_plus: rate === null ? null : rate + ((i.val_to_add as number | null) ?? 0),
      trips_bucket: trips === null ? null : trips >= 500 ? 'high' : 'low',
    };
  },
});
export const activity = defineFeatureService({
  name: 'driver_activity',
  features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips', 'adjusted'],
});
export const DEFINITIONS = definitionSet([driver, rider, driverStats, riderStats, adjusted, activity]);

export const EVENT = Date.parse('2021-12-31T23:00:00Z') * 1000;
export const DOCUMENTED = [
  { driver_id: 1001, conv_rate: 0.7037263512611389, acc_rate: 0.8724706768989563, avg_daily_trips: 308 },
  { driver_id: 1002, conv_rate: 0.038169607520103455, acc_rate: 0.48534533381462097, avg_daily_trips: 332 },
  { driver_id: 1003, conv_rate: 0.9665873050689697, acc_rate: 0.7793770432472229, avg_daily_trips: 779 },
];

/** The documented driver rows, one driver (1004) with a null rate, and riders fresh and stale at `nowMs`. */
export async function writeServingRows(store: OnlineStore, nowMs: number): Promise<void> {
  await store.write('driver_hourly_stats', [
    ...DOCUMENTED.map(({ driver_id, ...values }) => ({ key: { driver_id }, eventTime: EVENT, values })),
    { key: { driver_id: 1004 }, eventTime: EVENT, values: { conv_rate: null, acc_rate: 0.5, avg_daily_trips: 600 } },
  ]);
  await store.write('rider_stats', [
    { key: { rider_id: 'fresh' }, eventTime: (nowMs - 60_000) * 1000, values: { rating: 4.5, tier: 'gold' } },
    { key: { rider_id: 'stale' }, eventTime: (nowMs - 7_200_000) * 1000, values: { rating: 3.0, tier: 'iron' } },
  ]);
}
