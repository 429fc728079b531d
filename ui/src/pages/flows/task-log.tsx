/**
 * A task's log, followed live: the SSE stream of its lines (GET /v1/streams/runs/{id}/
 * tasks/{task}/logs) is appended as it comes, resumed by the browser after a drop (the
 * line ids are event ids), and closed when the server says the task ended.
 */
import { useState } from 'react';
import { ErrorBox } from '../../components/error-box';
import { useEventSource } from '../../components/use-event-source';
import { ApiError } from '../../api/api-error';
import type { LogLine } from './flow-api';

interface Ended {
  readonly state: string;
  readonly errors: readonly { readonly attempt: number; readonly message: string | null }[];
}

export function TaskLog({ runId, taskId }: { readonly runId: number; readonly taskId: string }) {
  const [lines, setLines] = useState<readonly LogLine[]>([]);
  const [ended, setEnded] = useState<Ended | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const url =
    ended === null && failure === null ? `/v1/streams/runs/${runId}/tasks/${encodeURIComponent(taskId)}/logs` : null;
  const { state } = useEventSource(url, {
    events: ['line', 'end', 'error'],
    onEvent: (name, data) => {
      if (name === 'line') {
        const line = data as LogLine;
        setLines((known) => (known.length > 0 && known[known.length - 1]!.id >= line.id ? known : [...known, line]));
      } else if (name === 'end') setEnded(data as Ended);
      else if (typeof data === 'object' && data !== null && 'code' in data) setFailure(ApiError.fromBody(0, data));
    },
  });
  const status = ended ? `ended: ${ended.state}` : failure ? 'stopped' : state === 'open' ? 'following…' : state;
  return (
    <div className="panel">
      <h2>
        Log of {taskId} <span className="muted flows-log-status">({status})</span>
      </h2>
      {failure && <ErrorBox error={failure} />}
      <pre className="flows-log" role="log" aria-label={`Log of ${taskId}`} aria-live="polite">
        {lines.length === 0 && !ended ? 'waiting for lines…\n' : ''}
        {lines.map((l) => (
          <span key={l.id} className={l.stream === 'stderr' ? 'state-failed' : undefined}>
            {`${new Date(l.loggedAt).toLocaleTimeString()}  ${l.attempt > 1 ? `[attempt ${l.attempt}] ` : ''}${l.mapIndex >= 0 ? `[${l.mapIndex}] ` : ''}${l.line}\n`}
          </span>
        ))}
        {ended?.errors.map((e) => (
          <span
            key={`error-${e.attempt}`}
            className="state-failed"
          >{`attempt ${e.attempt} failed: ${e.message ?? ''}\n`}</span>
        ))}
      </pre>
    </div>
  );
}
