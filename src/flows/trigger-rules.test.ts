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
