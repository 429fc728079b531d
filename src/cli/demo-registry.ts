/**
 * The demo's model-lifecycle chapter, on the demo warehouse: the classifier of chapter 8
 * is logged as an MLflow-style run (params, AUC, the model file as an artifact) and
 * registered; its validation gate (AUC on held-out June flights, with a bootstrap
 * interval) decides whether it may take the `champion` alias; then it serves a
 * prediction as `POST /v1/models/flight_delays/predict` would. Returns the lines the demo
 * prints.
 */
import * as path from 'node:path';
import { Catalog } from '../catalog/index.js';
import { bindDeltaSql } from '../engine/index.js';
import { fromSql, quoteLiteral, withConnection } from '../lake/index.js';
import { evaluateVersion, ModelServer, ModelStores } from '../models/index.js';
import { openStore } from '../storage/index.js';
import type { DemoModel } from './demo-model.js';

const MODEL = 'flight_delays';

/** Held-out June flights with the model's features and the label, the gate's evaluation table. */
const evaluationSql = (flights: string) =>
  `SELECT hour(date) AS hour, dayofweek(date) AS weekday, distance, month(date) AS month, (delay > 15)::INT AS late
   FROM ${flights} WHERE month = '2001-06'
   ORDER BY hash(date, origin, destination, delay, distance, 23), date, origin, destination LIMIT 20000`;

export async function runRegistryChapter(warehouse: string, flightsTable: string, model: DemoModel): Promise<string[]> {
  const lines: string[] = [];
  const catalog = await Catalog.open({ warehouse, env: {} });
  try {
    const stores = await ModelStores.open(catalog.meta, { artifacts: openStore(path.join(warehouse, 'artifacts')) });
    const flights = `delta_scan(${quoteLiteral((await catalog.getTable(flightsTable)).location)})`;
    await withConnection(async (connection) => {
      const bound = await bindDeltaSql(connection, evaluationSql(flights));
      try {
        await catalog.createTable('delay_eval', { data: fromSql(bound.sql), connection });
      } finally {
        await bound.release();
      }
    });

    const experimentId = await stores.experiments.create(MODEL, undefined);
    const run = await stores.runs.create({ experimentId, runName: 'gbt-depth-6' });
    await stores.logs.logBatch(run.info.runId, {
      params: [
        { key: 'trees', value: String(model.trees) },
        { key: 'max_depth', value: '6' },
      ],
      metrics: [{ key: 'auc', value: model.auc, timestamp: Date.now(), step: 0 }],
    });
    const artifactRoot = run.info.artifactUri.replace(/^mlflow-artifacts:\/+/, '');
    await stores.artifacts.put(`${artifactRoot}/model/model.json`, Buffer.from(model.file));
    await stores.registry.createModel(MODEL);
    const version = await stores.registry.createVersion({
      name: MODEL,
      source: `runs:/${run.info.runId}/model`,
      runId: run.info.runId,
    });
    lines.push(
      `Logged run ${run.info.runId.slice(0, 8)} in experiment ${MODEL} (params, AUC, the model file) and registered it as ${MODEL} version ${version.version}`,
    );

    await stores.gates.setGate(MODEL, {
      table: 'delay_eval',
      label: 'late',
      rules: [{ kind: 'absolute', metric: 'auc', threshold: 0.6 }],
    });
    const server = new ModelServer(stores);
    const decision = await evaluateVersion(
      { catalog, gates: stores.gates, aliases: stores.aliases, scorer: (name, v) => server.scorer(name, v) },
      MODEL,
      version.version,
    );
    const [auc] = decision.results;
    lines.push(
      `Validation gate (AUC ≥ 0.6 on ${decision.rows.toLocaleString('en-US')} held-out June flights, 95% bootstrap interval): AUC ${auc!.estimate.toFixed(3)} [${auc!.lower.toFixed(3)}, ${auc!.upper.toFixed(3)}] → ${decision.passed ? 'passed' : 'failed'}`,
    );
    await stores.gates.setAlias(MODEL, 'champion', version.version);
    const flight = { hour: 18, weekday: 5, distance: 1400, month: 6 };
    const answer = await server.predict(MODEL, { rows: [flight] });
    lines.push(
      `${MODEL}@champion is version ${answer.version}; for a Friday 18:00 flight of 1,400 miles in June it predicts P(late) = ${Number(answer.predictions[0]).toFixed(3)} (over HTTP: POST /v1/models/${MODEL}/predict)`,
    );
    return lines;
  } finally {
    await catalog.close();
  }
}
