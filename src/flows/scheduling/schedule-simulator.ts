/**
 * A discrete-event simulator: runs (DAGs of tasks with true and predicted durations)
 * arrive over time and are executed on P identical workers, started in the order the
 * scheduling policy gives (priority-policy.ts), under the same constraints as the real
 * queue (pools with slot counts, maxActiveRuns per flow). No transfer cost; a worker runs
 * one task at a time; a started task runs for its true duration.
 */
import { BinaryHeap } from './binary-heap.js';
import {
  compareKeys,
  compareTasks,
  runKey,
  upwardRanks,
  type PolicyOptions,
  type ReadyTask,
} from './priority-policy.js';

export interface SimTask {
  readonly id: string;
  readonly parents: readonly string[];
  readonly children: readonly string[];
  readonly runtimeMs: number;
  /** What the policy believes the task takes (the true runtime for an oracle). */
  readonly predictedMs: number;
  readonly priority?: number;
  readonly pool?: string;
}

export interface SimRun {
  readonly id: string;
  readonly flowId: string;
  readonly arrivalMs: number;
  readonly tasks: readonly SimTask[];
}

export interface SimOptions {
  readonly workers: number;
  readonly policy: PolicyOptions;
  /** Slots per pool; a task of a pool not listed is unconstrained. */
  readonly pools?: Readonly<Record<string, number>>;
  /** Runs of one flow active at once; later ones wait for one to finish. */
  readonly maxActiveRuns?: number;
}

export interface SimTaskStart {
  readonly runId: string;
  readonly taskId: string;
  readonly startMs: number;
  readonly endMs: number;
}

export interface SimResult {
  readonly makespanMs: number;
  readonly runs: ReadonlyMap<string, { readonly arrivalMs: number; readonly finishMs: number }>;
  readonly starts: readonly SimTaskStart[];
}

interface ReadyEntry extends ReadyTask {
  readonly task: SimTask;
}

interface RunState {
  readonly run: SimRun;
  readonly waiting: Map<string, number>;
  readonly ready: BinaryHeap<ReadyEntry>;
  readonly rank: Map<string, number>;
  readonly byId: Map<string, SimTask>;
  remainingPredictedMs: number;
  unfinished: number;
}

