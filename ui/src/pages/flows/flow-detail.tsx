/** A flow's page: what it is (schedule, limits), its DAG, the grid of its runs, trigger and backfill. */
import { QueryView } from '../../components/query-view';
import { Link } from '../../router/router';
import { useSession } from '../../session/session';
import { BackfillForm } from './backfill-form';
import { DagView } from './dag-view';
import { useFlow, useGrid, type GridView } from './flow-api';
import { scheduleText, timeText } from './flow-format';
import { flowPath } from './flow-paths';
import { PauseToggle } from './pause-toggle';
import { RunGrid } from './run-grid';
import { StateLegend } from './state-legend';
import { TriggerForm } from './trigger-form';

export function FlowDetailView({ flowId }: { readonly flowId: string }) {
  const flow = useFlow(flowId);
  const grid = useGrid(flowId);
  const writer = useSession().principal.role !== 'reader';
  return (
    <QueryView query={flow} label={`Loading ${flowId}`}>
      {(detail) => (
        <>
          <p className="flows-breadcrumb">
            <Link to={flowPath()}>Flows</Link> / <strong>{detail.id}</strong>
          </p>
          <div className="panel">
            <h2>{detail.id}</h2>
            {detail.description && <p>{detail.description}</p>}
            <dl className="flows-facts">
              <dt>Schedule</dt>
              <dd>{scheduleText(detail.schedule)}</dd>
              <dt>Next run</dt>
              <dd>{detail.paused ? 'paused' : timeText(detail.nextTickAt)}</dd>
              <dt>Active runs</dt>
              <dd>
                {detail.activeRuns} of at most {detail.maxActiveRuns}
              </dd>
              <dt>Paused</dt>
              <dd>
                <PauseToggle flowId={detail.id} paused={detail.paused} />
              </dd>
              {detail.sourceFile && (
                <>
                  <dt>Source</dt>
                  <dd className="mono">{detail.sourceFile}</dd>
                </>
              )}
            </dl>
          </div>
          <div className="panel">
            <h2>Graph</h2>
            <DagView flow={detail} latest={latestStates(grid.data)} />
          </div>
          <div className="panel">
            <h2>Grid</h2>
            <QueryView
              query={grid}
              label="Loading runs"
              isEmpty={(g) => g.runs.length === 0}
              emptyTitle="No runs yet: trigger one below"
            >
              {(g) => <RunGrid grid={g} />}
            </QueryView>
            <StateLegend />
          </div>
          <div className="grid-2">
            <div className="panel">
              <h2>Trigger</h2>
              {writer ? <TriggerForm flow={detail} /> : <p className="muted">Triggering needs the writer role.</p>}
            </div>
            <div className="panel">
              <h2>Backfill</h2>
              {writer ? (
                <BackfillForm flowId={detail.id} />
              ) : (
                <p className="muted">Backfilling needs the writer role.</p>
              )}
            </div>
          </div>
        </>
      )}
    </QueryView>
  );
}

function latestStates(grid: GridView | undefined): ReadonlyMap<string, string> {
  const latest = grid?.runs[0];
  return new Map((latest?.cells ?? []).map((c) => [c.taskId, c.state]));
}
