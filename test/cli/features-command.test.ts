/**
 * `strata features` as real processes in a new warehouse: definitions in features/*.ts
 * importing `strata/features`, plan and apply (text and --json), training sets from SQL
 * entity rows and from a time range, rebuild, and an incompatible change refused.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strata, tempDir } from './run-cli.js';

const DEFINITIONS = `import { defineEntity, defineFeatureView, defineFeatureService, sqlSource } from 'strata/features';
export const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
export const stats = defineFeatureView({
  name: 'driver_stats', entities: [driver],
  source: sqlSource('SELECT driver_id, event_ts, created_ts, trips FROM trips_raw WHERE trips >= 0'),
  eventTime: 'event_ts', createdTime: 'created_ts', ttl: '1d',
  features: { trips: 'int64' },
});
export const ranker = defineFeatureService({ name: 'ranker', features: ['driver_stats:trips'] });
`;

describe('strata features', { timeout: 180_000 }, () => {
  const warehouse = path.join(tempDir('strata-features-'), 'wh');
  const at = { cwd: warehouse };
  const run = async (args: string[]) => {
    const result = await strata(args, at);
    if (result.code !== 0) throw new Error(`strata ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  };

  it('plans, applies, builds a training set from SQL and from a time range, and rebuilds it', async () => {
    expect((await strata(['init', warehouse])).code).toBe(0);
    await run([
      'sql',
      `CREATE TABLE trips_raw AS SELECT * FROM (VALUES
        (1, TIMESTAMPTZ '2026-01-01 10:00:00+00', TIMESTAMPTZ '2026-01-01 10:00:00+00', 3),
        (1, TIMESTAMPTZ '2026-01-01 10:00:00+00', TIMESTAMPTZ '2026-01-01 15:00:00+00', 4),
        (2, TIMESTAMPTZ '2026-01-01 09:00:00+00', TIMESTAMPTZ '2026-01-01 09:00:00+00', -1)
      ) t(driver_id, event_ts, created_ts, trips)`,
    ]);
    await run([
      'sql',
      `CREATE TABLE labels AS SELECT * FROM (VALUES (1, TIMESTAMPTZ '2026-01-01 12:00:00+00', 0), (1, TIMESTAMPTZ '2026-01-01 16:00:00+00', 1)) t(driver_id, event_timestamp, label)`,
    ]);
    mkdirSync(path.join(warehouse, 'features'));
    writeFileSync(path.join(warehouse, 'features', 'drivers.ts'), DEFINITIONS);

    expect(await run(['features', 'plan'])).toMatch(/added\s+featureView\s+driver_stats\s+1/);
    await run(['features', 'apply']);
    const again = JSON.parse(await run(['features', 'apply', '--json'])) as {
      changes: { kind: string }[];
      applied: boolean;
    };
    expect([again.applied, again.changes.map((c) => c.kind)]).toEqual([false, ['unchanged', 'unchanged', 'unchanged']]);

    const built = JSON.parse(
      await run([
        'features',
        'training-set',
        'train',
        '--service',
        'ranker',
        '--entities-sql',
        'SELECT * FROM labels ORDER BY label',
        '--json',
      ]),
    ) as { rows: number; manifest: { sources: { table: string; version: number; view?: string }[] } };
    expect(built.rows).toBe(2);
    expect(built.manifest.sources.map((s) => [s.view ?? null, s.version])).toEqual([
      ['driver_stats', 0],
      [null, 0],
    ]);
    const rows = await run([
      'sql',
      'SELECT label, trips FROM train ORDER BY __row_index',
      '--format',
      'csv',
      '--out',
      '-',
    ]);
    expect(rows.trim().split('\n')).toEqual(['label,trips', '0,3', '1,4']);

    const range = await run([
      'features',
      'training-set',
      'everyone',
      '--features',
      'driver_stats',
      '--from',
      '2026-01-01T00:00:00Z',
      '--to',
      '2026-01-02T00:00:00Z',
    ]);
    expect(range).toMatch(/main.everyone: 1 rows/);

    await run([
      'sql',
      `INSERT INTO trips_raw VALUES (1, TIMESTAMPTZ '2026-01-01 11:00:00+00', TIMESTAMPTZ '2026-01-01 11:00:00+00', 9)`,
    ]);
    await run(['features', 'rebuild', 'train', 'train_again']);
    const rebuilt = await run([
      'sql',
      'SELECT label, trips FROM train_again ORDER BY __row_index',
      '--format',
      'csv',
      '--out',
      '-',
    ]);
    expect(rebuilt.trim().split('\n')).toEqual(['label,trips', '0,3', '1,4']);
  });

  it('refuses an incompatible change at plan, with the reason, and exits 1', async () => {
    writeFileSync(
      path.join(warehouse, 'features', 'drivers.ts'),
      DEFINITIONS.replace("trips: 'int64'", "trips: 'float64'"),
    );
    const plan = await strata(['features', 'plan'], at);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/REFUSED featureView driver_stats: feature trips changes type from int64 to float64/);
    expect(plan.stderr).toMatch(/FEATURE_INCOMPATIBLE_CHANGE/);
  });
});
