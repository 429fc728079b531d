/**
 * A run's page: its state and ETA, the Gantt chart kept live by the run's event stream
 * (GET /v1/streams/runs/{id}: each run or task change refetches the Gantt), and the
 * selected task's log (`?task=`), followed while it runs.
 */
import { QueryView } from '../../components/query-view';
import { useEventSource } from '../../components/use-event-source';
import { Link, useSearchParam } from '../../router/router';
import { useGantt, useInvalidate } from './flow-api';
import { etaText, timeText } from './flow-format';
import { flowPath } from './flow-paths';
import { GanttChart } from './gantt-chart';
import { StateLegend } from './state-legend';
import { stateColor } from './state-colors';
import { TaskLog } from './task-log';

export function RunView({ flowId, runId }: { readonly flowId: string; readonly runId: number }) {
  const gantt = useGantt(runId);
  const invalidate = useInvalidate();
  const [task, setTask] = useSearchParam('task');
  const state = gantt.data?.run.state;
  const live = state === 'queued' || state === 'running';
  const { state: stream } = useEventSource(live ? `/v1/streams/runs/${runId}` : null, {
    events: ['run', 'task'],
    onEvent: () => invalidate.gantt(runId),
  });
  return (
    <>
      <p className="flows-breadcrumb">
        <Link to={flowPath()}>Flows</Link> / <Link to={flowPath(flowId)}>{flowId}</Link> / <strong>run {runId}</strong>
      </p>
      <QueryView query={gantt} label={`Loading run ${runId}`}>
        {(view) => (
          <>
            <div className="panel">
              <h2>
                Run {view.run.id}{' '}
                <span className="badge" style={{ background: stateColor(view.run.state) }}>
                  {view.run.state}
                </span>
              </h2>
              <dl className="flows-facts">
                <dt>Kind</dt>
                <dd>{view.run.kind}</dd>
                <dt>Tasks done</dt>
                <dd>
                  {view.run.tasksDone} / {view.run.tasksTotal}
                </dd>
                <dt>Created</dt>
                <dd>{timeText(view.run.createdAt)}</dd>
                {view.run.logicalDate && (
                  <>
                    <dt>Logical date</dt>
                    <dd>{timeText(view.run.logicalDate)}</dd>
                  </>
                )}
                <dt>Ended</dt>
                <dd>{timeText(view.run.endedAt)}</dd>
                <dt>ETA</dt>
                <dd>{view.etaMs === null || !live ? '—' : etaText(view.etaMs)}</dd>
                <dt>Parameters</dt>
                <dd className="mono">{JSON.stringify(view.run.params)}</dd>
                <dt>Workers</dt>
                <dd>
                  {view.liveWorkers}
                  {live && view.liveWorkers === 0 && ' (no worker is running: start `strata worker` or `strata up`)'}
                </dd>
                {live && (
                  <>
                    <dt>Updates</dt>
                    <dd>{stream === 'open' ? 'live' : stream}</dd>
                  </>
                )}
              </dl>
            </div>
            <div className="panel">
              <h2>Gantt</h2>
              <GanttChart view={view} selected={task} onSelect={(id) => setTask(id, { replace: true })} />
              <StateLegend />
            </div>
            {task !== null && <TaskLog key={`${runId}/${task}`} runId={runId} taskId={task} />}
          </>
        )}
      </QueryView>
    </>
  );
}