export function simulate(runs: readonly SimRun[], options: SimOptions): SimResult {
  const { policy } = options;
  const arrivals = [...runs].sort((a, b) => a.arrivalMs - b.arrivalMs);
  const events = new BinaryHeap<{ at: number; seq: number; state: RunState; task: SimTask }>(
    (a, b) => a.at - b.at || a.seq - b.seq,
  );
  const active: RunState[] = [];
  const pending = new Map<string, SimRun[]>();
  const activePerFlow = new Map<string, number>();
  const poolUsed = new Map<string, number>();
  const finished = new Map<string, { arrivalMs: number; finishMs: number }>();
  const starts: SimTaskStart[] = [];
  let free = options.workers;
  let seq = 0;
  let now = 0;
  let next = 0;

  const makeReady = (state: RunState, task: SimTask) =>
    state.ready.push({ task, userPriority: task.priority ?? 0, upwardRank: state.rank.get(task.id)!, readySeq: seq++ });

  const admit = (run: SimRun) => {
    const count = activePerFlow.get(run.flowId) ?? 0;
    if (options.maxActiveRuns !== undefined && count >= options.maxActiveRuns) {
      pending.set(run.flowId, [...(pending.get(run.flowId) ?? []), run]);
      return;
    }
    activePerFlow.set(run.flowId, count + 1);
    const state: RunState = {
      run,
      waiting: new Map(run.tasks.map((t) => [t.id, t.parents.length])),
      ready: new BinaryHeap((a, b) => compareTasks(policy, a, b)),
      rank: upwardRanks(run.tasks, (id) => byIdOf(run).get(id)!.predictedMs),
      byId: byIdOf(run),
      remainingPredictedMs: run.tasks.reduce((s, t) => s + t.predictedMs, 0),
      unfinished: run.tasks.length,
    };
    active.push(state);
    for (const t of run.tasks) if (t.parents.length === 0) makeReady(state, t);
    if (run.tasks.length === 0) finish(state);
  };

  const finish = (state: RunState) => {
    finished.set(state.run.id, { arrivalMs: state.run.arrivalMs, finishMs: now });
    active.splice(active.indexOf(state), 1);
    const flow = state.run.flowId;
    activePerFlow.set(flow, activePerFlow.get(flow)! - 1);
    const queued = pending.get(flow);
    if (queued && queued.length > 0) admit(queued.shift()!);
  };

  const poolHasRoom = (task: SimTask) =>
    task.pool === undefined ||
    options.pools?.[task.pool] === undefined ||
    (poolUsed.get(task.pool) ?? 0) < options.pools[task.pool]!;

  /** The run's best ready task that its pool lets start (blocked ones are put back). */
  const headOf = (state: RunState): ReadyEntry | undefined => {
    const blocked: ReadyEntry[] = [];
    let head: ReadyEntry | undefined;
    while ((head = state.ready.peek()) !== undefined && !poolHasRoom(head.task)) blocked.push(state.ready.pop()!);
    for (const b of blocked) state.ready.push(b);
    return head !== undefined && poolHasRoom(head.task) ? head : undefined;
  };

  const dispatch = () => {
    while (free > 0) {
      let best: { state: RunState; key: readonly number[] } | undefined;
      for (const state of active) {
        const head = headOf(state);
        if (head === undefined) continue;
        const key = runKey(
          policy,
          { arrivedAtMs: state.run.arrivalMs, remainingPredictedMs: state.remainingPredictedMs },
          head,
          now,
        );
        if (best === undefined || compareKeys(key, best.key) < 0) best = { state, key };
      }
      if (best === undefined) return;
      const blocked: ReadyEntry[] = [];
      let entry = best.state.ready.pop()!;
      while (!poolHasRoom(entry.task)) {
        blocked.push(entry);
        entry = best.state.ready.pop()!;
      }
      for (const b of blocked) best.state.ready.push(b);
      const { task } = entry;
      free--;
      if (task.pool !== undefined) poolUsed.set(task.pool, (poolUsed.get(task.pool) ?? 0) + 1);
      best.state.remainingPredictedMs -= task.predictedMs;
      starts.push({ runId: best.state.run.id, taskId: task.id, startMs: now, endMs: now + task.runtimeMs });
      events.push({ at: now + task.runtimeMs, seq: seq++, state: best.state, task });
    }
  };

  for (;;) {
    const nextArrival = next < arrivals.length ? arrivals[next]!.arrivalMs : Infinity;
    const nextEvent = events.peek()?.at ?? Infinity;
    if (nextArrival === Infinity && nextEvent === Infinity) break;
    now = Math.min(nextArrival, nextEvent);
    // Completions first, then arrivals, then one dispatch: all that happens at `now` is seen together.
    while (events.size > 0 && events.peek()!.at === now) {
      const { state, task } = events.pop()!;
      free++;
      if (task.pool !== undefined) poolUsed.set(task.pool, poolUsed.get(task.pool)! - 1);
      for (const c of task.children) {
        const left = state.waiting.get(c)! - 1;
        state.waiting.set(c, left);
        if (left === 0) makeReady(state, state.byId.get(c)!);
      }
      if (--state.unfinished === 0) finish(state);
    }
    while (next < arrivals.length && arrivals[next]!.arrivalMs === now) admit(arrivals[next++]!);
    dispatch();
  }
  const makespanMs = Math.max(0, ...[...finished.values()].map((r) => r.finishMs));
  return { makespanMs, runs: finished, starts };
}

const byIdCache = new WeakMap<SimRun, Map<string, SimTask>>();
function byIdOf(run: SimRun): Map<string, SimTask> {
  let map = byIdCache.get(run);
  if (map === undefined) byIdCache.set(run, (map = new Map(run.tasks.map((t) => [t.id, t]))));
  return map;
}

/** max(critical path, total work ÷ P) with true durations: no schedule can beat it. */
export function makespanLowerBound(tasks: readonly SimTask[], workers: number): number {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const critical = upwardRanks(tasks, (id) => byId.get(id)!.runtimeMs);
  const work = tasks.reduce((s, t) => s + t.runtimeMs, 0);
  return Math.max(Math.max(0, ...critical.values()), work / workers);
}
