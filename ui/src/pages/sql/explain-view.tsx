/** EXPLAIN: per table scan, the files data skipping kept and what skipped the others; then DuckDB's plan. */
import type { ExplainResult } from './sql-api';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function ExplainView({ explain }: { readonly explain: ExplainResult }) {
  return (
    <div className="explain-view">
      <h3>Data skipping</h3>
      {explain.scans.length === 0 ? (
        <p className="muted">The query reads no lake table.</p>
      ) : (
        <table className="data-table" aria-label="Pruning report">
          <thead>
            <tr>
              <th>Table</th>
              <th>Version</th>
              <th>Files</th>
              <th>Kept</th>
              <th>Skipped</th>
              <th>By partition</th>
              <th>By stats</th>
              <th>By join keys</th>
              <th>Bytes kept</th>
              <th>Filter</th>
            </tr>
          </thead>
          <tbody>
            {explain.scans.map((scan, i) => (
              <tr key={i}>
                <td>
                  {scan.table}
                  {scan.alias && scan.alias !== scan.table.split('.').pop() ? ` AS ${scan.alias}` : ''}
                </td>
                <td className="num">{scan.version}</td>
                <td className="num">{scan.filesTotal}</td>
                <td className="num">{scan.filesKept}</td>
                <td className="num">{scan.filesSkipped}</td>
                <td className="num">{scan.skippedByPartition}</td>
                <td className="num">{scan.skippedByStats}</td>
                <td className="num">{scan.skippedByJoin}</td>
                <td className="num">
                  {bytes(scan.bytesKept)} of {bytes(scan.bytesTotal)}
                </td>
                <td>
                  <code>{scan.filter ?? '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Plan</h3>
      <pre className="plan" aria-label="Query plan">
        {explain.plan}
      </pre>
    </div>
  );
}
