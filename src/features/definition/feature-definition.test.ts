import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../core/index.js';
import { definitionSet, resolveRefs } from './definition-set.js';
import { durationMs } from './durations.js';
import {
  defineEntity,
  defineFeatureService,
  defineFeatureView,
  defineOnDemandFeature,
  isFeatureDefinition,
  sqlSource,
} from './feature-definition.js';
import { acceptsColumn } from './feature-types.js';

const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
const view = (extra: Partial<Parameters<typeof defineFeatureView>[0]> = {}) =>
  defineFeatureView({
    name: 'stats',
    entities: [driver],
    source: 'driver_stats',
    eventTime: 'event_ts',
    features: { trips: 'int64', rating: 'float64' },
    ...extra,
  });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(isStrataError(error, 'FEATURE_DEFINITION')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('not refused');
};

describe('feature definitions', () => {
  it('are frozen, branded, with TTLs in milliseconds and entities by name', () => {
    const v = view({ ttl: '2h' });
    expect(isFeatureDefinition(v)).toBe(true);
    expect(Object.isFrozen(v)).toBe(true);
    expect(v).toMatchObject({ kind: 'featureView', entities: ['driver'], ttlMs: 7_200_000, source: { kind: 'table' } });
    expect(view().ttlMs).toBe(0);
    expect(view({ source: sqlSource('SELECT 1') }).source).toEqual({ kind: 'sql', sql: 'SELECT 1' });
  });

  it('refuse bad names, types, TTLs and time columns, naming the object and field', () => {
    expect(refusal(() => defineEntity({ name: 'a-b', joinKeys: { id: 'int64' } }))).toMatch(/entity "a-b"/);
    expect(refusal(() => view({ features: { trips: 'integer' as never } }))).toMatch(
      /feature view stats: features.trips has type "integer"/,
    );
    expect(refusal(() => view({ ttl: 'soon' as never }))).toMatch(/feature view stats: ttl "soon" is not a duration/);
    expect(refusal(() => view({ eventTime: 'trips' }))).toMatch(/eventTime column trips is also declared as a feature/);
    expect(refusal(() => view({ entities: [] }))).toMatch(/names no entity/);
  });

  it('parse durations', () => {
    expect([durationMs('90s'), durationMs('15m'), durationMs('7d'), durationMs(5), durationMs('1.5h')]).toEqual([
      90_000,
      900_000,
      604_800_000,
      5,
      undefined,
    ]);
  });

  it('accept narrower columns of a family, and integers as floats, never another family', () => {
    expect(acceptsColumn('int64', 'INTEGER')).toBe(true);
    expect(acceptsColumn('int32', 'BIGINT')).toBe(false);
    expect(acceptsColumn('float64', 'DECIMAL(18,3)')).toBe(true);
    expect(acceptsColumn('float64', 'VARCHAR')).toBe(false);
    expect(acceptsColumn('timestamp', 'TIMESTAMP WITH TIME ZONE')).toBe(true);
  });
});

describe('definition sets', () => {
  const odf = (name: string, inputs: string[]) =>
    defineOnDemandFeature({ name, inputs, features: { x: 'float64' }, compute: () => ({ x: 1 }) });

  it('resolve references, all of a view or one feature, without repeats', () => {
    const set = definitionSet([driver, view()]);
    expect(resolveRefs(set, ['stats', 'stats:trips'], 'request', 'features')).toEqual([
      { owner: 'stats', feature: 'trips' },
      { owner: 'stats', feature: 'rating' },
    ]);
  });

  it('refuse unknown entities, features and duplicate names', () => {
    expect(refusal(() => definitionSet([view()]))).toMatch(
      /feature view stats: names entity driver, which is not defined/,
    );
    expect(
      refusal(() => definitionSet([driver, view(), defineFeatureService({ name: 's', features: ['stats:speed'] })])),
    ).toMatch(/feature service s: features names stats:speed, but stats has no feature speed/);
    expect(refusal(() => definitionSet([driver, view(), odf('stats', [])]))).toMatch(/stats: is defined twice/);
  });

  it('refuse a cycle among on-demand features, naming it, and accept a chain', () => {
    expect(() => definitionSet([driver, view(), odf('a', ['stats:trips']), odf('b', ['a:x'])])).not.toThrow();
    expect(
      refusal(() => definitionSet([driver, view(), odf('a', ['c:x']), odf('b', ['a:x']), odf('c', ['b:x'])])),
    ).toMatch(/on-demand feature a: depends on itself: a -> c -> b -> a/);
    expect(refusal(() => definitionSet([odf('self', ['self:x'])]))).toMatch(/self -> self/);
  });
});
