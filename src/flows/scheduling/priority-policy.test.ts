import { describe, expect, it } from 'vitest';
import { claimOrderKeys, compareKeys, PolicyKind, runKey, type PolicyOptions } from './priority-policy.js';

describe('claim order keys', () => {
  const policy: PolicyOptions = { kind: PolicyKind.predicted, agingRate: 0.5 };
  const runs = [
    { arrivedAtMs: 1_000, remainingPredictedMs: 90_000 },
    { arrivedAtMs: 40_000, remainingPredictedMs: 50_000 },
    { arrivedAtMs: 70_000, remainingPredictedMs: 5_000 },
  ];
  const head = { userPriority: 0, upwardRank: 0, readySeq: 0 };

  it('order runs as the simulator does at every instant (aging has no clock term to store)', () => {
    for (const now of [80_000, 200_000, 10_000_000]) {
      const bySim = [0, 1, 2].sort((a, b) =>
        compareKeys(runKey(policy, runs[a]!, head, now), runKey(policy, runs[b]!, head, now)),
      );
      const byClaim = [0, 1, 2].sort(
        (a, b) => claimOrderKeys(policy, runs[a]!, 0).runKey - claimOrderKeys(policy, runs[b]!, 0).runKey,
      );
      expect(byClaim).toEqual(bySim);
    }
    // Shortest remaining work first: 5 s run (arrived last) before the 50 s one before the 90 s one.
    expect(
      [0, 1, 2].sort((a, b) => claimOrderKeys(policy, runs[a]!, 0).runKey - claimOrderKeys(policy, runs[b]!, 0).runKey),
    ).toEqual([2, 1, 0]);
  });

  it('ages: a run that waited long enough goes before a shorter newcomer', () => {
    const old = claimOrderKeys(policy, { arrivedAtMs: 0, remainingPredictedMs: 100_000 }, 0).runKey;
    const young = claimOrderKeys(policy, { arrivedAtMs: 300_000, remainingPredictedMs: 1_000 }, 0).runKey;
    expect(old).toBeLessThan(young);
  });

  it('keeps no keys under FIFO and the upward rank under the predicted policy', () => {
    expect(claimOrderKeys({ kind: PolicyKind.fifo }, runs[0]!, 7)).toEqual({ runKey: 0, rank: 0 });
    expect(claimOrderKeys(policy, runs[0]!, 7).rank).toBe(7);
  });
});
