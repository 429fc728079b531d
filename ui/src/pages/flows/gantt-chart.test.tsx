// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GanttView } from './flow-api';
import { GanttChart } from './gantt-chart';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const attempt = (n: number, outcome: string, q: number, s: number | null, e: number | null) => ({
  attempt: n,
  outcome,
  queuedAt: at(q),
  startedAt: s === null ? null : at(s),
  endedAt: e === null ? null : at(e),
  workerId: null,
});
const task = (taskId: string, state: string, attempts: ReturnType<typeof attempt>[], expectedMs: number | null) => ({
  taskId,
  mapIndex: -1,
  state,
  attempt: attempts.length,
  maxAttempts: 2,
  queuedAt: attempts[0]?.queuedAt ?? null,
  startedAt: attempts.at(-1)?.startedAt ?? null,
  endedAt: attempts.at(-1)?.endedAt ?? null,
  expectedMs,
  overdue: false,
  attempts,
});

const view = {
  run: {
    id: 7,
    flowId: 'demo',
    kind: 'manual',
    state: 'running',
    params: {},
    logicalDate: null,
    createdAt: at(0),
    startedAt: at(0),
    endedAt: null,
    tasksTotal: 2,
    tasksDone: 1,
  },
  etaMs: 5000,
  liveWorkers: 1,
  now: at(12),
  tasks: [
    task('extract', 'success', [attempt(1, 'up_for_retry', 0, 1, 2), attempt(2, 'success', 3, 4, 8)], 3000),
    task('load', 'running', [attempt(1, 'running', 8, 9, null)], 6000),
  ],
} as unknown as GanttView;

afterEach(cleanup);

describe('GanttChart', () => {
  it('draws every attempt of every task, the running one open, with expected vs actual', () => {
    const { container } = render(<GanttChart view={view} selected="load" onSelect={() => undefined} />);
    expect(screen.getByRole('group', { name: 'Gantt chart of run 7' })).toBeTruthy();
    const rows = container.querySelectorAll('[data-task]');
    expect([...rows].map((r) => [r.getAttribute('data-task'), r.getAttribute('data-state')])).toEqual([
      ['extract', 'success'],
      ['load', 'running'],
    ]);
    const extractSpans = rows[0]!.querySelectorAll('[data-span]');
    expect([...extractSpans].map((s) => `${s.getAttribute('data-span')}:${s.getAttribute('data-outcome')}`)).toEqual([
      'queued:up_for_retry',
      'running:up_for_retry',
      'queued:success',
      'running:success',
    ]);
    expect(rows[0]!.textContent).toContain('4.0 s / 3.0 s expected');
    expect(screen.getByRole('button', { name: 'load' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByLabelText('Run ETA').textContent).toContain('in 5.0 s');
  });

  it('selects a task by its row', () => {
    const onSelect = vi.fn();
    render(<GanttChart view={view} selected={null} onSelect={onSelect} />);
    fireEvent.click(screen.getByRole('button', { name: 'extract' }));
    expect(onSelect).toHaveBeenCalledWith('extract');
  });
});
