/**
 * predict_p99_ms: `POST /v1/models/{name}/predict` with one row, a 100-tree depth-6 model
 * (20 features), 64 concurrent connections (autocannon in its own process), the
 * prediction log on (its default batching). Beside it, in the same run: scoring the same
 * row in process (predict_http_overhead_ratio = HTTP p99 / in-process p99 of one
 * prediction through ModelServer, scorer cached) and `GET /health` under the same load,
 * the floor any route has on this machine. With 64 connections in a closed loop, latency
 * is mostly queueing (Little's law: p50 >= 64 / throughput), so the same request is also
 * timed on one connection.
 */
import * as path from 'node:path';
import { ApiServer } from '../../src/api/index.js';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { GbtObjective, ModelServer, ModelStores, trainGbt } from '../../src/models/index.js';
import { openStore } from '../../src/storage/index.js';
import { syntheticSet } from '../../test/models/helpers/gbt-comparison.js';
import { expectStatus, LoadClient } from '../api/load-client.js';
import { percentiles } from '../api/stats.js';
import type { BenchResult, Scenario } from '../harness.js';

const CONNECTIONS = 64;
const DURATION_S = 10;
const FEATURES = 20;

export const predictHttp: Scenario = {
  name: 'predict_p99_ms',
  description: `predict over HTTP: 1 row, 100 trees depth 6, ${CONNECTIONS} connections, beside in-process scoring`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const data = syntheticSet('classification', 20_000, FEATURES, 5);
    const names = Array.from({ length: FEATURES }, (_, f) => `f${f}`);
    log('training the 100-tree model');
    const { model } = trainGbt(
      { ...data, featureNames: names },
      { objective: GbtObjective.logistic, rounds: 100, maxDepth: 6 },
    );
    const warehouse = path.join(workDir, 'warehouse');
    await initWarehouse(warehouse);
    const catalog = await Catalog.open({ warehouse });
    const stores = await ModelStores.open(catalog.meta, { artifacts: openStore(path.join(warehouse, 'artifacts')) });
    const run = await stores.runs.create({ experimentId: '0' });
    const root = run.info.artifactUri.replace(/^mlflow-artifacts:\/+/, '');
    await stores.artifacts.put(`${root}/model/model.json`, Buffer.from(JSON.stringify(model)));
    await stores.registry.createModel('bench');
    await stores.registry.createVersion({
      name: 'bench',
      source: `runs:/${run.info.runId}/model`,
      runId: run.info.runId,
    });
    await stores.aliases.setAlias('bench', 'champion', 1);
    const row = Object.fromEntries(names.map((n, f) => [n, data.columns[f]![0]!]));

    // In process: the same request through ModelServer (alias lookup cached, scorer cached, no log).
    const local = new ModelServer(stores);
    for (let i = 0; i < 2000; i++) await local.predict('bench', { rows: [row] });
    const times: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const started = performance.now();
      await local.predict('bench', { rows: [row] });
      times.push(performance.now() - started);
    }
    const inProcess = percentiles(times);

    const server = await ApiServer.start({
      catalog,
      port: 0,
      host: '127.0.0.1',
      insecureLocal: true,
      logLevel: 'silent',
      protocol: 'http1',
    });
    const client = await LoadClient.start();
    try {
      const url = `${server.url}/v1/models/bench/predict`;
      const body = JSON.stringify({ rows: [row] });
      const headers = { 'content-type': 'application/json' };
      log('warming up');
      await client.load({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: 2 });
      log(`predict: ${CONNECTIONS} connections for ${DURATION_S} s`);
      const predict = await client.load({
        url,
        method: 'POST',
        headers,
        body,
        connections: CONNECTIONS,
        duration: DURATION_S,
      });
      expectStatus('predict', predict, 200);
      log(`predict: 1 connection for ${DURATION_S} s (latency without queueing)`);
      const single = await client.load({ url, method: 'POST', headers, body, connections: 1, duration: DURATION_S });
      expectStatus('predict, 1 connection', single, 200);
      log(`health: ${CONNECTIONS} connections for ${DURATION_S} s`);
      const health = await client.load({ url: `${server.url}/health`, connections: CONNECTIONS, duration: DURATION_S });
      expectStatus('health', health, 200);
      return [
        {
          name: 'predict_p99_ms',
          value: predict.p99,
          unit: 'ms',
          bound: { max: 2 },
          note: `p50 ${predict.p50.toFixed(2)} ms, ${Math.round(predict.rps)} req/s over ${CONNECTIONS} connections; GET /health under the same load: p50 ${health.p50.toFixed(2)} / p99 ${health.p99.toFixed(2)} ms, ${Math.round(health.rps)} req/s`,
        },
        {
          name: 'predict_p99_ms_1conn',
          value: single.p99,
          unit: 'ms',
          note: `one connection, one request at a time: p50 ${single.p50.toFixed(2)} ms, ${Math.round(single.rps)} req/s`,
        },
        {
          name: 'predict_http_overhead_ratio',
          value: predict.p99 / inProcess.p99,
          unit: 'x',
          note: `HTTP p99 / in-process p99 of the same prediction (${(inProcess.p50 * 1000).toFixed(1)} µs p50, ${(inProcess.p99 * 1000).toFixed(1)} µs p99)`,
        },
        {
          name: 'predict_vs_health_p99_ratio',
          value: predict.p99 / health.p99,
          unit: 'x',
          note: 'predict p99 / GET /health p99 at the same concurrency: what serving adds to the server floor',
        },
      ];
    } finally {
      await client.close();
      await server.close();
      await catalog.close();
    }
  },
};
