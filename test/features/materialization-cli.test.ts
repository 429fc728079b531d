/**
 * `strata features materialize` as a real process in a new warehouse: a first run reads
 * the whole source, a second only the rows inserted since (a late row with an old event
 * time included), `--full` everything again; the embedded online store then holds the
 * newest row of every key.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { ONLINE_DIRECTORY, openOnlineStore } from '../../src/index.js';
import { strata, tempDir } from '../cli/run-cli.js';

const DEFINITIONS = `import { defineEntity, defineFeatureView, tableSource } from 'strata/features';
export const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
export const stats = defineFeatureView({
  name: 'driver_stats', entities: [driver], source: tableSource('trips_raw'),
  eventTime: 'event_ts', createdTime: 'created_ts', features: { trips: 'int64' },
});
`;

it(
  'materializes the whole source, then what was committed since, then all again with --full',
  { timeout: 180_000 },
  async () => {
    const warehouse = path.join(tempDir('strata-materialize-cli-'), 'wh');
    const run = async (args: string[]) => {
      const result = await strata(args, { cwd: warehouse });
      if (result.code !== 0) throw new Error(`strata ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return result.stdout;
    };
    expect((await strata(['init', warehouse])).code).toBe(0);
    await run([
      'sql',
      `CREATE TABLE trips_raw AS SELECT * FROM (VALUES
      (1, TIMESTAMPTZ '2026-01-01 10:00:00+00', TIMESTAMPTZ '2026-01-01 10:00:00+00', 3),
      (1, TIMESTAMPTZ '2026-01-01 09:00:00+00', TIMESTAMPTZ '2026-01-01 09:00:00+00', 2),
      (2, TIMESTAMPTZ '2026-01-01 09:00:00+00', TIMESTAMPTZ '2026-01-01 09:00:00+00', 5)
    ) t(driver_id, event_ts, created_ts, trips)`,
    ]);
    mkdirSync(path.join(warehouse, 'features'));
    writeFileSync(path.join(warehouse, 'features', 'drivers.ts'), DEFINITIONS);
    await run(['features', 'apply']);

    type Result = {
      view: string;
      kind: string;
      fromVersion: number | null;
      toVersion: number | null;
      rows: number;
      written: number;
    };
    const first = JSON.parse(await run(['features', 'materialize', '--json'])) as Result[];
    expect(first).toMatchObject([
      { view: 'driver_stats', kind: 'full', fromVersion: null, toVersion: 0, rows: 2, written: 2 },
    ]);

    // A correction of driver 1 (same event time, created later), a late row of driver 2 (older than its stored one), a new driver.
    await run([
      'sql',
      `INSERT INTO trips_raw VALUES
      (1, TIMESTAMPTZ '2026-01-01 10:00:00+00', TIMESTAMPTZ '2026-01-02 08:00:00+00', 30),
      (2, TIMESTAMPTZ '2026-01-01 08:00:00+00', TIMESTAMPTZ '2026-01-02 08:00:00+00', 50),
      (3, TIMESTAMPTZ '2025-12-01 00:00:00+00', TIMESTAMPTZ '2026-01-02 08:00:00+00', 7)`,
    ]);
    const text = await run(['features', 'materialize', 'driver_stats']);
    expect(text).toMatch(/driver_stats\s+addedFiles\s+0 -> 1\s+3\s+2\s+1\s/);
    const full = JSON.parse(await run(['features', 'materialize', '--full', '--json'])) as Result[];
    expect(full).toMatchObject([{ kind: 'full', fromVersion: 1, toVersion: 1, rows: 3, written: 0 }]);

    const store = openOnlineStore(path.join(warehouse, ONLINE_DIRECTORY));
    try {
      const [rows] = await store.read([{ view: 'driver_stats', keys: [1, 2, 3].map((driver_id) => ({ driver_id })) }]);
      expect(rows!.map((r) => r?.values.trips)).toEqual([30, 5, 7]);
      expect(await store.watermark('driver_stats')).toBe(1);
    } finally {
      await store.close();
    }
    const unknown = await strata(['features', 'materialize', 'nope'], { cwd: warehouse });
    expect([unknown.code === 0, unknown.stderr]).toEqual([false, expect.stringMatching(/feature view nope/)]);
  },
);
