/**
 * A table's history: a version slider that shows the rows at the selected version, and
 * the commits (operation, parameters, metrics; a restricted principal sees operations
 * only). The version is a search param, so `?tab=history&version=3` is a deep link.
 */
import { QueryView } from '../../components/query-view';
import { useSearchParam } from '../../router/router';
import { RowsTable } from './rows-table';
import { formatMetrics } from './table-format';
import { useHistory, useRowsAt, type TableHistory } from './table-queries';

const ROWS = 50;

export interface HistoryTabProps {
  readonly name: string;
  readonly latest: number;
  /** Rows are shown ordered by it, so versions compare row by row. */
  readonly orderBy: string | null;
}

export function HistoryTab({ name, latest, orderBy }: HistoryTabProps) {
  const history = useHistory(name);
  const [versionText, setVersion] = useSearchParam('version');
  const parsed = versionText === null ? latest : Number(versionText);
  const version = Number.isInteger(parsed) && parsed >= 0 && parsed <= latest ? parsed : latest;
  const rows = useRowsAt(name, version, ROWS, orderBy);
  return (
    <div className="tables-stack">
      <section className="panel" aria-labelledby="slider-title">
        <h3 id="slider-title">Rows at version {version}</h3>
        <div className="tables-slider">
          <span className="muted">0</span>
          <input
            type="range"
            aria-label="Version"
            min={0}
            max={latest}
            step={1}
            value={version}
            onChange={(event) => setVersion(Number(event.target.value), { replace: true })}
          />
          <span className="muted">{latest}</span>
          <output aria-label="Selected version">{version}</output>
        </div>
        <QueryView
          query={rows}
          label="Loading rows"
          isEmpty={(data) => data.length === 0}
          emptyTitle={`No rows at version ${version}`}
        >
          {(data) => (
            <>
              <RowsTable label={`Rows at version ${version}`} rows={data} maxHeight="320px" />
              {data.length === ROWS && <p className="muted">The first {ROWS} rows.</p>}
            </>
          )}
        </QueryView>
      </section>
      <section className="panel" aria-labelledby="commits-title">
        <h3 id="commits-title">Commits</h3>
        <QueryView query={history} label="Loading history" isEmpty={(d) => d.history.length === 0}>
          {(data) => <Commits history={data} selected={version} onSelect={(v) => setVersion(v)} />}
        </QueryView>
      </section>
    </div>
  );
}

function Commits({
  history,
  selected,
  onSelect,
}: {
  readonly history: TableHistory;
  readonly selected: number;
  readonly onSelect: (version: number) => void;
}) {
  return (
    <div className="tables-scroll" style={{ maxHeight: '260px' }}>
      <table className="data" aria-label="Commits">
        <thead>
          <tr>
            <th>Version</th>
            <th>Time</th>
            <th>Operation</th>
            <th>Parameters</th>
            <th>Metrics</th>
          </tr>
        </thead>
        <tbody>
          {history.history.map((entry) => (
            <tr
              key={entry.version}
              aria-selected={entry.version === selected}
              className={entry.version === selected ? 'tables-selected' : undefined}
            >
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => onSelect(entry.version)}
                  aria-label={`Show version ${entry.version}`}
                >
                  {entry.version}
                </button>
              </td>
              <td>{new Date(entry.timestamp).toLocaleString()}</td>
              <td>{entry.operation}</td>
              <td className="mono">{formatMetrics(entry.operationParameters)}</td>
              <td className="mono">{formatMetrics(entry.operationMetrics)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
