/**
 * A cost model for interruptible tasks on spot capacity, applied to simulator runs.
 * Each task runs on a spot worker; interruptions arrive as a Poisson process at
 * `interruptionsPerHour` of busy spot time. An interruption is a notice: the task
 * checkpoints within the grace period (ctx.checkpoint.save), so its progress is kept,
 * and its next attempt resumes after `restartMs` (a new node, the process started, the
 * checkpoint loaded), billed as spot time. Preemptions do not consume the task's retries
 * (a separate system budget, `preemptionBudget`): once a task has been preempted that
 * many times, the rest of it runs on on-demand capacity, where nothing interrupts it.
 * The task's slot time in the simulator becomes the sum of its segments, so makespans
 * come from the same simulator and policy as every other figure; cost is billed per busy
 * millisecond, on-demand at 1 and spot at `spotPriceRatio`.
 */
import type { SimRun } from './schedule-simulator.js';

export interface SpotModel {
  /** Spot price ÷ on-demand price. */
  readonly spotPriceRatio: number;
  readonly interruptionsPerHour: number;
  readonly restartMs: number;
  /** Preemptions a task may take before its remaining work goes to on-demand capacity. */
  readonly preemptionBudget: number;
}

export interface SpotTaskPlan {
  /** Slot time: spot segments, restarts, then any on-demand remainder. */
  readonly slotMs: number;
  readonly spotMs: number;
  readonly onDemandMs: number;
  readonly preemptions: number;
}

const HOUR_MS = 3_600_000;

/** How one task of `runtimeMs` fares on spot capacity (`random` in [0, 1) draws the interruptions). */
export function spotTaskPlan(runtimeMs: number, model: SpotModel, random: () => number): SpotTaskPlan {
  let left = runtimeMs;
  let spotMs = 0;
  let preemptions = 0;
  const rate = model.interruptionsPerHour / HOUR_MS;
  while (left > 0 && preemptions < model.preemptionBudget) {
    const until = rate > 0 ? -Math.log(1 - random()) / rate : Infinity;
    if (until >= left) {
      spotMs += left;
      left = 0;
      break;
    }
    // Checkpointed at the notice: the work done is kept; the restart is paid again on spot.
    spotMs += until + model.restartMs;
    left -= until;
    preemptions++;
  }
  return { slotMs: spotMs + left, spotMs, onDemandMs: left, preemptions };
}

export interface SpotOutcome {
  /** The runs with each task's slot time replaced by its spot plan's. */
  readonly runs: SimRun[];
  readonly spotCost: number;
  readonly onDemandCost: number;
  readonly preemptions: number;
}

/** `onDemandCost` is what the same work costs on on-demand capacity alone (the baseline). */
export function withSpotCapacity(runs: readonly SimRun[], model: SpotModel, random: () => number): SpotOutcome {
  let spotCost = 0;
  let onDemandCost = 0;
  let preemptions = 0;
  const planned = runs.map((run) => ({
    ...run,
    tasks: run.tasks.map((task) => {
      const plan = spotTaskPlan(task.runtimeMs, model, random);
      spotCost += plan.spotMs * model.spotPriceRatio + plan.onDemandMs;
      onDemandCost += task.runtimeMs;
      preemptions += plan.preemptions;
      return { ...task, runtimeMs: plan.slotMs };
    }),
  }));
  return { runs: planned, spotCost, onDemandCost, preemptions };
}
