import { describe, expect, it } from 'vitest';
import { PolicyKind, upwardRanks } from './priority-policy.js';
import { makespanLowerBound, simulate, type SimRun, type SimTask } from './schedule-simulator.js';

function task(
  id: string,
  runtimeMs: number,
  parents: string[] = [],
  children: string[] = [],
  extra: Partial<SimTask> = {},
): SimTask {
  return { id, parents, children, runtimeMs, predictedMs: runtimeMs, ...extra };
}

const fifo = { kind: PolicyKind.fifo } as const;
const predicted = { kind: PolicyKind.predicted } as const;

// Two short independent tasks listed first, then a chain l(2) → m(3); two workers.
const chainRun: SimRun = {
  id: 'r',
  flowId: 'f',
  arrivalMs: 0,
  tasks: [task('s1', 1), task('s2', 1), task('l', 2, [], ['m']), task('m', 3, ['l'])],
};

describe('schedule simulator (hand-computed schedules)', () => {
  it('FIFO starts in ready order: s1, s2 at 0; l at 1; m at 3; makespan 6', () => {
    const result = simulate([chainRun], { workers: 2, policy: fifo });
    expect(result.starts.map((s) => [s.taskId, s.startMs, s.endMs])).toEqual([
      ['s1', 0, 1],
      ['s2', 0, 1],
      ['l', 1, 3],
      ['m', 3, 6],
    ]);
    expect(result.makespanMs).toBe(6);
  });

  it('upward rank starts the critical chain first: l, s1 at 0; s2 at 1; m at 2; makespan 5 = lower bound', () => {
    expect(
      Object.fromEntries(upwardRanks(chainRun.tasks, (id) => chainRun.tasks.find((t) => t.id === id)!.runtimeMs)),
    ).toEqual({
      s1: 1,
      s2: 1,
      l: 5,
      m: 3,
    });
    const result = simulate([chainRun], { workers: 2, policy: predicted });
    expect(result.starts.map((s) => [s.taskId, s.startMs])).toEqual([
      ['l', 0],
      ['s1', 0],
      ['s2', 1],
      ['m', 2],
    ]);
    expect(result.makespanMs).toBe(5);
    expect(makespanLowerBound(chainRun.tasks, 2)).toBe(5);
  });

  const long: SimRun = {
    id: 'A',
    flowId: 'a',
    arrivalMs: 0,
    tasks: [task('a1', 1, [], ['a2']), task('a2', 10, ['a1'])],
  };
  const short: SimRun = { id: 'B', flowId: 'b', arrivalMs: 1, tasks: [task('b', 2)] };
  const jct = (r: ReturnType<typeof simulate>, id: string) => r.runs.get(id)!.finishMs - r.runs.get(id)!.arrivalMs;

  it('across runs FIFO serves the earlier-ready task, shortest remaining work serves the short run', () => {
    const f = simulate([long, short], { workers: 1, policy: fifo });
    expect([jct(f, 'A'), jct(f, 'B')]).toEqual([11, 12]);
    const p = simulate([long, short], { workers: 1, policy: predicted });
    expect([jct(p, 'A'), jct(p, 'B')]).toEqual([13, 2]);
  });

  it('aging lets a long run that has waited go first', () => {
    const p = simulate([long, short], { workers: 1, policy: { kind: PolicyKind.predicted, agingRate: 100 } });
    expect([jct(p, 'A'), jct(p, 'B')]).toEqual([11, 12]);
  });

  it('a user priority overrides the prediction', () => {
    const urgent: SimRun = { ...long, tasks: [long.tasks[0]!, { ...long.tasks[1]!, priority: 5 }] };
    const p = simulate([urgent, short], { workers: 1, policy: predicted });
    expect([jct(p, 'A'), jct(p, 'B')]).toEqual([11, 12]);
  });

  it('respects maxActiveRuns per flow and pool slots', () => {
    const one: SimRun = { id: 'r1', flowId: 'f', arrivalMs: 0, tasks: [task('t', 3)] };
    const two: SimRun = { id: 'r2', flowId: 'f', arrivalMs: 0, tasks: [task('t', 1)] };
    const limited = simulate([one, two], { workers: 2, policy: predicted, maxActiveRuns: 1 });
    expect(limited.runs.get('r2')!.finishMs).toBe(4);
    const pooled: SimRun = {
      id: 'p',
      flowId: 'f',
      arrivalMs: 0,
      tasks: [task('x', 2, [], [], { pool: 'db' }), task('y', 2, [], [], { pool: 'db' }), task('z', 1)],
    };
    const result = simulate([pooled], { workers: 3, policy: fifo, pools: { db: 1 } });
    expect(result.starts.map((s) => [s.taskId, s.startMs])).toEqual([
      ['x', 0],
      ['z', 0],
      ['y', 2],
    ]);
  });
});
