/**
 * Backfill a date range: "Preview" asks for a dry run and lists the logical dates that
 * would get a run (and existing runs rerun or kept); "Backfill" creates them.
 */
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '../../components/error-box';
import { useBackfill, type BackfillInput, type BackfillView } from './flow-api';

export function BackfillForm({ flowId }: { readonly flowId: string }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reprocess, setReprocess] = useState<BackfillInput['reprocess']>('missing');
  const backfill = useBackfill(flowId);
  const [result, setResult] = useState<{ readonly dryRun: boolean; readonly view: BackfillView } | null>(null);

  const run = (dryRun: boolean) => (event?: FormEvent) => {
    event?.preventDefault();
    backfill.mutate({ from, to, reprocess, dryRun }, { onSuccess: (view) => setResult({ dryRun, view }) });
  };

  return (
    <form onSubmit={run(true)} aria-label={`Backfill ${flowId}`} className="flows-form">
      <div className="form-row">
        <label htmlFor="backfill-from">From</label>
        <input id="backfill-from" type="date" value={from} required onChange={(e) => setFrom(e.target.value)} />
      </div>
      <div className="form-row">
        <label htmlFor="backfill-to">To</label>
        <input id="backfill-to" type="date" value={to} required onChange={(e) => setTo(e.target.value)} />
      </div>
      <div className="form-row">
        <label htmlFor="backfill-reprocess">Existing runs</label>
        <select
          id="backfill-reprocess"
          value={reprocess}
          onChange={(e) => setReprocess(e.target.value as BackfillInput['reprocess'])}
        >
          <option value="missing">keep (only missing dates)</option>
          <option value="failed">rerun failed</option>
          <option value="all">rerun all</option>
        </select>
      </div>
      <div className="flows-actions">
        <button type="submit" disabled={backfill.isPending}>
          Preview
        </button>
        <button type="button" disabled={backfill.isPending || from === '' || to === ''} onClick={() => run(false)()}>
          Backfill
        </button>
      </div>
      {backfill.isError && <ErrorBox error={backfill.error} />}
      {result && <BackfillResult dryRun={result.dryRun} view={result.view} />}
    </form>
  );
}

function BackfillResult({ dryRun, view }: { readonly dryRun: boolean; readonly view: BackfillView }) {
  const dates = (list: readonly string[]) => list.map((d) => new Date(d).toISOString().replace('T00:00:00.000Z', ''));
  return (
    <div role="status" aria-label={dryRun ? 'Backfill preview' : 'Backfill result'} className="flows-backfill-result">
      <p>
        {dryRun ? 'Would create' : 'Created'} {view.create.length} run{view.create.length === 1 ? '' : 's'}
        {view.rerun.length > 0 && `, ${dryRun ? 'would rerun' : 'reran'} ${view.rerun.length}`}
        {view.kept.length > 0 && `, ${view.kept.length} kept`}.
      </p>
      {view.create.length > 0 && (
        <ul aria-label="Logical dates">
          {dates(view.create)
            .slice(0, 50)
            .map((d) => (
              <li key={d} className="mono">
                {d}
              </li>
            ))}
          {view.create.length > 50 && <li className="muted">… and {view.create.length - 50} more</li>}
        </ul>
      )}
    </div>
  );
}
