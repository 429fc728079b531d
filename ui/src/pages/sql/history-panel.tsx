/** The token's query history, newest first; an entry loads its text into the editor (a deep link). */
import { useQuery } from '@tanstack/react-query';
import { QueryView } from '../../components/query-view';
import { Link, pathWith } from '../../router/router';
import { sqlHistory } from './sql-api';

export const HISTORY_KEY = ['sql-history'] as const;

export interface HistoryPanelProps {
  readonly selected: string | null;
  /** An entry was chosen: its text goes to the editor (even when the URL already names it). */
  readonly onLoad: (sql: string) => void;
}

export function HistoryPanel({ selected, onLoad }: HistoryPanelProps) {
  const history = useQuery({ queryKey: HISTORY_KEY, queryFn: sqlHistory });
  return (
    <aside className="panel sql-history" aria-labelledby="sql-history-title">
      <h2 id="sql-history-title">History</h2>
      <QueryView
        query={history}
        label="Loading history"
        isEmpty={(data) => data.entries.length === 0}
        emptyTitle="No queries yet"
      >
        {(data) => (
          <ol className="history-list">
            {data.entries.map((entry) => (
              <li key={entry.id} className={entry.id === selected ? 'selected' : undefined}>
                <Link
                  to={pathWith('/sql', { q: entry.sql, h: entry.id })}
                  onClick={() => onLoad(entry.sql)}
                  aria-label={`Load query: ${entry.sql}`}
                  aria-current={entry.id === selected ? 'true' : undefined}
                  title={entry.sql}
                >
                  <code className="history-sql">{entry.sql}</code>
                </Link>
                <div className="muted history-meta">
                  <span
                    className={`state-${entry.status === 'ok' ? 'ok' : entry.status === 'cancelled' ? 'cancelled' : 'failed'}`}
                  >
                    {entry.status}
                    {entry.errorCode ? ` ${entry.errorCode}` : ''}
                  </span>
                  {entry.rowCount !== null && ` · ${entry.rowCount.toLocaleString()} rows`} · {entry.durationMs} ms ·{' '}
                  {new Date(entry.startedAt).toLocaleTimeString()}
                </div>
              </li>
            ))}
          </ol>
        )}
      </QueryView>
    </aside>
  );
}
