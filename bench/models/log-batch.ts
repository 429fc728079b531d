/**
 * log_batch_per_s: metrics logged per second through the MLflow REST API
 * (`runs/log-batch`, 1,000 metrics a batch) by 8 concurrent clients, each on its own
 * run, on PostgreSQL; beside it, the same batches logged in-process through
 * RunLogStore (the ratio is what HTTP, JSON and auth cost).
 */
import { ApiServer, createToken } from '../../src/api/index.js';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { ModelStores } from '../../src/models/index.js';
import { MemoryStore } from '../../src/storage/index.js';
import type { Scenario } from '../harness.js';
import { createBackend } from '../flows/backends.js';

const CLIENTS = 8;
const BATCHES = 20;
const BATCH = 1000;

export const logBatch: Scenario = {
  name: 'log_batch',
  description: `${CLIENTS} clients × ${BATCHES} log-batch requests of ${BATCH} metrics over REST, on PostgreSQL`,
  async run({ workDir, log }) {
    const backend = await createBackend('pg', workDir);
    await initWarehouse(backend.warehouse, { env: backend.env });
    const catalog = await Catalog.open({ warehouse: backend.warehouse, env: backend.env });
    const server = await ApiServer.start({ catalog, port: 0, logLevel: 'silent', protocol: 'http1' });
    try {
      const { token } = await createToken(catalog.meta, { name: 'bench', role: 'writer' });
      const stores = await ModelStores.open(catalog.meta, { artifacts: new MemoryStore('memory://bench') });
      const batch = (step: number) =>
        Array.from({ length: BATCH }, (_, i) => ({
          key: `m${i % 50}`,
          value: Math.random(),
          timestamp: Date.now(),
          step: step * 100 + Math.floor(i / 50),
        }));
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${server.url}/api/2.0/mlflow/${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const json = (await response.json()) as Record<string, unknown>;
        if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
        return json;
      };
      const timed = async (logOne: (runId: string, step: number) => Promise<unknown>) => {
        const runIds = await Promise.all(
          Array.from(
            { length: CLIENTS },
            async () => ((await post('runs/create', {})).run as { info: { run_id: string } }).info.run_id,
          ),
        );
        const started = performance.now();
        await Promise.all(
          runIds.map(async (runId) => {
            for (let step = 0; step < BATCHES; step++) await logOne(runId, step);
          }),
        );
        return (CLIENTS * BATCHES * BATCH) / ((performance.now() - started) / 1000);
      };
      log('warm-up');
      await timed((runId, step) => post('runs/log-batch', { run_id: runId, metrics: batch(step).slice(0, 10) }));
      const rest = await timed((runId, step) => post('runs/log-batch', { run_id: runId, metrics: batch(step) }));
      log(`REST: ${rest.toFixed(0)} metrics/s`);
      const direct = await timed((runId, step) => stores.logs.logBatch(runId, { metrics: batch(step) }));
      log(`in-process: ${direct.toFixed(0)} metrics/s`);
      return [
        {
          name: 'log_batch_per_s',
          value: rest,
          unit: 'metrics/s',
          note: `${CLIENTS} REST clients; in-process ${direct.toFixed(0)} metrics/s`,
        },
        { name: 'log_batch_rest_vs_in_process_ratio', value: rest / direct, unit: '×' },
      ];
    } finally {
      await server.close();
      await catalog.close();
      await backend.dispose();
    }
  },
};
