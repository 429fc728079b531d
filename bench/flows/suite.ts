/** The flows suite: the orchestrator's throughput, dependency latency, a peer (graphile-worker) and history queries, on PostgreSQL and PGlite. */
import type { Suite } from '../harness.js';
import { claimOverhead } from './claim-overhead.js';
import { dependencyHop } from './dependency-hop.js';
import { historyQueries } from './history-queries.js';
import { tasksPerSecond } from './tasks-per-second.js';
import { vsGraphileWorker } from './vs-graphile-worker.js';

export const flowsSuite: Suite = {
  name: 'flows',
  scenarios: [tasksPerSecond, claimOverhead, dependencyHop, vsGraphileWorker, historyQueries],
};
