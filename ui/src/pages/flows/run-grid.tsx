/**
 * Airflow's grid view: recent runs as columns (oldest left), the flow's tasks as rows,
 * each cell a square in its task instance's state linking to that run's page with the
 * task selected. The run's own state heads its column.
 */
import { Link } from '../../router/router';
import type { GridView } from './flow-api';
import { flowPath } from './flow-paths';
import { stateColor } from './state-colors';

export function RunGrid({ grid }: { readonly grid: GridView }) {
  const runs = [...grid.runs].reverse();
  return (
    <div className="flows-scroll">
      <table className="flows-grid" aria-label={`Runs of ${grid.flowId} by task`}>
        <thead>
          <tr>
            <th scope="col">Task</th>
            {runs.map((run) => (
              <th scope="col" key={run.id}>
                <Link
                  to={flowPath(grid.flowId, run.id)}
                  title={`Run ${run.id} · ${run.state} · ${run.kind} · ${new Date(run.createdAt).toLocaleString()}`}
                  aria-label={`Run ${run.id} ${run.state}`}
                  className="flows-cell flows-run-cell"
                  style={{ background: stateColor(run.state) }}
                />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.tasks.map((taskId) => (
            <tr key={taskId}>
              <th scope="row">{taskId}</th>
              {runs.map((run) => {
                const cell = run.cells.find((c) => c.taskId === taskId);
                return (
                  <td key={run.id}>
                    {cell && (
                      <Link
                        to={flowPath(grid.flowId, run.id, taskId)}
                        title={`${taskId} · run ${run.id} · ${cell.state}${cell.attempt > 1 ? ` · attempt ${cell.attempt}` : ''}${cell.mapCount === null ? '' : ` · ${cell.mapCount} mapped`}`}
                        aria-label={`${taskId} in run ${run.id}: ${cell.state}`}
                        className="flows-cell"
                        data-state={cell.state}
                        style={{ background: stateColor(cell.state) }}
                      />
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
