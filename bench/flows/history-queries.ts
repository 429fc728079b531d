/**
 * history_query_ms_p99: the status queries (src/flows/status-queries.ts) over a big
 * history: 20,000 runs × 100 task instances (2,000,000) of 4 flows, spread over ~28
 * days, every 20th run failed at its 51st task (the rest upstream_failed), with one
 * attempt per instance that ran. Loaded with generate_series straight into the
 * tables (migration 0002's columns), in batches of runs, then analyzed. On PGlite the
 * load stops at the batch that passes LOAD_BUDGET_MS and the note says how much.
 *
 * Each query runs 50 times (random flow / run, after 5 untimed calls): p99 of each
 * and the max of those. Each query's plan (EXPLAIN, through a plugin that prefixes
 * the very statement status-queries.ts sends) is printed on stderr: which indexes it
 * used, and any sequential scan of task_instances or flow_runs.
 */
import {
  sql,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import {
  defineFlow,
  failuresSince,
  latestStatePerTask,
  runsOfFlow,
  taskInstancesOfRun,
  type FlowDefinition,
  type FlowSystem,
} from '../../src/flows/index.js';
import type { Db } from '../../src/flows/queue/queue-context.js';
import type { BenchResult, Scenario } from '../harness.js';
import { BACKEND_NAMES, createBackend, openFlowSystem, percentile, type BackendName } from './backends.js';

const FLOWS = 4;
const TASKS = 100;
const RUNS = 20_000;
const BATCH_RUNS = 500;
const FAIL_EVERY = 20;
const FAILED_TASK = 50;
const SPACING_S = 120; // one run every 2 minutes: 20,000 runs cover ~28 days
const ITERATIONS = 50;
const WARMUP = 5;
const LOAD_BUDGET_MS: Record<BackendName, number> = { pg: Number.POSITIVE_INFINITY, pglite: 300_000 };

const flowId = (i: number) => `hist_${i}`;

function historyFlows(): FlowDefinition[] {
  return Array.from({ length: FLOWS }, (_, i) =>
    defineFlow({ id: flowId(i) }, (f) => {
      let previous = f.task('t000', () => null);
      for (let t = 1; t < TASKS; t++)
        previous = f.task(`t${String(t).padStart(3, '0')}`, { after: [previous] }, () => null);
    }),
  );
}

interface QuerySpec {
  readonly name: string;
  run(db: Db, pick: () => number): Promise<unknown>;
}

export const historyQueries: Scenario = {
  name: 'history_queries',
  description: `status queries over ${RUNS} runs × ${TASKS} task instances (+ attempts), p99 of ${ITERATIONS} calls each, PG and PGlite`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    for (const backendName of BACKEND_NAMES) results.push(...(await measureBackend(backendName, workDir, log)));
    return results;
  },
};

async function measureBackend(
  backendName: BackendName,
  workDir: string,
  log: (message: string) => void,
): Promise<BenchResult[]> {
  const backend = await createBackend(backendName, workDir);
  let system: FlowSystem | undefined;
  try {
    system = await openFlowSystem(backend);
    const scheduler = await system.startScheduler({ flows: historyFlows() });
    await scheduler.close(); // the flows are registered; nothing else should touch the tables
    const db = system.queue.meta.db;
    const loadStart = performance.now();
    let runs = 0;
    while (runs < RUNS && performance.now() - loadStart < LOAD_BUDGET_MS[backendName]) {
      await loadBatch(db, runs + 1, Math.min(RUNS, runs + BATCH_RUNS));
      runs = Math.min(RUNS, runs + BATCH_RUNS);
      if (runs % 2_000 === 0 || runs === RUNS)
        log(
          `${backendName}: loaded ${runs} runs, ${runs * TASKS} task instances (${((performance.now() - loadStart) / 1000).toFixed(0)} s)`,
        );
    }
    await sql`analyze`.execute(db);
    const loadS = (performance.now() - loadStart) / 1000;
    const instances = runs * TASKS;
    log(`${backendName}: ${instances} task instances in ${runs} runs loaded and analyzed in ${loadS.toFixed(0)} s`);

    const since = new Date(Date.now() - 86_400_000);
    const queries: QuerySpec[] = [
      { name: 'runsOfFlow', run: (d, pick) => runsOfFlow(d, flowId(pick() % FLOWS)) },
      { name: 'taskInstancesOfRun', run: (d, pick) => taskInstancesOfRun(d, 1 + (pick() % runs)) },
      { name: 'latestStatePerTask', run: (d, pick) => latestStatePerTask(d, flowId(pick() % FLOWS)) },
      { name: 'failuresSince', run: (d) => failuresSince(d, since) },
    ];
    const explainDb = db.withPlugin(new ExplainPlugin());
    const p99s: { name: string; p99: number }[] = [];
    let seed = 1;
    const pick = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
    for (const query of queries) {
      const plan = ((await query.run(explainDb, pick)) as { 'QUERY PLAN': string }[])
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      log(`${backendName} ${query.name}: ${planSummary(plan)}`);
      for (let i = 0; i < WARMUP; i++) await query.run(db, pick);
      const times: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const start = performance.now();
        await query.run(db, pick);
        times.push(performance.now() - start);
      }
      p99s.push({ name: query.name, p99: percentile(times, 99) });
      log(
        `${backendName} ${query.name}: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`,
      );
    }
    const worst = p99s.reduce((a, b) => (b.p99 > a.p99 ? b : a));
    const loaded =
      instances === RUNS * TASKS
        ? `${instances.toLocaleString('en')} task instances`
        : `only ${instances.toLocaleString('en')} task instances (${runs} runs): loading stopped after the ${LOAD_BUDGET_MS[backendName] / 1000} s budget`;
    return [
      {
        name: `history_query_ms_p99_${backendName}`,
        value: worst.p99,
        unit: 'ms',
        note: `max p99 (${worst.name}) over ${loaded}, loaded in ${loadS.toFixed(0)} s; ${ITERATIONS} calls per query`,
      },
      ...p99s.map(({ name, p99 }) => ({ name: `${name}_ms_p99_${backendName}`, value: p99, unit: 'ms' })),
    ];
  } finally {
    await system?.close();
    await backend.dispose();
  }
}

