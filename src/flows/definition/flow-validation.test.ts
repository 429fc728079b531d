import { describe, expect, it } from 'vitest';
import { FlowDefinitionError } from '../errors.js';
import {
  DEFAULT_RETRY,
  defineFlow,
  MANUAL_SCHEDULE,
  type FlowOptions,
  type FlowParams,
  type TaskDefinition,
  type TaskRef,
} from './flow-definition.js';
import { validateFlow } from './flow-validation.js';
import { cron, every, onTableUpdate } from './schedules.js';
import { TriggerRule } from '../queue/task-states.js';

const noop = (): number => 1;
const ref = (flowId: string, taskId: string): TaskRef<unknown> => ({ kind: 'task-ref', flowId, taskId });
const oneTask = (options: FlowOptions<FlowParams>) => () => defineFlow(options, (f) => void f.task('a', noop));

function task(id: string, upstream: string[] = [], extra: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    id,
    upstream,
    inputs: {},
    triggerRule: TriggerRule.allSuccess,
    retry: DEFAULT_RETRY,
    priority: 0,
    reads: [],
    writes: [],
    run: async () => null,
    ...extra,
  };
}

/** The FlowDefinitionError message thrown by `define`. */
function problem(define: () => unknown): string {
  try {
    define();
  } catch (error) {
    expect(error).toBeInstanceOf(FlowDefinitionError);
    return (error as Error).message;
  }
  throw new Error('expected a FlowDefinitionError');
}

