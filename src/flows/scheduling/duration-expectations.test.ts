import { describe, expect, it } from 'vitest';
import { expectedMs, isOverdue, remainingMs, type DurationExpectation } from './duration-expectations.js';
import type { FlowPlan, PlanTask } from '../definition/flow-plan.js';
import { DEFAULT_RETRY } from '../definition/flow-definition.js';
import type { TaskInstanceSummary } from '../control/status-queries.js';
import { TaskState, TriggerRule } from '../queue/task-states.js';

const task = (id: string, upstream: string[]): PlanTask => ({
  id,
  upstream,
  downstream: [],
  inputs: {},
  triggerRule: TriggerRule.allSuccess,
  retry: DEFAULT_RETRY,
  priority: 0,
  reads: [],
  writes: [],
});
const plan: FlowPlan = {
  flowId: 'f',
  schedule: { kind: 'manual' },
  params: {},
  tasks: [task('a', []), task('b', ['a']), task('c', ['a']), task('d', ['b', 'c'])],
};
const expectation = (
  taskId: string,
  medianMs: number,
  spreadMs = 10,
  samples = 5,
  p90Ms = medianMs + spreadMs,
): DurationExpectation => ({
  taskId,
  medianMs,
  spreadMs,
  p90Ms,
  samples,
});
const instance = (
  taskId: string,
  state: TaskState,
  startedAt: Date | null = null,
  inputBytes: number | null = null,
): TaskInstanceSummary => ({
  id: 1,
  taskId,
  mapIndex: -1,
  state,
  attempt: 1,
  maxAttempts: 1,
  queuedAt: null,
  startedAt,
  endedAt: null,
  error: null,
  output: null,
  leaseOwner: null,
  childrenTotal: null,
  childrenUnfinished: null,
  inputBytes,
});

describe('remainingMs', () => {
  const expectations = new Map([
    ['a', expectation('a', 1000)],
    ['b', expectation('b', 5000)],
    ['c', expectation('c', 2000)],
    ['d', expectation('d', 500)],
  ]);
  const now = new Date('2026-01-01T00:00:10Z');

  it('is the critical path of unfinished tasks, crediting time already spent', () => {
    const instances = [
      instance('a', TaskState.success),
      instance('b', TaskState.running, new Date('2026-01-01T00:00:08Z')),
      instance('c', TaskState.queued),
      instance('d', TaskState.none),
    ];
    // b has 3 s left, c 2 s: d starts after 3 s and takes 0.5 s.
    expect(remainingMs(plan, instances, expectations, now)).toBe(3500);
  });

  it('is undefined when an unfinished task has no history', () => {
    expect(
      remainingMs(plan, [instance('a', TaskState.running, now)], new Map([['a', expectation('a', 1)]]), now),
    ).toBeUndefined();
  });
});

describe('expectations by input size', () => {
  const sized: DurationExpectation = { ...expectation('a', 1000, 100), msPerByte: 0.5 };

  it('scale with the input when sizes are known', () => {
    expect(expectedMs(sized, 10_000)).toBe(5000);
    expect(expectedMs(sized, null)).toBe(1000);
    // 10 kB is expected to take 5 s, so 33 s is within its margin; with no size known, 1 s is expected.
    expect(isOverdue(sized, 33_000, 10_000)).toBe(false);
    expect(isOverdue(sized, 33_000)).toBe(true);
  });

  it('stretch the critical path of a run whose task has a big input', () => {
    const big = [instance('a', TaskState.running, new Date('2026-01-01T00:00:10Z'), 10_000)];
    expect(
      remainingMs({ ...plan, tasks: [plan.tasks[0]!] }, big, new Map([['a', sized]]), new Date('2026-01-01T00:00:11Z')),
    ).toBe(4000);
  });
});

describe('isOverdue', () => {
  it('never flags a short task a few seconds past its usual time', () => {
    const short = expectation('a', 500, 50, 10, 600);
    expect(isOverdue(short, 2_500)).toBe(false);
    expect(isOverdue(short, 30_000)).toBe(false);
    expect(isOverdue(short, 30_600)).toBe(true);
  });

  it('allows a long task twice its slowest usual runs', () => {
    const long = expectation('a', 600_000, 60_000, 20, 720_000);
    expect(isOverdue(long, 1_200_000)).toBe(false);
    expect(isOverdue(long, 1_440_000)).toBe(false);
    expect(isOverdue(long, 1_440_001)).toBe(true);
  });

  it('allows a task with a wide spread its median plus four spreads', () => {
    const noisy = expectation('a', 60_000, 40_000, 20, 70_000);
    expect(isOverdue(noisy, 200_000)).toBe(false);
    expect(isOverdue(noisy, 220_001)).toBe(true);
  });

  it('never flags without enough history', () => {
    expect(isOverdue(expectation('a', 2000, 100, 2), 600_000)).toBe(false);
    expect(isOverdue(undefined, 600_000)).toBe(false);
  });
});