/** Inserts runs lo..hi (ids given), their task instances and one attempt per instance that ran. */
async function loadBatch(db: Db, lo: number, hi: number): Promise<void> {
  await sql`
    insert into flow_runs (id, flow_id, run_key, version_hash, kind, state, params, logical_date, tasks_total, tasks_unfinished, created_at, started_at, ended_at)
    overriding system value
    select g, f.id, 'bench:' || g, f.version_hash, 'scheduled', case when g % ${FAIL_EVERY} = 0 then 'failed' else 'success' end, '{}'::jsonb,
           t.at, ${TASKS}, 0, t.at, t.at, t.at + ${TASKS} * interval '1 second'
    from generate_series(${lo}::bigint, ${hi}::bigint) g
    cross join lateral (select now() - (${RUNS} - g) * ${SPACING_S} * interval '1 second' as at) t
    join flow_definitions f on f.id = 'hist_' || (g % ${FLOWS})`.execute(db);
  await sql`
    insert into task_instances (id, run_id, flow_id, task_id, map_index, state, priority, attempt, max_attempts, upstream_total, upstream_success,
                                upstream_failed, lease_token, queued_at, started_at, ended_at, output, output_bytes, error)
    overriding system value
    select (r.id - 1) * ${TASKS} + k + 1, r.id, r.flow_id, 't' || lpad(k::text, 3, '0'), -1, s.state, 0,
           case when s.state = 'upstream_failed' then 0 else 1 end, 1, case when k = 0 then 0 else 1 end,
           case when k = 0 or s.state = 'upstream_failed' and k > ${FAILED_TASK} + 1 then 0 else 1 end,
           case when s.state = 'upstream_failed' and k = ${FAILED_TASK} + 1 then 1 else 0 end,
           case when s.state = 'upstream_failed' then 0 else 1 end,
           r.started_at + k * interval '1 second', r.started_at + k * interval '1 second', r.started_at + (k + 1) * interval '1 second',
           case when s.state = 'success' then 'null'::jsonb end, case when s.state = 'success' then 4 end,
           case when s.state = 'failed' then '{"reason":"threw","name":"Error","message":"bench failure"}'::jsonb end
    from flow_runs r
    cross join generate_series(0, ${TASKS - 1}) k
    cross join lateral (select case when r.state = 'failed' and k = ${FAILED_TASK} then 'failed'
                                    when r.state = 'failed' and k > ${FAILED_TASK} then 'upstream_failed' else 'success' end as state) s
    where r.id between ${lo} and ${hi}`.execute(db);
  await sql`
    insert into task_attempts (task_instance_id, run_id, flow_id, task_id, attempt, worker_id, outcome, queued_at, started_at, ended_at,
                               duration_ms, queue_wait_ms, input_bytes, output_bytes, error)
    select id, run_id, flow_id, task_id, 1, 'bench', state, queued_at, started_at, ended_at, 1000, 0, 0, output_bytes, error
    from task_instances where run_id between ${lo} and ${hi} and state in ('success', 'failed')`.execute(db);
}

/** Which indexes the plan used, and whether it scanned a big table sequentially. */
function planSummary(plan: string): string {
  const indexes = [
    ...plan.matchAll(/(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)?(?: using| on) (\w+)/g),
  ].map((m) => `${m[1]} ${m[2]}`);
  const seqScans = [...plan.matchAll(/Seq Scan on (\w+)/g)]
    .map((m) => m[1]!)
    .filter((t) => t === 'task_instances' || t === 'flow_runs' || t === 'task_attempts');
  const used = indexes.length > 0 ? `index scan: yes (${[...new Set(indexes)].join(', ')})` : 'index scan: NO';
  return seqScans.length > 0 ? `${used}; SEQ SCAN of ${[...new Set(seqScans)].join(', ')}` : used;
}

/** Prefixes the raw statement with EXPLAIN: the plan of exactly what status-queries.ts sends. */
class ExplainPlugin implements KyselyPlugin {
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (node.kind !== 'RawNode') throw new Error(`ExplainPlugin: expected a raw sql query, got ${node.kind}`);
    const [first = '', ...rest] = node.sqlFragments;
    return { ...node, sqlFragments: [`explain ${first}`, ...rest] };
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}
