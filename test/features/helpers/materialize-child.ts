/**
 * A materializer in a child process, for the kill-and-resume case:
 *
 *   materialize-child.ts WAREHOUSE ENV_JSON STORE_URL STORE_OPTIONS_JSON VIEW BATCH_ROWS STOP_AFTER
 *
 * materializes VIEW in batches of BATCH_ROWS; after batch STOP_AFTER has been written it
 * prints `stopped <rows>` and waits forever (the test SIGKILLs it there, mid-run). With
 * STOP_AFTER -1 it runs to the end and prints its result as JSON.
 */
import { FeatureRegistry, materialize, openOnlineStore, type OnlineStoreOptions } from '../../../src/index.js';

const [warehouse, envJson, url, optionsJson, view, batchRows, stopAfter] = process.argv.slice(2);
const registry = await FeatureRegistry.open({
  warehouse: warehouse!,
  env: JSON.parse(envJson!) as Record<string, string>,
});
const store = openOnlineStore(url!, JSON.parse(optionsJson!) as OnlineStoreOptions);
const [result] = await materialize(registry, [view!], {
  store,
  batchRows: Number(batchRows),
  afterBatch: async ({ index, rows }) => {
    if (index !== Number(stopAfter)) return;
    process.stdout.write(`stopped ${rows}\n`);
    await new Promise(() => {});
  },
});
process.stdout.write(`${JSON.stringify(result)}\n`);
await store.close();
await registry.close();
