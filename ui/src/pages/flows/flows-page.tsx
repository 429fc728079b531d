/**
 * The Flows page: `/flows` lists flows and pools, `/flows/<id>` is a flow (its DAG, grid,
 * trigger and backfill), `/flows/<id>/runs/<runId>?task=<taskId>` a run (its live Gantt
 * and the selected task's log). The path is the state, so each view is a deep link.
 */
import { Empty } from '../../components/empty';
import { useEffect } from 'react';
import { Link, navigate, useLocation } from '../../router/router';
import { FlowDetailView } from './flow-detail';
import { FlowList } from './flow-list';
import { flowPath, flowsViewOf } from './flow-paths';
import { RunView } from './run-view';
import './flows.css';

export default function FlowsPage() {
  const { pathname, search } = useLocation();
  const view = flowsViewOf(pathname);
  // `/flows/<id>?run=<n>` (how Home links a run) is the run's page.
  const flowId = view.kind === 'flow' ? view.flowId : null;
  const run = search.get('run');
  useEffect(() => {
    if (flowId !== null && run !== null && /^[1-9]\d*$/.test(run))
      navigate(flowPath(flowId, Number(run)), { replace: true });
  }, [flowId, run]);
  return (
    <section aria-labelledby="page-title" className="flows-page">
      <h1 id="page-title" className="page-title">
        Flows
      </h1>
      {view.kind === 'list' && <FlowList />}
      {view.kind === 'flow' && <FlowDetailView key={view.flowId} flowId={view.flowId} />}
      {view.kind === 'run' && <RunView key={view.runId} flowId={view.flowId} runId={view.runId} />}
      {view.kind === 'unknown' && (
        <Empty title="No such flows page">
          <Link to={flowPath()}>All flows</Link>
        </Empty>
      )}
    </section>
  );
}
