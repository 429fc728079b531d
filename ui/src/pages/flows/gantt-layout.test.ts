import { describe, expect, it } from 'vitest';
import { layoutGantt, type GanttInput } from './gantt-layout';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

const running: GanttInput = {
  run: { createdAt: at(0), state: 'running' },
  now: at(20),
  etaMs: 10_000,
  tasks: [
    {
      taskId: 'extract',
      mapIndex: -1,
      state: 'success',
      attempt: 2,
      startedAt: at(6),
      expectedMs: 4000,
      overdue: false,
      attempts: [
        { attempt: 1, outcome: 'up_for_retry', queuedAt: at(0), startedAt: at(1), endedAt: at(3) },
        { attempt: 2, outcome: 'success', queuedAt: at(5), startedAt: at(6), endedAt: at(10) },
      ],
    },
    {
      taskId: 'load',
      mapIndex: 0,
      state: 'running',
      attempt: 1,
      startedAt: at(12),
      expectedMs: 5000,
      overdue: true,
      attempts: [{ attempt: 1, outcome: 'running', queuedAt: at(10), startedAt: at(12), endedAt: null }],
    },
    {
      taskId: 'report',
      mapIndex: -1,
      state: 'none',
      attempt: 0,
      startedAt: null,
      expectedMs: 3000,
      overdue: false,
      attempts: [],
    },
  ],
};

describe('layoutGantt', () => {
  it('draws queued and running spans per attempt on one time axis, up to now and the ETA', () => {
    const layout = layoutGantt(running, 300);
    // From the run's creation to its ETA (now + 10 s): 30 s over 300 px.
    expect([layout.startMs, layout.endMs]).toEqual([Date.parse(at(0)), Date.parse(at(30))]);
    expect(layout.eta).toEqual({ x: 300, at: Date.parse(at(30)) });
    expect(layout.nowX).toBe(200);
    const [extract, load, report] = layout.rows;
    expect(extract!.spans.map((s) => [s.kind, s.attempt, s.outcome, s.x, s.width])).toEqual([
      ['queued', 1, 'up_for_retry', 0, 10],
      ['running', 1, 'up_for_retry', 10, 20],
      ['queued', 2, 'success', 50, 10],
      ['running', 2, 'success', 60, 40],
    ]);
    expect(extract!.attempts).toBe(2);
    expect(extract!.actualMs).toBe(4000);
    expect(extract!.expected).toEqual({ x: 60, width: 40, ms: 4000 });
    expect(load!.label).toBe('load[0]');
    expect(load!.spans.at(-1)).toMatchObject({ kind: 'running', open: true, x: 120, width: 80 });
    expect(load!.overdue).toBe(true);
    expect(report!.spans).toEqual([]);
    expect(report!.expected).toBeNull();
  });

  it('ends a finished run at its last span, without ETA or now', () => {
    const layout = layoutGantt(
      {
        run: { createdAt: at(0), state: 'success' },
        now: at(500),
        etaMs: 99,
        tasks: [running.tasks[0]!],
      },
      100,
    );
    expect(layout.endMs).toBe(Date.parse(at(10)));
    expect(layout.eta).toBeNull();
    expect(layout.ticks[0]).toEqual({ x: 0, label: '0 ms' });
    expect(layout.ticks.length).toBeGreaterThanOrEqual(3);
    for (const tick of layout.ticks) expect(tick.x).toBeLessThanOrEqual(100);
  });
});
