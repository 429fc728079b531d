/**
 * Data skipping explained: type a filter (a SQL predicate), see which files a scan with
 * it reads and why each other file is skipped. `?tab=skipping&where=...` is a deep link.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { QueryView } from '../../components/query-view';
import { useSearchParam } from '../../router/router';
import { formatBytes, reasonText, type SkippingReason } from './table-format';
import { useSkipping } from './table-queries';

export function SkippingTab({ name, version }: { readonly name: string; readonly version: number | null }) {
  const [where, setWhere] = useSearchParam('where');
  const [draft, setDraft] = useState(where ?? '');
  useEffect(() => setDraft(where ?? ''), [where]);
  const skipping = useSkipping(name, where, version);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setWhere(draft.trim() || null);
  };
  return (
    <div className="tables-stack">
      <form className="tables-toolbar" onSubmit={submit}>
        <label className="tables-grow">
          Filter{' '}
          <input
            className="mono tables-grow"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            placeholder="region = 'EU' AND day >= DATE '2024-01-05'"
          />
        </label>
        <button type="submit" className="primary">
          Explain
        </button>
      </form>
      {where === null ? (
        <p className="muted">
          Type a SQL condition over the table&apos;s columns to see which files a query with it reads, and why the
          others are skipped.
        </p>
      ) : (
        <QueryView query={skipping} label="Explaining">
          {(data) => (
            <section className="panel" aria-labelledby="skipping-title">
              <h3 id="skipping-title">
                Kept {data.filesKept} of {data.filesTotal} files ({formatBytes(data.bytesKept)} of{' '}
                {formatBytes(data.bytesTotal)})
              </h3>
              {!data.understood && (
                <p className="muted">
                  Skipping cannot use this filter (no comparison of a column with a constant): every file is read.
                </p>
              )}
              <div className="tables-scroll">
                <table className="data" aria-label="Skipping by file">
                  <thead>
                    <tr>
                      <th>File</th>
                      <th>Size</th>
                      <th>Rows</th>
                      <th>Verdict</th>
                      <th>Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.files.map((file) => (
                      <tr key={file.path} className={file.kept ? undefined : 'tables-skipped'}>
                        <td className="mono">{file.path}</td>
                        <td className="tables-nowrap">{formatBytes(file.size)}</td>
                        <td>{file.rows ?? '—'}</td>
                        <td>{file.kept ? 'kept' : 'skipped'}</td>
                        <td>{reasonText(file.reason as SkippingReason)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )}
        </QueryView>
      )}
    </div>
  );
}
