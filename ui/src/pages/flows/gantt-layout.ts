/**
 * A run's Gantt chart as data: one row per task instance, each attempt drawn as a queued
 * span (queued → started) and a running span (started → ended, or now while it runs),
 * the scheduler's expected duration as an outline from the current attempt's start, and
 * the run's ETA as a marker. Times are milliseconds; `x` maps them to [0, width]. Pure,
 * so the chart's geometry is tested without a browser; the server's `now` is used for
 * spans under way, so a browser with a skewed clock draws the same chart.
 */
import { durationText } from './flow-format';

export interface GanttInputAttempt {
  readonly attempt: number;
  readonly outcome: string;
  readonly queuedAt: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
}

export interface GanttInputTask {
  readonly taskId: string;
  readonly mapIndex: number;
  readonly state: string;
  readonly attempt: number;
  readonly startedAt: string | null;
  readonly expectedMs: number | null;
  readonly overdue: boolean;
  readonly attempts: readonly GanttInputAttempt[];
}

export interface GanttInput {
  readonly run: { readonly createdAt: string; readonly state: string };
  readonly etaMs: number | null;
  readonly now: string;
  readonly tasks: readonly GanttInputTask[];
}

export interface GanttSpan {
  readonly kind: 'queued' | 'running';
  readonly attempt: number;
  /** The attempt's outcome: success, failed, up_for_retry, …, or running/queued while under way. */
  readonly outcome: string;
  readonly x: number;
  readonly width: number;
  readonly startMs: number;
  readonly endMs: number;
  /** Still going (its end is now). */
  readonly open: boolean;
}

export interface GanttRow {
  readonly key: string;
  readonly label: string;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly state: string;
  readonly attempts: number;
  readonly overdue: boolean;
  readonly spans: readonly GanttSpan[];
  /** Where the current attempt is expected to end (from its start), when the scheduler has an expectation. */
  readonly expected: { readonly x: number; readonly width: number; readonly ms: number } | null;
  /** Actual duration of the last running span (ms), for the "expected vs actual" label. */
  readonly actualMs: number | null;
}

export interface GanttTick {
  readonly x: number;
  readonly label: string;
}

export interface GanttLayout {
  readonly startMs: number;
  readonly endMs: number;
  readonly rows: readonly GanttRow[];
  readonly nowX: number;
  /** The run's expected end, when it has an ETA. */
  readonly eta: { readonly x: number; readonly at: number } | null;
  readonly ticks: readonly GanttTick[];
}

const time = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

export function layoutGantt(view: GanttInput, width: number): GanttLayout {
  const now = Date.parse(view.now);
  const open = view.run.state === 'queued' || view.run.state === 'running';
  const etaAt = open && view.etaMs !== null ? now + view.etaMs : null;
  const raw = view.tasks.map((task) => {
    const spans: Omit<GanttSpan, 'x' | 'width'>[] = [];
    for (const a of task.attempts) {
      const queued = time(a.queuedAt);
      const started = time(a.startedAt);
      const ended = time(a.endedAt);
      if (queued !== null && (started === null || started > queued))
        spans.push({
          kind: 'queued',
          attempt: a.attempt,
          outcome: a.outcome,
          startMs: queued,
          endMs: started ?? now,
          open: started === null,
        });
      if (started !== null)
        spans.push({
          kind: 'running',
          attempt: a.attempt,
          outcome: a.outcome,
          startMs: started,
          endMs: ended ?? now,
          open: ended === null,
        });
    }
    const start = time(task.startedAt);
    const expected = task.expectedMs !== null && start !== null ? { from: start, ms: task.expectedMs } : null;
    const lastRun = [...spans].reverse().find((s) => s.kind === 'running');
    return { task, spans, expected, actualMs: lastRun === undefined ? null : lastRun.endMs - lastRun.startMs };
  });
  const instants = [
    Date.parse(view.run.createdAt),
    ...raw.flatMap((r) => r.spans.flatMap((s) => [s.startMs, s.endMs])),
    ...raw.flatMap((r) => (r.expected === null ? [] : [r.expected.from + r.expected.ms])),
    ...(open ? [now] : []),
    ...(etaAt === null ? [] : [etaAt]),
  ];
  const startMs = Math.min(...instants);
  // A zero-length run still gets a visible axis.
  const endMs = Math.max(startMs + 1000, ...instants);
  const scale = width / (endMs - startMs);
  const x = (ms: number) => (ms - startMs) * scale;
  return {
    startMs,
    endMs,
    nowX: x(Math.min(Math.max(now, startMs), endMs)),
    eta: etaAt === null ? null : { x: x(etaAt), at: etaAt },
    ticks: ticks(startMs, endMs).map((ms) => ({ x: x(ms), label: durationText(ms - startMs) })),
    rows: raw.map(({ task, spans, expected, actualMs }) => ({
      key: `${task.taskId}|${task.mapIndex}`,
      label: task.mapIndex >= 0 ? `${task.taskId}[${task.mapIndex}]` : task.taskId,
      taskId: task.taskId,
      mapIndex: task.mapIndex,
      state: task.state,
      attempts: new Set(task.attempts.map((a) => a.attempt)).size,
      overdue: task.overdue,
      spans: spans.map((s) => ({ ...s, x: x(s.startMs), width: Math.max(1, (s.endMs - s.startMs) * scale) })),
      expected:
        expected === null ? null : { x: x(expected.from), width: Math.max(1, expected.ms * scale), ms: expected.ms },
      actualMs,
    })),
  };
}

const STEPS = [
  100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Offsets from the start at a round step, about six of them. */
function ticks(startMs: number, endMs: number): number[] {
  const span = endMs - startMs;
  const step = STEPS.find((s) => span / s <= 6) ?? Math.ceil(span / 6 / 86_400_000) * 86_400_000;
  const result: number[] = [];
  for (let offset = 0; offset <= span; offset += step) result.push(startMs + offset);
  return result;
}
