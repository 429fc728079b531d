import { describe, expect, it } from 'vitest';
import { TriggerRule } from './task-states.js';
import { decideTrigger } from './trigger-rules.js';

const counts = (success: number, failed: number, skipped: number, total = 3) => ({ total, success, failed, skipped });

describe('decideTrigger', () => {
  it.each([
    [TriggerRule.allSuccess, counts(3, 0, 0), 'run'],
    [TriggerRule.allSuccess, counts(2, 0, 0), 'wait'],
    [TriggerRule.allSuccess, counts(1, 1, 0), 'upstream_failed'],
    [TriggerRule.allSuccess, counts(2, 0, 1), 'skipped'],
    [TriggerRule.allFailed, counts(0, 3, 0), 'run'],
    [TriggerRule.allFailed, counts(1, 0, 0), 'skipped'],
    [TriggerRule.allDone, counts(1, 1, 0), 'wait'],
    [TriggerRule.allDone, counts(1, 1, 1), 'run'],
    [TriggerRule.allSkipped, counts(0, 0, 3), 'run'],
    [TriggerRule.allSkipped, counts(0, 1, 0), 'skipped'],
    [TriggerRule.oneSuccess, counts(1, 0, 0), 'run'],
    [TriggerRule.oneSuccess, counts(0, 2, 1), 'upstream_failed'],
    [TriggerRule.oneSuccess, counts(0, 0, 3), 'skipped'],
    [TriggerRule.oneFailed, counts(0, 1, 0), 'run'],
    [TriggerRule.oneFailed, counts(3, 0, 0), 'skipped'],
    [TriggerRule.oneDone, counts(0, 0, 2), 'wait'],
    [TriggerRule.oneDone, counts(0, 1, 0), 'run'],
    [TriggerRule.noneFailed, counts(2, 0, 1), 'run'],
    [TriggerRule.noneFailed, counts(1, 1, 0), 'upstream_failed'],
    [TriggerRule.noneFailedMinOneSuccess, counts(0, 0, 3), 'skipped'],
    [TriggerRule.noneFailedMinOneSuccess, counts(1, 0, 2), 'run'],
    [TriggerRule.noneSkipped, counts(2, 1, 0), 'run'],
    [TriggerRule.noneSkipped, counts(0, 0, 1), 'skipped'],
    [TriggerRule.always, counts(0, 0, 0), 'run'],
  ] as const)('%s with %o → %s', (rule, given, expected) => {
    expect(decideTrigger(rule, given)).toBe(expected);
  });
});

describe('decideTrigger keeps waiting until the outcome is decided', () => {
  it.each([
    // Nothing finished yet: every rule but `always` waits.
    [TriggerRule.allSuccess, counts(0, 0, 0), 'wait'],
    [TriggerRule.allFailed, counts(0, 0, 0), 'wait'],
    [TriggerRule.allDone, counts(0, 0, 0), 'wait'],
    [TriggerRule.allSkipped, counts(0, 0, 0), 'wait'],
    [TriggerRule.oneSuccess, counts(0, 0, 0), 'wait'],
    [TriggerRule.oneFailed, counts(0, 0, 0), 'wait'],
    [TriggerRule.oneDone, counts(0, 0, 0), 'wait'],
    [TriggerRule.noneFailed, counts(0, 0, 0), 'wait'],
    [TriggerRule.noneFailedMinOneSuccess, counts(0, 0, 0), 'wait'],
    [TriggerRule.noneSkipped, counts(0, 0, 0), 'wait'],
    // Some finished, none decides the rule yet.
    [TriggerRule.allFailed, counts(0, 2, 0), 'wait'],
    [TriggerRule.allSkipped, counts(0, 0, 2), 'wait'],
    [TriggerRule.allDone, counts(0, 0, 2), 'wait'],
    [TriggerRule.allDone, counts(0, 2, 0), 'wait'],
    [TriggerRule.oneSuccess, counts(0, 1, 1), 'wait'],
    [TriggerRule.oneFailed, counts(1, 0, 1), 'wait'],
    [TriggerRule.oneFailed, counts(0, 0, 2), 'wait'],
    [TriggerRule.noneFailed, counts(1, 0, 1), 'wait'],
    [TriggerRule.noneFailedMinOneSuccess, counts(1, 0, 1), 'wait'],
    [TriggerRule.noneFailedMinOneSuccess, counts(0, 0, 2), 'wait'],
    [TriggerRule.noneSkipped, counts(1, 1, 0), 'wait'],
    // Only skipped upstreams count as done too.
    [TriggerRule.allDone, counts(0, 0, 3), 'run'],
    [TriggerRule.allDone, counts(0, 3, 0), 'run'],
    [TriggerRule.oneDone, counts(0, 0, 3), 'skipped'],
    [TriggerRule.oneDone, counts(1, 0, 0), 'run'],
    [TriggerRule.oneFailed, counts(0, 0, 3), 'skipped'],
    [TriggerRule.oneFailed, counts(2, 0, 1), 'skipped'],
    [TriggerRule.oneSuccess, counts(0, 3, 0), 'upstream_failed'],
    [TriggerRule.oneSuccess, counts(0, 1, 2), 'upstream_failed'],
    // Early decisions while others still run.
    [TriggerRule.allSuccess, counts(0, 0, 1), 'skipped'],
    [TriggerRule.allSuccess, counts(0, 1, 1), 'upstream_failed'],
    [TriggerRule.allFailed, counts(0, 1, 1), 'skipped'],
    [TriggerRule.allSkipped, counts(1, 0, 1), 'skipped'],
    [TriggerRule.noneFailed, counts(0, 1, 0), 'upstream_failed'],
    [TriggerRule.noneSkipped, counts(1, 0, 1), 'skipped'],
    [TriggerRule.noneSkipped, counts(0, 3, 0), 'run'],
    [TriggerRule.always, counts(0, 3, 0), 'run'],
    // A total of zero is done at once.
    [TriggerRule.allSuccess, counts(0, 0, 0, 0), 'run'],
    [TriggerRule.oneSuccess, counts(0, 0, 0, 0), 'skipped'],
  ] as const)('%s with %o → %s', (rule, given, expected) => {
    expect(decideTrigger(rule, given)).toBe(expected);
  });

  it('tells none_failed from none_failed_min_one_success', () => {
    const cases = [counts(0, 0, 3), counts(1, 0, 2), counts(3, 0, 0), counts(0, 1, 2), counts(0, 0, 2)];
    const pairs = cases.map((c) => [
      decideTrigger(TriggerRule.noneFailed, c),
      decideTrigger(TriggerRule.noneFailedMinOneSuccess, c),
    ]);
    expect(pairs).toEqual([
      ['run', 'skipped'], // all skipped: only the min-one-success rule needs a success
      ['run', 'run'],
      ['run', 'run'],
      ['upstream_failed', 'upstream_failed'],
      ['wait', 'wait'],
    ]);
  });
});
