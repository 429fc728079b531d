import { describe, expect, it } from 'vitest';
import { simulate } from './schedule-simulator.js';
import { PolicyKind } from './priority-policy.js';
import { spotTaskPlan, withSpotCapacity, type SpotModel } from './spot-cost-model.js';

/** Draws replayed from a list: each u gives an interruption after −ln(1 − u) ÷ rate. */
const draws = (values: number[]) => () => values.shift()!;
const HOUR = 3_600_000;
const model: SpotModel = { spotPriceRatio: 0.3, interruptionsPerHour: 1, restartMs: 60_000, preemptionBudget: 2 };

describe('spot cost model', () => {
  it('keeps checkpointed progress across a preemption and pays the restart on spot', () => {
    // Interrupted after 30 min (u = 1 − e^−0.5), then no interruption in the remaining 30 min.
    const plan = spotTaskPlan(HOUR, model, draws([1 - Math.exp(-0.5), 1 - Math.exp(-5)]));
    expect(plan.preemptions).toBe(1);
    expect(plan.spotMs).toBeCloseTo(HOUR + 60_000, 3);
    expect(plan.onDemandMs).toBe(0);
    expect(plan.slotMs).toBeCloseTo(HOUR + 60_000, 3);
  });

  it('runs the rest on on-demand capacity once the preemption budget is spent', () => {
    // Two interruptions after 15 min each: 30 min left goes on-demand.
    const u = 1 - Math.exp(-0.25);
    const plan = spotTaskPlan(HOUR, model, draws([u, u]));
    expect(plan.preemptions).toBe(2);
    expect(plan.spotMs).toBeCloseTo(HOUR / 2 + 2 * 60_000, 3);
    expect(plan.onDemandMs).toBeCloseTo(HOUR / 2, 3);
  });

  it('costs the spot price for uninterrupted work, and the simulator runs the slot times', () => {
    const run = {
      id: 'r',
      flowId: 'f',
      arrivalMs: 0,
      tasks: [
        { id: 'a', parents: [], children: ['b'], runtimeMs: HOUR, predictedMs: HOUR },
        { id: 'b', parents: ['a'], children: [], runtimeMs: HOUR, predictedMs: HOUR },
      ],
    };
    const never = () => 0;
    const calm = withSpotCapacity([run], { ...model, interruptionsPerHour: 0 }, never);
    expect(calm.spotCost / calm.onDemandCost).toBeCloseTo(0.3, 9);
    // a preempted once at 30 min (then 5 h to the next draw), b never: a's slot is 61 min.
    const once = withSpotCapacity([run], model, draws([1 - Math.exp(-0.5), 1 - Math.exp(-5), 1 - Math.exp(-5)]));
    expect(once.preemptions).toBe(1);
    const { makespanMs } = simulate(once.runs, { workers: 1, policy: { kind: PolicyKind.predicted } });
    expect(makespanMs).toBeCloseTo(2 * HOUR + 60_000, 3);
    expect(once.spotCost).toBeCloseTo(0.3 * (2 * HOUR + 60_000), 3);
  });
});
