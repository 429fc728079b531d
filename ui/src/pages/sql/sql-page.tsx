/**
 * The SQL page: an editor with completion of the catalog, Run (Ctrl/Cmd+Enter) and
 * Cancel, the result as a virtualised grid or a chart, EXPLAIN with the pruning
 * report, exports, and the token's query history. The URL holds the query
 * (`/sql?q=...`), the history item (`h`), the view (`view`) and the chart kind
 * (`chart`): every state worth sharing is a link.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorBox } from '../../components/error-box';
import { Empty } from '../../components/empty';
import { Loading } from '../../components/loading';
import { navigate, pathWith, useLocation, useSearchParam } from '../../router/router';
import type { ChartKind } from './choose-chart';
import { ExplainView } from './explain-view';
import { ResultChart } from './result-chart';
import { HistoryPanel } from './history-panel';
import { ROW_HEIGHT, ResultGrid } from './result-grid';
import { explainSql, exportHref, sqlCatalog } from './sql-api';
import { SqlEditor } from './sql-editor';
import { useSqlRun } from './use-sql-run';
import './sql.css';

const VIEWS = ['results', 'chart', 'explain'] as const;
type View = (typeof VIEWS)[number];

export default function SqlPage() {
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const [view, setView] = useSearchParam('view');
  const [chart, setChart] = useSearchParam('chart');
  const shown: View = VIEWS.includes(view as View) ? (view as View) : 'results';
  const [text, setText] = useState(q);
  // A deep link or a history item brings its query into the editor.
  useEffect(() => setText(q), [q]);

  const catalog = useQuery({ queryKey: ['sql-catalog'], queryFn: sqlCatalog, staleTime: 60_000 });
  const sql = useSqlRun();
  const explain = useMutation({ mutationFn: explainSql });

  const blank = text.trim() === '';
  const go = (params: Record<string, string | null>) =>
    navigate(pathWith('/sql', { q: text, h: search.get('h'), view: shown, chart, ...params }));
  const run = () => {
    if (blank || sql.running) return;
    go({ view: shown === 'explain' ? 'results' : shown, h: null });
    sql.run(text);
  };
  const runExplain = () => {
    if (blank) return;
    go({ view: 'explain', h: null });
    explain.mutate(text);
  };

  const result = sql.result;
  return (
    <section aria-labelledby="page-title" className="sql-page">
      <h1 id="page-title" className="page-title">
        SQL
      </h1>
      <div className="sql-layout">
        <div className="sql-main">
          <div className="panel">
            <SqlEditor value={text} onChange={setText} onRun={run} catalog={catalog.data} />
            <div className="toolbar">
              <button type="button" className="primary" onClick={run} disabled={blank || sql.running}>
                Run
              </button>
              <button type="button" onClick={sql.cancel} disabled={!sql.running || sql.cancelling}>
                Cancel
              </button>
              <button type="button" onClick={runExplain} disabled={blank || explain.isPending}>
                Explain
              </button>
              <a
                className={`button${blank ? ' disabled' : ''}`}
                href={blank ? undefined : exportHref(text, 'csv')}
                download
                aria-disabled={blank}
              >
                Export CSV
              </a>
              <a
                className={`button${blank ? ' disabled' : ''}`}
                href={blank ? undefined : exportHref(text, 'parquet')}
                download
                aria-disabled={blank}
              >
                Export Parquet
              </a>
              <span className="muted sql-status" role="status" aria-live="polite">
                {sql.running
                  ? 'Running…'
                  : result
                    ? `${result.rowCount.toLocaleString()} row${result.rowCount === 1 ? '' : 's'} in ${result.elapsedMs} ms${result.truncated ? ' (cut at the row limit)' : ''}`
                    : 'Ctrl+Enter runs'}
              </span>
            </div>
          </div>
          <div className="panel sql-output">
            <div role="tablist" aria-label="Result views" className="tabs">
              {VIEWS.map((v) => (
                <button
                  key={v}
                  type="button"
                  role="tab"
                  aria-selected={shown === v}
                  onClick={() => setView(v === 'results' ? null : v, { replace: true })}
                >
                  {v === 'results' ? 'Results' : v === 'chart' ? 'Chart' : 'Explain'}
                </button>
              ))}
            </div>
            <div role="tabpanel" aria-label={shown}>
              {shown === 'explain' ? (
                explain.isPending ? (
                  <Loading label="Explaining" />
                ) : explain.isError ? (
                  <ErrorBox error={explain.error} />
                ) : explain.data ? (
                  <ExplainView explain={explain.data} />
                ) : (
                  <Empty title="No plan yet">Explain shows the files each table scan reads and skips.</Empty>
                )
              ) : sql.running ? (
                <Loading label="Running query" />
              ) : sql.error ? (
                <ErrorBox error={sql.error} />
              ) : !result ? (
                <Empty title="No result yet">Write a query and press Run (Ctrl+Enter).</Empty>
              ) : result.message !== undefined && result.columns.length === 0 ? (
                <pre className="statement-message">{result.message}</pre>
              ) : shown === 'chart' ? (
                <ResultChart
                  columns={result.columns}
                  rows={result.rows}
                  kind={(chart ?? undefined) as ChartKind | undefined}
                  onKind={(k) => setChart(k, { replace: true })}
                />
              ) : result.rows.length === 0 ? (
                <Empty title="No rows" />
              ) : (
                <ResultGrid
                  columns={result.columns}
                  rows={result.rows}
                  // Short results take the room they need; long ones scroll in a fixed viewport.
                  height={Math.min(440, (result.rows.length + 1) * ROW_HEIGHT + 4)}
                />
              )}
            </div>
          </div>
        </div>
        <HistoryPanel selected={search.get('h')} onLoad={setText} />
      </div>
    </section>
  );
}
