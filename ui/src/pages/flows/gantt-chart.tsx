/**
 * A run's Gantt chart, drawn from layoutGantt: per task instance a button (selects the
 * task, whose log opens below) and a strip with its attempts' queued (pale) and running
 * (state-coloured) spans, the expected duration as a dashed outline, now and the run's
 * ETA as vertical lines; actual vs expected duration on the right.
 */
import { durationText, etaText } from './flow-format';
import type { GanttView } from './flow-api';
import { layoutGantt, type GanttRow } from './gantt-layout';
import { stateColor } from './state-colors';

const WIDTH = 600;
const ROW = 22;

export function GanttChart({
  view,
  selected,
  onSelect,
}: {
  readonly view: GanttView;
  readonly selected: string | null;
  readonly onSelect: (taskId: string) => void;
}) {
  const layout = layoutGantt(view, WIDTH);
  return (
    <div className="flows-gantt" role="group" aria-label={`Gantt chart of run ${view.run.id}`}>
      <div className="flows-gantt-row flows-gantt-axis" aria-hidden="true">
        <span />
        <svg viewBox={`0 0 ${WIDTH} 16`} preserveAspectRatio="none" width="100%" height={16}>
          {layout.ticks.map((t) => (
            <line key={t.x} x1={t.x} x2={t.x} y1={10} y2={16} stroke="var(--muted)" />
          ))}
        </svg>
        <span />
      </div>
      <div className="flows-gantt-row flows-gantt-ticks" aria-hidden="true">
        <span />
        <div className="flows-gantt-labels">
          {layout.ticks.map((t) => (
            <span key={t.x} style={{ left: `${(t.x / WIDTH) * 100}%` }}>
              {t.label}
            </span>
          ))}
        </div>
        <span />
      </div>
      {layout.rows.map((row) => (
        <div className="flows-gantt-row" key={row.key} data-task={row.label} data-state={row.state}>
          <button
            type="button"
            aria-pressed={selected === row.taskId}
            onClick={() => onSelect(row.taskId)}
            title={`${row.label}: ${row.state}${row.attempts > 1 ? `, ${row.attempts} attempts` : ''}`}
            className="flows-gantt-label"
          >
            <span className="flows-dot" style={{ background: stateColor(row.state) }} />
            {row.label}
          </button>
          <Strip row={row} nowX={layout.nowX} etaX={layout.eta?.x ?? null} open={row.spans.some((s) => s.open)} />
          <span className="flows-gantt-duration muted">{durations(row)}</span>
        </div>
      ))}
      {layout.eta && (
        <p className="muted" aria-label="Run ETA">
          Expected to finish at {new Date(layout.eta.at).toLocaleTimeString()} (
          {etaText(layout.eta.at - Date.parse(view.now))})
        </p>
      )}
    </div>
  );
}

function Strip({
  row,
  nowX,
  etaX,
  open,
}: {
  readonly row: GanttRow;
  readonly nowX: number;
  readonly etaX: number | null;
  readonly open: boolean;
}) {
  return (
    <svg viewBox={`0 0 ${WIDTH} ${ROW}`} preserveAspectRatio="none" width="100%" height={ROW} aria-hidden="true">
      {row.expected && (
        <rect
          x={row.expected.x}
          y={2}
          width={row.expected.width}
          height={ROW - 4}
          fill="none"
          stroke="var(--muted)"
          strokeDasharray="4 3"
          vectorEffect="non-scaling-stroke"
        >
          <title>expected {durationText(row.expected.ms)}</title>
        </rect>
      )}
      {row.spans.map((s) => (
        <rect
          key={`${s.kind}-${s.attempt}`}
          x={s.x}
          y={s.kind === 'queued' ? 8 : 4}
          width={s.width}
          height={s.kind === 'queued' ? ROW - 16 : ROW - 8}
          fill={s.kind === 'queued' ? 'var(--border)' : stateColor(s.outcome)}
          opacity={s.kind === 'running' && s.attempt > 0 && s.outcome === 'up_for_retry' ? 0.8 : 1}
          data-span={s.kind}
          data-outcome={s.outcome}
        >
          <title>{`attempt ${s.attempt} ${s.kind === 'queued' ? 'queued' : s.outcome} ${durationText(s.endMs - s.startMs)}`}</title>
        </rect>
      ))}
      {open && <line x1={nowX} x2={nowX} y1={0} y2={ROW} stroke="var(--accent)" vectorEffect="non-scaling-stroke" />}
      {etaX !== null && (
        <line
          x1={etaX}
          x2={etaX}
          y1={0}
          y2={ROW}
          stroke="var(--info)"
          strokeDasharray="2 2"
          vectorEffect="non-scaling-stroke"
        />
      )}
    </svg>
  );
}

function durations(row: GanttRow): string {
  const actual = row.actualMs === null ? '—' : durationText(row.actualMs);
  const expected = row.expected === null ? '' : ` / ${durationText(row.expected.ms)} expected`;
  return `${actual}${expected}${row.overdue ? ' · overdue' : ''}`;
}