describe('validateFlow: the definition it returns', () => {
  const flow = defineFlow({ id: 'orders', params: { day: '2026-01-01', limits: { max: 3, tags: ['a'] } } }, (f) => {
    const report = ref('orders', 'report');
    const extract = f.task('extract', noop);
    const days = f.task('days', async () => ['a', 'b']);
    f.task('report', { inputs: { extract } }, noop);
    f.map('per_day', days, { after: [report] }, noop);
    f.task('audit', { after: [extract] }, noop);
    f.task('z_first', noop);
  });

  it('orders tasks topologically: always the earliest-declared ready task next', () => {
    // per_day is declared before report, which it runs after.
    expect([...flow.tasks.keys()]).toEqual(['extract', 'days', 'report', 'per_day', 'audit', 'z_first']);
    const inOrder = defineFlow({ id: 'in_order' }, (f) => {
      const a = f.task('a', noop);
      f.task('b', noop);
      f.task('c', { after: [a] }, noop);
    });
    expect([...inOrder.tasks.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('lists every task in the downstream map, sorted', () => {
    expect(Object.fromEntries(flow.downstream)).toEqual({
      extract: ['audit', 'report'],
      days: ['per_day'],
      z_first: [],
      report: ['per_day'],
      audit: [],
      per_day: [],
    });
  });

  it('fills in defaults', () => {
    expect(flow.schedule).toBe(MANUAL_SCHEDULE);
    expect(flow).toMatchObject({ kind: 'flow', id: 'orders', catchup: false, maxActiveRuns: 16, tags: [] });
    expect(flow.startDate).toBeUndefined();
    const bare = defineFlow({ id: 'bare' }, (f) => void f.task('a', noop));
    expect(bare.params).toEqual({});
  });

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(flow)).toBe(true);
    expect(Object.isFrozen(flow.params)).toBe(true);
    expect(Object.isFrozen((flow.params.limits as { tags: string[] }).tags)).toBe(true);
    expect(Object.isFrozen(flow.tasks.get('report'))).toBe(true);
    expect(Object.isFrozen(flow.tasks.get('report')?.upstream)).toBe(true);
    expect(Object.isFrozen(flow.downstream.get('extract'))).toBe(true);
    expect(() => (flow.tasks as Map<string, TaskDefinition>).set('x', task('x'))).toThrow(/immutable/);
    expect(() => (flow.downstream as Map<string, string[]>).delete('extract')).toThrow(/immutable/);
    expect(flow.tasks.size).toBe(6);
  });

  it('keeps the given settings', () => {
    const scheduled = defineFlow(
      {
        id: 'scheduled',
        schedule: cron('0 3 * * *', { timezone: 'Europe/Paris' }),
        catchup: true,
        maxActiveRuns: 2,
        startDate: '2026-01-01T00:00:00Z',
        tags: ['finance'],
      },
      (f) => void f.task('a', { retries: 3, timeoutMs: 1_000 }, noop),
    );
    expect(scheduled).toMatchObject({
      schedule: { kind: 'cron', expression: '0 3 * * *', timezone: 'Europe/Paris' },
      catchup: true,
      maxActiveRuns: 2,
      startDate: '2026-01-01T00:00:00Z',
      tags: ['finance'],
    });
    expect(scheduled.tasks.get('a')).toMatchObject({ retry: { retries: 3 }, timeoutMs: 1_000 });
  });
});

describe('validateFlow: refusals', () => {
  it('refuses bad flow and task ids, and duplicates', () => {
    expect(problem(oneTask({ id: '1flow' }))).toContain('Flow "1flow": the flow id must start with a letter');
    expect(problem(oneTask({ id: 'a'.repeat(101) }))).toContain('the flow id must');
    expect(problem(() => defineFlow({ id: 'f' }, (f) => void f.task('bad id', noop)))).toContain(
      'task id "bad id" is invalid',
    );
    expect(
      problem(() =>
        defineFlow({ id: 'f' }, (f) => {
          f.task('a', noop);
          f.task('a', noop);
        }),
      ),
    ).toBe('[FLOW_DEFINITION] Flow "f": task id "a" is declared twice; give each task its own id.');
    expect(problem(() => defineFlow({ id: 'empty' }, () => undefined))).toContain('Flow "empty": declares no tasks');
  });

  it('refuses dependencies on undeclared tasks, including tasks of another flow', () => {
    expect(
      problem(() => defineFlow({ id: 'f' }, (f) => void f.task('a', { after: [ref('f', 'ghost')] }, noop))),
    ).toContain('task "a" depends on "ghost", which is not declared in this flow');
    const other = ref('other_flow', 'a');
    const message = problem(() =>
      defineFlow({ id: 'f' }, (f) => {
        f.task('a', noop);
        f.task('b', { inputs: { x: other } }, noop);
      }),
    );
    expect(message).toContain('task "b" depends on task "a" of another flow ("other_flow")');
  });

  it('names the cycle path', () => {
    const message = problem(() =>
      defineFlow({ id: 'loop' }, (f) => {
        f.task('start', noop);
        f.task('a', { after: [ref('loop', 'c')] }, noop);
        f.task('b', { after: [ref('loop', 'a')] }, noop);
        f.task('c', { after: [ref('loop', 'b'), ref('loop', 'start')] }, noop);
      }),
    );
    expect(message).toContain('has a dependency cycle: a -> b -> c -> a;');
    expect(
      problem(() => defineFlow({ id: 'self' }, (f) => void f.task('a', { after: [ref('self', 'a')] }, noop))),
    ).toContain('a -> a');
  });

  it('refuses a mapOver that is not an upstream', () => {
    const message = problem(() => validateFlow({ id: 'm' }, [task('a'), task('b', [], { mapOver: 'a' })]));
    expect(message).toContain('task "b" maps over "a", which is not one of its upstream tasks');
  });

  it('refuses bad schedules', () => {
    expect(problem(oneTask({ id: 'f', schedule: cron('61 * * * *') }))).toMatch(
      /cron expression "61 \* \* \* \*" is invalid \(.*minute.*\)/,
    );
    expect(problem(oneTask({ id: 'f', schedule: cron('0 0 30 2 *') }))).toContain('never fires');
    expect(problem(oneTask({ id: 'f', schedule: cron('0 3 * * *', { timezone: 'Mars/Olympus' }) }))).toContain(
      'time zone "Mars/Olympus" is not an IANA time zone',
    );
    expect(problem(oneTask({ id: 'f', schedule: every({ minutes: 0 }) }))).toContain('interval schedule of 0 ms');
    expect(problem(oneTask({ id: 'f', schedule: every({ minutes: -5 }) }))).toContain(
      'interval schedule of -300000 ms',
    );
    expect(problem(oneTask({ id: 'f', schedule: onTableUpdate() }))).toContain('onTableUpdate() names no tables');
  });

  it('refuses params that are not JSON values', () => {
    expect(problem(oneTask({ id: 'f', params: { when: new Date() } as never }))).toContain(
      'params.when is a Date object',
    );
    expect(problem(oneTask({ id: 'f', params: { n: Number.NaN } }))).toContain('params.n is NaN');
    expect(problem(oneTask({ id: 'f', params: { list: [1, undefined] } as never }))).toContain(
      'params.list[1] is undefined, which is not a JSON value',
    );
    expect(problem(oneTask({ id: 'f', params: { fn: noop } as never }))).toContain('params.fn is a function');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(problem(oneTask({ id: 'f', params: circular as never }))).toContain('params.self is a circular reference');
    const shared = { x: 1 };
    expect(defineFlow({ id: 'f', params: { a: shared, b: shared } }, (f) => void f.task('a', noop)).params).toEqual({
      a: { x: 1 },
      b: { x: 1 },
    });
  });

  it('refuses bad run and task settings', () => {
    expect(problem(oneTask({ id: 'f', maxActiveRuns: 0 }))).toContain(
      'maxActiveRuns must be a whole number of at least 1, not 0',
    );
    expect(problem(() => defineFlow({ id: 'f' }, (f) => void f.task('a', { retries: -1 }, noop)))).toContain(
      'task "a" has retries -1',
    );
    expect(problem(() => defineFlow({ id: 'f' }, (f) => void f.task('a', { retries: 1.5 }, noop)))).toContain(
      'task "a" has retries 1.5',
    );
    expect(problem(() => defineFlow({ id: 'f', defaults: { timeoutMs: 0 } }, (f) => void f.task('a', noop)))).toContain(
      'task "a" has timeoutMs 0',
    );
    expect(problem(oneTask({ id: 'f', startDate: 'yesterday' }))).toContain(
      'startDate "yesterday" is not an ISO 8601 date',
    );
    expect(problem(oneTask({ id: 'f', startDate: '2026-02-30' }))).toContain('startDate "2026-02-30"');
    expect(defineFlow({ id: 'f', startDate: '2026-02-28' }, (f) => void f.task('a', noop)).startDate).toBe(
      '2026-02-28',
    );
  });
});
