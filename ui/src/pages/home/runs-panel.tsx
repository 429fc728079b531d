/** Running and recent flow runs (the newest few of each flow), running ones first. */
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../../api/api-error';
import { api, call, type Json } from '../../api/client';
import { QueryView } from '../../components/query-view';
import { Link, pathWith } from '../../router/router';

type Run = Json<'/v1/flows/{flowId}/runs'>['runs'][number];

const ACTIVE = new Set(['queued', 'running']);

async function recentRuns(): Promise<{ readonly runs: readonly Run[]; readonly noFlows: string | null }> {
  let flows;
  try {
    flows = (await call(api.GET('/v1/flows'))).flows;
  } catch (error) {
    // A server without the orchestrator answers 404 with why: shown as the empty state.
    if (error instanceof ApiError && error.status === 404) return { runs: [], noFlows: error.message };
    throw error;
  }
  const perFlow = await Promise.all(
    flows.map((flow) =>
      call(api.GET('/v1/flows/{flowId}/runs', { params: { path: { flowId: flow.id }, query: { limit: 5 } } })),
    ),
  );
  const runs = perFlow
    .flatMap((page) => page.runs)
    .sort((a, b) => Number(ACTIVE.has(b.state)) - Number(ACTIVE.has(a.state)) || b.createdAt.localeCompare(a.createdAt))
    .slice(0, 12);
  return { runs, noFlows: flows.length === 0 ? 'No flows yet: add one to the warehouse’s flows/ folder.' : null };
}

export function RunsPanel() {
  const runs = useQuery({ queryKey: ['home-runs'], queryFn: recentRuns, refetchInterval: 5_000 });
  return (
    <section className="panel" aria-labelledby="runs-title">
      <h2 id="runs-title">Flow runs</h2>
      <QueryView
        query={runs}
        label="Loading runs"
        isEmpty={(data) => data.runs.length === 0}
        emptyTitle={runs.data?.noFlows ?? 'No runs yet'}
      >
        {(data) => (
          <table className="data" aria-label="Flow runs">
            <thead>
              <tr>
                <th>Flow</th>
                <th>Run</th>
                <th>State</th>
                <th>Tasks</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {data.runs.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link to={`/flows/${encodeURIComponent(run.flowId)}`}>{run.flowId}</Link>
                  </td>
                  <td>
                    <Link to={pathWith(`/flows/${encodeURIComponent(run.flowId)}`, { run: run.id })}>#{run.id}</Link>{' '}
                    <span className="muted">{run.kind}</span>
                  </td>
                  <td className={`state-${run.state}`}>{run.state}</td>
                  <td>
                    {run.tasksDone}/{run.tasksTotal}
                  </td>
                  <td title={run.startedAt ?? run.createdAt}>
                    {new Date(run.startedAt ?? run.createdAt).toLocaleString()}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}
