/** A flow's DAG as SVG, laid out by layoutDag; each task is outlined in its state in the latest run. */
import { layoutDag, NODE_HEIGHT, NODE_WIDTH } from './dag-layout';
import type { FlowDetail } from './flow-api';
import { stateColor } from './state-colors';

export function DagView({
  flow,
  latest,
}: {
  readonly flow: FlowDetail;
  /** Task id → its state in the latest run. */
  readonly latest: ReadonlyMap<string, string>;
}) {
  const layout = layoutDag(flow.tasks);
  const byId = new Map(flow.tasks.map((t) => [t.id, t]));
  return (
    <div className="flows-scroll">
      <svg
        role="img"
        aria-label={`Graph of ${flow.id}: ${flow.tasks.length} tasks`}
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        className="flows-dag"
      >
        <defs>
          <marker id="flows-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" markerHeight="8" orient="auto">
            <path d="M0,0 L8,4 L0,8 z" fill="var(--muted)" />
          </marker>
        </defs>
        {layout.edges.map((e) => {
          const mid = (e.x1 + e.x2) / 2;
          return (
            <path
              key={`${e.from}->${e.to}`}
              d={`M${e.x1},${e.y1} C${mid},${e.y1} ${mid},${e.y2} ${e.x2},${e.y2}`}
              fill="none"
              stroke="var(--muted)"
              markerEnd="url(#flows-arrow)"
            />
          );
        })}
        {layout.nodes.map((n) => {
          const task = byId.get(n.id)!;
          const state = latest.get(n.id);
          return (
            <g key={n.id} transform={`translate(${n.x},${n.y})`} data-task={n.id}>
              <title>
                {`${n.id}${state ? ` · ${state}` : ''}${task.pool ? ` · pool ${task.pool}` : ''}${task.mapOver ? ` · mapped over ${task.mapOver}` : ''} · ${task.triggerRule}`}
              </title>
              <rect
                width={NODE_WIDTH}
                height={NODE_HEIGHT}
                rx={6}
                fill="var(--panel)"
                stroke={state ? stateColor(state) : 'var(--border)'}
                strokeWidth={state ? 3 : 1}
                strokeDasharray={task.mapOver ? '6 3' : undefined}
              />
              <text x={10} y={NODE_HEIGHT / 2 + 4} fill="var(--fg)" fontSize={13}>
                {n.id.length > 20 ? `${n.id.slice(0, 19)}…` : n.id}
              </text>
              {task.pool && (
                <text x={NODE_WIDTH - 8} y={12} fill="var(--muted)" fontSize={10} textAnchor="end">
                  {task.pool}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
