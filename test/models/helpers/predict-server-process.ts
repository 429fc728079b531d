/**
 * A real Strata server in its own process for the prediction log's crash test: a fresh
 * embedded warehouse, one model aliased champion, the log batching by `flushRows` with an
 * interval long enough never to fire. Prints `{"url", "token", "log"}` once listening.
 * Argument: JSON `{ warehouse, flushRows }`.
 */
import * as path from 'node:path';
import { ApiServer, createToken } from '../../../src/api/index.js';
import { Catalog, initWarehouse } from '../../../src/catalog/index.js';
import { ModelStores } from '../../../src/models/index.js';
import { openStore } from '../../../src/storage/index.js';
import { dataset, registerVersion, trainModel } from './model-fixtures.js';

const { warehouse, flushRows } = JSON.parse(process.argv[2]!) as { warehouse: string; flushRows: number };
await initWarehouse(warehouse, { env: {} });
const catalog = await Catalog.open({ warehouse, env: {} });
const stores = await ModelStores.open(catalog.meta, { artifacts: openStore(path.join(warehouse, 'artifacts')) });
await registerVersion(stores, 'crash', trainModel(dataset(200, 11)));
await stores.aliases.setAlias('crash', 'champion', 1);
const log = path.join(warehouse, 'prediction_log');
const server = await ApiServer.start({
  catalog,
  port: 0,
  logLevel: 'silent',
  models: { predictionLog: { location: log, flushRows, flushIntervalMs: 3_600_000 } },
});
const { token } = await createToken(catalog.meta, { name: 'crash-writer', role: 'writer' });
process.stdout.write(`${JSON.stringify({ url: server.url, token, log })}\n`);
