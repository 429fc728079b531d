/**
 * search_runs_p99_ms: MLflow's run search at the scale its users report as slow
 * (100,000 runs × 20 metrics × 10 params) on PostgreSQL: a filter on one metric and one
 * param, ordered by a metric, a page of 100, through RunStore.search (one SQL query plus
 * the page's metrics, params and tags). Beside it, in the same rounds, the plain newest-
 * first listing of the same experiment: the ratio is what filtering and ordering cost. Then
 * the same rounds on the index layout before migration 0003 (search_runs_index_speedup).
 * (Rows are bulk-inserted with SQL; metric histories are not, as search never reads them.
 * Then VACUUM ANALYZE: the steady state autovacuum keeps, insert-only tables included since
 * PostgreSQL 13, in which index-only scans need no heap fetches.)
 */
import { sql } from 'kysely';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { ModelStores, type ModelTables } from '../../src/models/index.js';
import { MemoryStore } from '../../src/storage/index.js';
import { alternate, wall, type Scenario } from '../harness.js';
import { createBackend, percentile } from '../flows/backends.js';

const RUNS = 100_000;
const METRICS = 20;
const PARAMS = 10;

export const searchRuns: Scenario = {
  name: 'search_runs',
  description: `runs/search over ${RUNS} runs × ${METRICS} metrics × ${PARAMS} params on PostgreSQL, page of 100`,
  async run({ workDir, log }) {
    const backend = await createBackend('pg', workDir);
    await initWarehouse(backend.warehouse, { env: backend.env });
    const catalog = await Catalog.open({ warehouse: backend.warehouse, env: backend.env });
    try {
      const stores = await ModelStores.open(catalog.meta, { artifacts: new MemoryStore('memory://bench') });
      const experimentId = await stores.experiments.create('bench', undefined);
      const db = catalog.meta.withTables<ModelTables>().db;
      log('inserting runs, latest metrics and params');
      await sql`insert into ml_runs select 'r' || lpad(i::text, 8, '0'), ${experimentId}, 'run ' || i, 'bench', 'FINISHED',
        1700000000000 + i, 1700000000000 + i + 1, 'active', 'mlflow-artifacts:/x' from generate_series(1, ${RUNS}) i`.execute(
        db,
      );
      await sql`insert into ml_latest_metrics select 'r' || lpad(i::text, 8, '0'), 'm' || k, ((i * 7919 + k * 104729) % 10007) / 10007.0, 1, 0
        from generate_series(1, ${RUNS}) i, generate_series(0, ${METRICS - 1}) k`.execute(db);
      await sql`insert into ml_params select 'r' || lpad(i::text, 8, '0'), 'p' || k, 'v' || ((i + k) % 7)
        from generate_series(1, ${RUNS}) i, generate_series(0, ${PARAMS - 1}) k`.execute(db);
      await sql`vacuum analyze`.execute(db);
      const after = await measureSearch(stores, experimentId, log);
      // The layout before migration 0003 (no covering indexes), in the same run: the ratio is what the migration buys.
      log('swapping to the indexes before migration 0003');
      await sql`drop index ml_latest_metrics_key_value_run`.execute(db);
      await sql`create index ml_latest_metrics_key_value on ml_latest_metrics (key, value)`.execute(db);
      for (const table of ['ml_latest_metrics', 'ml_params']) {
        const pk = sql.raw(`${table}_pk`);
        await sql`alter table ${sql.table(table)} drop constraint ${pk}`.execute(db);
        await sql`alter table ${sql.table(table)} add constraint ${pk} primary key (run_uuid, key)`.execute(db);
      }
      await sql`vacuum analyze`.execute(db);
      const before = await measureSearch(stores, experimentId, log);
      const search = wall(after.get('search')!);
      const list = wall(after.get('list')!);
      const p99 = percentile(search, 99);
      return [
        {
          name: 'search_runs_p99_ms',
          value: p99,
          unit: 'ms',
          bound: { max: 50 },
          note: `p50 ${percentile(search, 50).toFixed(1)} ms; the plain listing: p50 ${percentile(list, 50).toFixed(1)} ms, p99 ${percentile(list, 99).toFixed(1)} ms`,
        },
        { name: 'search_runs_vs_list_p99_ratio', value: p99 / percentile(list, 99), unit: '×' },
        {
          name: 'search_runs_index_speedup',
          value: percentile(wall(before.get('search')!), 50) / percentile(search, 50),
          unit: '×',
          note: `p50 before migration 0003's covering indexes over after, same run: before p50 ${percentile(wall(before.get('search')!), 50).toFixed(1)} ms, p99 ${percentile(wall(before.get('search')!), 99).toFixed(1)} ms`,
        },
      ];
    } finally {
      await catalog.close();
      await backend.dispose();
    }
  },
};

type Stores = Awaited<ReturnType<typeof ModelStores.open>>;

/** Rounds of the filtered, metric-ordered search alternating with the plain listing. */
async function measureSearch(stores: Stores, experimentId: string, log: (line: string) => void) {
  let round = 0;
  return alternate(
    [
      {
        name: 'search',
        run: async () => {
          const page = await stores.runs.search([experimentId], {
            filter: `metrics.m3 < 0.5 and params.p2 = 'v${round++ % 7}'`,
            orderBy: ['metrics.m7 DESC'],
            maxResults: 100,
          });
          if (page.items.length !== 100) throw new Error(`expected a full page, got ${page.items.length}`);
        },
      },
      {
        name: 'list',
        run: async () => {
          const page = await stores.runs.search([experimentId], { maxResults: 100 });
          if (page.items.length !== 100) throw new Error(`expected a full page, got ${page.items.length}`);
        },
      },
    ],
    { warmup: 5, rounds: 100, log },
  );
}
