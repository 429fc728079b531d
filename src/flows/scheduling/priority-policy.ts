/**
 * The prediction-driven scheduling policy, pure (no clock, no database), so the
 * discrete-event simulator and the worker's claim query (queue/claim-order.ts) order work the same way.
 *
 * - Within a run: highest upward rank first (the task's predicted duration plus the
 *   longest predicted chain below it): the critical path starts first.
 * - Across runs: shortest remaining predicted work first, with aging: a run's key drops
 *   by `agingRate` work-milliseconds per millisecond it has waited, so a long run cannot
 *   starve behind a stream of short ones.
 * - A user's priority overrides both (higher first); pools and maxActiveRuns are
 *   constraints the caller enforces before asking the policy to order what may start.
 */

export interface RankedTask {
  readonly id: string;
  readonly children: readonly string[];
}

/** Upward rank of every task: predicted own duration + the largest rank among its children. */
export function upwardRanks(tasks: readonly RankedTask[], predictedMs: (id: string) => number): Map<string, number> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const rank = new Map<string, number>();
  // Iterative post-order: deep DAGs (thousands of levels) must not overflow the stack.
  for (const root of tasks) {
    if (rank.has(root.id)) continue;
    const stack: [string, boolean][] = [[root.id, false]];
    while (stack.length > 0) {
      const [id, expanded] = stack.pop()!;
      if (rank.has(id)) continue;
      const task = byId.get(id)!;
      if (!expanded) {
        stack.push([id, true]);
        for (const c of task.children) if (!rank.has(c)) stack.push([c, false]);
        continue;
      }
      let below = 0;
      for (const c of task.children) below = Math.max(below, rank.get(c) ?? 0);
      rank.set(id, predictedMs(id) + below);
    }
  }
  return rank;
}

export const PolicyKind = { fifo: 'fifo', predicted: 'predicted' } as const;
export type PolicyKind = (typeof PolicyKind)[keyof typeof PolicyKind];

export interface PolicyOptions {
  readonly kind: PolicyKind;
  /** Work-milliseconds a run's key drops per millisecond since it arrived. */
  readonly agingRate?: number;
}

/** What the policy sees of a ready task. */
export interface ReadyTask {
  readonly userPriority: number;
  readonly upwardRank: number;
  /** Order in which tasks became ready (FIFO's only key). */
  readonly readySeq: number;
}

/** What the policy sees of a run with ready tasks. */
export interface RunBacklog {
  readonly arrivedAtMs: number;
  readonly remainingPredictedMs: number;
}

/** Negative when `a` should start before `b` within one run. */
export function compareTasks(policy: PolicyOptions, a: ReadyTask, b: ReadyTask): number {
  if (a.userPriority !== b.userPriority) return b.userPriority - a.userPriority;
  if (policy.kind === PolicyKind.predicted && a.upwardRank !== b.upwardRank) return b.upwardRank - a.upwardRank;
  return a.readySeq - b.readySeq;
}

/**
 * Key of a run's best ready task against other runs' (smaller starts first): user
 * priority first, then FIFO's ready order or the aged remaining predicted work.
 */
export function runKey(policy: PolicyOptions, run: RunBacklog, head: ReadyTask, nowMs: number): readonly number[] {
  if (policy.kind === PolicyKind.fifo) return [-head.userPriority, head.readySeq];
  return [-head.userPriority, agedWorkBase(policy, run) - (policy.agingRate ?? 1) * nowMs, head.readySeq];
}

/**
 * The run's aged remaining work without the clock: `remaining − rate × (now − arrived)`
 * is this minus `rate × now`, a term every run shares at one instant, so runs compare
 * the same by this constant, which the real queue stores on task rows and indexes
 * (the claim query has no clock term to sort by).
 */
export function agedWorkBase(policy: PolicyOptions, run: RunBacklog): number {
  return run.remainingPredictedMs + (policy.agingRate ?? 1) * run.arrivedAtMs;
}

/**
 * The real queue's claim order as stored columns (see claims.ts), ascending:
 * user priority, the run's aged work base, the task's upward rank (negated: longest
 * chain first), then the row id (FIFO's ready order). FIFO orders by priority and id only.
 */
export interface ClaimOrderKeys {
  readonly runKey: number;
  readonly rank: number;
}

export function claimOrderKeys(policy: PolicyOptions, run: RunBacklog, upwardRank: number): ClaimOrderKeys {
  return policy.kind === PolicyKind.fifo
    ? { runKey: 0, rank: 0 }
    : { runKey: agedWorkBase(policy, run), rank: upwardRank };
}

export function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
