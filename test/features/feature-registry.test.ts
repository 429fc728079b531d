/**
 * Plan and apply against real lake tables and every metadata backend (PGlite, and
 * PostgreSQL when STRATA_TEST_DATABASE_URL is set): definitions loaded from a
 * warehouse's features/ folder, changes classified, refusals naming view and field.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { fromRows } from '../../src/lake/index.js';
import { FeatureRegistry, isStrataError } from '../../src/index.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';

const DRIVER = `
import { defineEntity, defineFeatureView, defineFeatureService, defineOnDemandFeature, tableSource } from 'strata/features';
export const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
export const stats = defineFeatureView({
  name: 'driver_stats', entities: [driver], source: tableSource('driver_hourly'),
  eventTime: 'event_ts', createdTime: 'created_ts', ttl: '1d',
  features: { trips: 'int64', rating: 'float64' },
});
export const service = defineFeatureService({ name: 'ranker', features: ['driver_stats:trips', 'driver_stats:rating'] });
`;

describeBackends('feature registry: plan and apply', (backend) => {
  let setup: BackendSetup;
  let catalog: Catalog;
  let registry: FeatureRegistry;
  const write = (name: string, text: string) => writeFileSync(path.join(setup.warehouse, 'features', name), text);

  beforeAll(async () => {
    setup = await backend.create();
    await initWarehouse(setup.warehouse, { env: setup.env });
    catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
    await catalog.createTable('driver_hourly', {
      data: fromRows([
        { driver_id: 1, event_ts: '2026-01-01T00:00:00Z', created_ts: '2026-01-01T00:00:00Z', trips: 3, rating: 4.5 },
      ]),
    });
    await catalog.createTable('driver_text', {
      data: fromRows([{ driver_id: 1, event_ts: '2026-01-01T00:00:00Z', trips: 'many', rating: 4.5 }]),
    });
    mkdirSync(path.join(setup.warehouse, 'features'));
    registry = await FeatureRegistry.over(catalog);
  });
  afterAll(async () => {
    await registry?.close();
    await catalog?.close();
    await setup?.dispose();
  });

  it('plans everything as added, applies it, then plans nothing to change', async () => {
    write('driver.ts', DRIVER);
    const plan = await registry.plan();
    expect(plan.changes.map((c) => [c.kind, c.object, c.name]).sort()).toEqual([
      ['added', 'entity', 'driver'],
      ['added', 'featureService', 'ranker'],
      ['added', 'featureView', 'driver_stats'],
    ]);
    const applied = await registry.apply();
    expect(applied.applied).toBe(true);
    const again = await registry.apply();
    expect(again.applied).toBe(false);
    expect(again.changes.every((c) => c.kind === 'unchanged' && c.version === 1)).toBe(true);
  });

  it('applies a compatible change as a new version and keeps the old one', async () => {
    write('driver.ts', DRIVER.replace("ttl: '1d'", "ttl: '2d'"));
    const result = await registry.apply();
    const change = result.changes.find((c) => c.name === 'driver_stats');
    expect(change).toMatchObject({ kind: 'changed', fromVersion: 1, version: 2, fields: ['ttlMs'] });
    const versions = await registry.meta.db
      .selectFrom('feature_object_versions')
      .select('version')
      .where('name', '=', 'driver_stats')
      .orderBy('version')
      .execute();
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('refuses an incompatible change with its reason, and applies nothing', async () => {
    write('driver.ts', DRIVER.replace("trips: 'int64'", "trips: 'float64'"));
    const plan = await registry.plan();
    expect(plan.incompatible).toEqual([
      { object: 'featureView driver_stats', reason: 'feature trips changes type from int64 to float64' },
    ]);
    const error = await registry.apply().catch((e: unknown) => e);
    expect(isStrataError(error, 'FEATURE_INCOMPATIBLE_CHANGE')).toBe(true);
    const { versions } = await registry.applied();
    expect(versions.get('featureView:driver_stats')?.version).toBe(2);
  });

  it('refuses a missing column and a type mismatch, naming the view and the field', async () => {
    write('driver.ts', DRIVER.replace("rating: 'float64'", "rating: 'float64', speed: 'float64'"));
    const missing = await registry.plan().catch((e: unknown) => e);
    expect(isStrataError(missing, 'FEATURE_DEFINITION')).toBe(true);
    expect((missing as Error).message).toMatch(
      /feature view driver_stats: feature speed is not a column of its source/,
    );
    write(
      'driver.ts',
      DRIVER.replace("tableSource('driver_hourly')", "tableSource('driver_text')").replace(
        ", createdTime: 'created_ts'",
        '',
      ),
    );
    const mismatch = await registry.plan().catch((e: unknown) => e);
    expect((mismatch as Error).message).toMatch(
      /feature view driver_stats: feature trips is declared int64 but the source column is VARCHAR/,
    );
    expect(isStrataError(mismatch) && mismatch.details.field).toBe('trips');
  });

  it('refuses a cycle among on-demand features, naming it', async () => {
    write(
      'driver.ts',
      `${DRIVER}
export const a = defineOnDemandFeature({ name: 'a', inputs: ['b:y'], features: { x: 'float64' }, compute: (i) => ({ x: i['b:y'] }) });
export const b = defineOnDemandFeature({ name: 'b', inputs: ['a:x', 'driver_stats:rating'], features: { y: 'float64' }, compute: (i) => ({ y: i['a:x'] }) });
`,
    );
    const error = await registry.plan().catch((e: unknown) => e);
    expect(isStrataError(error, 'FEATURE_DEFINITION')).toBe(true);
    expect((error as Error).message).toMatch(/on-demand feature a: depends on itself: a -> b -> a/);
  });

  it('plans a removed object and applies the removal', async () => {
    write('driver.ts', DRIVER.replace(/export const service[^\n]*\n/, ''));
    const result = await registry.apply();
    expect(result.changes.find((c) => c.name === 'ranker')).toEqual({
      kind: 'removed',
      object: 'featureService',
      name: 'ranker',
      fromVersion: 1,
    });
    expect((await registry.applied()).set.services.size).toBe(0);
  });
});
