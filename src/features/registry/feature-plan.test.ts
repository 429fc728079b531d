import { describe, expect, it } from 'vitest';
import { definitionSet } from '../definition/definition-set.js';
import { defineEntity, defineFeatureView } from '../definition/feature-definition.js';
import { definitionHash, storedDefinition } from '../definition/stored-definition.js';
import type { AppliedObject } from './applied-definitions.js';
import { planChanges } from './feature-plan.js';

const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
const rider = defineEntity({ name: 'rider', joinKeys: { rider_id: 'int64' } });
const view = (features: Record<string, 'int64' | 'float64' | 'string'>, entities = [driver]) =>
  defineFeatureView({ name: 'stats', entities, source: 't', eventTime: 'ts', features });
const applied = (...defs: Parameters<typeof storedDefinition>[0][]): AppliedObject[] =>
  defs.map((d) => {
    const stored = storedDefinition(d);
    // As PostgreSQL's jsonb may give it back: keys in another order.
    const reordered = Object.fromEntries(Object.entries(stored as object).reverse());
    return { kind: d.kind, name: d.name, version: 3, hash: definitionHash(stored), definition: reordered };
  });
const next = () => 4;

describe('planChanges', () => {
  it('sees nothing to change in what is applied, whatever order the database gives keys in', () => {
    const plan = planChanges(
      applied(driver, view({ trips: 'int64' })),
      definitionSet([driver, view({ trips: 'int64' })]),
      next,
    );
    expect(plan.changes.map((c) => c.kind)).toEqual(['unchanged', 'unchanged']);
    expect(plan.writes).toEqual([]);
  });

  it('classifies compatible and incompatible changes, additions and removals', () => {
    const before = applied(driver, view({ trips: 'int64', rating: 'float64' }));
    const added = planChanges(before, definitionSet([driver, rider, view({ trips: 'int64', speed: 'float64' })]), next);
    expect(added.changes).toEqual([
      { kind: 'unchanged', object: 'entity', name: 'driver', version: 3 },
      { kind: 'added', object: 'entity', name: 'rider', version: 4 },
      { kind: 'changed', object: 'featureView', name: 'stats', fromVersion: 3, version: 4, fields: ['features'] },
    ]);
    expect(added.incompatible).toEqual([]);
    const retyped = planChanges(before, definitionSet([driver, view({ trips: 'string' })]), next);
    expect(retyped.incompatible).toEqual([
      { object: 'featureView stats', reason: 'feature trips changes type from int64 to string' },
    ]);
    const rekeyed = planChanges(before, definitionSet([driver, rider, view({ trips: 'int64' }, [rider])]), next);
    expect(rekeyed.incompatible[0]?.reason).toBe('entities change from ["driver"] to ["rider"]');
    const removed = planChanges(before, definitionSet([driver]), next);
    expect(removed.changes[1]).toEqual({ kind: 'removed', object: 'featureView', name: 'stats', fromVersion: 3 });
  });
});
