/**
 * The diff of two versions: rows added, removed and updated between them (from the
 * change data feed; otherwise the set difference of their rows, as the server labels it).
 * `?tab=diff&from=1&to=3` is a deep link.
 */
import { QueryView } from '../../components/query-view';
import { useSearchParam } from '../../router/router';
import { RowsTable } from './rows-table';
import { useDiff, type Row } from './table-queries';

const CHANGE_LABELS: Readonly<Record<string, string>> = {
  insert: 'added',
  delete: 'removed',
  update_preimage: 'updated (before)',
  update_postimage: 'updated (after)',
};

export function DiffTab({ name, latest }: { readonly name: string; readonly latest: number }) {
  const [fromText, setFrom] = useSearchParam('from');
  const [toText, setTo] = useSearchParam('to');
  const to = toText === null ? latest : Number(toText);
  const from = fromText === null ? Math.max(0, to - 1) : Number(fromText);
  const diff = useDiff(name, from, to);
  const versions = Array.from({ length: latest + 1 }, (_, v) => v);
  return (
    <div className="tables-stack">
      <div className="tables-toolbar">
        <label>
          From version{' '}
          <select aria-label="From version" value={from} onChange={(event) => setFrom(event.target.value)}>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          To version{' '}
          <select aria-label="To version" value={to} onChange={(event) => setTo(event.target.value)}>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      </div>
      {latest === 0 ? (
        <p className="muted">This table has one version: nothing to compare yet.</p>
      ) : from >= to ? (
        <p role="alert" className="error-box">
          Pick a From version older than the To version.
        </p>
      ) : (
        <QueryView query={diff} label="Comparing versions">
          {(data) => (
            <section className="panel" aria-labelledby="diff-title">
              <h3 id="diff-title">
                Changes from version {data.from} to {data.to}
              </h3>
              <p>
                <span className="tables-added">{data.counts.insert} added</span> ·{' '}
                <span className="tables-removed">{data.counts.delete} removed</span> · {data.counts.update_postimage}{' '}
                updated
                <span className="muted">
                  {' '}
                  (
                  {data.source === 'change-data-feed'
                    ? 'from the change data feed'
                    : 'set difference of the two versions'}
                  )
                </span>
              </p>
              {data.note && <p className="muted">{data.note}</p>}
              {data.changes.length === 0 ? (
                <p className="muted">No row changed that you can see.</p>
              ) : (
                <RowsTable
                  label="Changed rows"
                  rows={data.changes.map(labelled)}
                  columns={[
                    'change',
                    ...(data.source === 'change-data-feed' ? ['_commit_version'] : []),
                    ...data.columns.map((c) => c.name),
                  ]}
                  rowClass={(row) => `tables-change-${String(row._change_type)}`}
                />
              )}
              {data.more && <p className="muted">Showing the first {data.changes.length} changes.</p>}
            </section>
          )}
        </QueryView>
      )}
    </div>
  );
}

function labelled(row: Row): Row {
  return { ...row, change: CHANGE_LABELS[String(row._change_type)] ?? row._change_type };
}
