/**
 * Materialization as a flow: a flow file in the warehouse (`materializeFlow(view)` from
 * 'strata/features') runs through the real scheduler, queue and a worker whose tasks are
 * child processes (the default executor; they reach the embedded metadata database
 * through its holder), materializes into the warehouse's embedded online store, logs on
 * the task's log and returns the run's figures; a second run reads only what was
 * committed since, and the `full` parameter reads the source whole.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initWarehouse } from '../../src/catalog/index.js';
import { fromRows } from '../../src/lake/index.js';
import {
  ChildProcessExecutor,
  FlowSystem,
  getRun,
  loadFlowFile,
  taskInstancesOfRun,
  taskLogs,
  type FlowDefinition,
} from '../../src/flows/index.js';
import {
  FeatureRegistry,
  ONLINE_DIRECTORY,
  ReadKind,
  defineEntity,
  defineFeatureView,
  definitionSet,
  materializeFlow,
  openOnlineStore,
  tableSource,
} from '../../src/index.js';
import { seedFrom } from '../support/random.js';
import { newestByDriver, statRows, type StatRow } from './helpers/materialization-data.js';

const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
const stats = defineFeatureView({
  name: 'stats',
  entities: [driver],
  source: tableSource('driver_stats'),
  eventTime: 'event_ts',
  createdTime: 'created_ts',
  features: { trips: 'int64', rating: 'float64' },
});

const seed = seedFrom('STRATA_TEST_SEED', 13);
const gen = statRows(seed);
let warehouse: string;
const committed: StatRow[] = [];
const flow = materializeFlow('stats');

beforeAll(async () => {
  warehouse = mkdtempSync(path.join(tmpdir(), 'strata-materialize-flow-'));
  await initWarehouse(warehouse, { env: {} });
  const registry = await FeatureRegistry.open({ warehouse, env: {} });
  try {
    committed.push(...gen.batch(100, 30));
    await registry.catalog.createTable('driver_stats', { data: fromRows(committed) });
    await registry.apply(definitionSet([driver, stats]));
  } finally {
    await registry.close();
  }
});
afterAll(async () => {
  await system?.close();
  rmSync(warehouse, { recursive: true, force: true });
});

let system: FlowSystem;
let fileFlow: FlowDefinition;
/** Triggers a run of the file's flow and waits for it: the materialize task's state, output, error and log. */
const runFlow = async (params: Record<string, boolean> = {}) => {
  const { runId } = await system.trigger(fileFlow.id, params, { triggeredBy: 'test' });
  const db = system.queue.meta.db;
  const deadline = Date.now() + 60_000;
  for (
    let run = await getRun(db, runId);
    run?.state !== 'success' && run?.state !== 'failed';
    run = await getRun(db, runId)
  ) {
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const [task] = await taskInstancesOfRun(db, runId);
  const logs = (await taskLogs(db, task!.id)).map((l) => l.line).join('\n');
  return { state: task!.state, output: task!.output, error: task!.error, logs };
};

const startFlows = async () => {
  const dir = path.join(warehouse, 'flows');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'materialize.ts');
  writeFileSync(
    file,
    `import { materializeFlow } from 'strata/features';\nexport default materializeFlow('stats', { batchRows: 7 });\n`,
  );
  fileFlow = (await loadFlowFile(file))[0]!;
  system = await FlowSystem.open({ warehouse, env: {} });
  await system.startScheduler({ flows: [fileFlow!], flowsDirectory: undefined, tickMs: 50, schedules: false });
  await system.startWorker({ executor: new ChildProcessExecutor({ slots: 1 }), pollMs: 100 });
};

const storeRows = async () => {
  const store = openOnlineStore(path.join(warehouse, ONLINE_DIRECTORY));
  try {
    const ids = Array.from({ length: 31 }, (_, i) => i);
    const [got] = await store.read([{ view: 'stats', keys: ids.map((driver_id) => ({ driver_id })) }]);
    return {
      watermark: await store.watermark('stats'),
      rows: new Map(ids.flatMap((id) => (got![id] ? [[id, got![id]]] : []))),
    };
  } finally {
    await store.close();
  }
};

it('is a flow with one task per view, manual unless given a schedule', () => {
  expect(flow.id).toBe('materialize_stats');
  expect([...flow.tasks.keys()]).toEqual(['materialize_stats']);
  expect(flow.schedule.kind).toBe('manual');
  expect(flow.params).toEqual({ full: false });
});

it('materializes through the scheduler and a worker, then only what was committed since, then whole with full', async () => {
  await startFlows();
  const task = await runFlow();
  expect({ state: task.state, error: task.error }).toEqual({ state: 'success', error: null });
  expect(task.output).toMatchObject({ view: 'stats', kind: ReadKind.full, fromVersion: null, toVersion: 0 });
  expect(task.logs).toMatch(/watermark none -> 0/);
  let stored = await storeRows();
  expect(stored.watermark).toBe(0);
  expect(stored.rows).toEqual(newestByDriver(committed));

  const changes = gen.batch(20, 30, 1);
  // Through the flow system's catalog: this process holds the database.
  await (await system.catalog.openTable('driver_stats')).append(fromRows(changes));
  committed.push(...changes);
  expect((await runFlow()).output).toMatchObject({
    kind: ReadKind.addedFiles,
    fromVersion: 0,
    toVersion: 1,
    rows: newestByDriver(changes).size,
  });
  stored = await storeRows();
  expect(stored.watermark).toBe(1);
  expect(stored.rows).toEqual(newestByDriver(committed));

  expect((await runFlow({ full: true })).output).toMatchObject({
    kind: ReadKind.full,
    fromVersion: 1,
    written: 0,
  });
});
