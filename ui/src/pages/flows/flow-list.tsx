/** Every flow with its schedule, last run, next run and paused switch; then the pools. */
import { QueryView } from '../../components/query-view';
import { Link } from '../../router/router';
import { useFlows } from './flow-api';
import { scheduleText, timeText } from './flow-format';
import { flowPath } from './flow-paths';
import { PauseToggle } from './pause-toggle';
import { PoolsPanel } from './pools-panel';
import { stateColor } from './state-colors';

export function FlowList() {
  const flows = useFlows();
  return (
    <>
      <div className="panel">
        <h2>Flows</h2>
        <QueryView
          query={flows}
          label="Loading flows"
          isEmpty={(data) => data.flows.length === 0}
          emptyTitle="No flows yet: put them in flows/*.ts and start `strata up`"
        >
          {(data) => (
            <table className="flows-table" aria-label="Flows">
              <thead>
                <tr>
                  <th scope="col">Flow</th>
                  <th scope="col">Schedule</th>
                  <th scope="col">Tasks</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Active runs</th>
                  <th scope="col">Paused</th>
                </tr>
              </thead>
              <tbody>
                {data.flows.map((flow) => (
                  <tr key={flow.id}>
                    <td>
                      <Link to={flowPath(flow.id)}>{flow.id}</Link>
                      {flow.description && <div className="muted">{flow.description}</div>}
                    </td>
                    <td>{scheduleText(flow.schedule)}</td>
                    <td>{flow.tasks}</td>
                    <td>
                      {flow.lastRun ? (
                        <Link to={flowPath(flow.id, flow.lastRun.id)}>
                          <span className="flows-dot" style={{ background: stateColor(flow.lastRun.state) }} />
                          {flow.lastRun.state} · {timeText(flow.lastRun.createdAt)}
                        </Link>
                      ) : (
                        <span className="muted">never</span>
                      )}
                    </td>
                    <td>{flow.paused ? <span className="muted">paused</span> : timeText(flow.nextTickAt)}</td>
                    <td>{flow.activeRuns}</td>
                    <td>
                      <PauseToggle flowId={flow.id} paused={flow.paused} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryView>
      </div>
      <PoolsPanel />
    </>
  );
}
