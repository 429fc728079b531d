/** Rows as a plain table (small pages: rows at a version, a diff page). */
import { formatValue } from './table-format';
import type { Row } from './table-queries';

export interface RowsTableProps {
  readonly label: string;
  readonly rows: readonly Row[];
  /** Column order; default: the first row's keys. */
  readonly columns?: readonly string[];
  /** A class per row (e.g. by change type). */
  readonly rowClass?: (row: Row) => string | undefined;
  /** Scroll within this height (CSS length); default the page's table height. */
  readonly maxHeight?: string;
}

export function RowsTable({ label, rows, columns, rowClass, maxHeight }: RowsTableProps) {
  const names = columns ?? Object.keys(rows[0] ?? {});
  return (
    <div className="tables-scroll" style={maxHeight === undefined ? undefined : { maxHeight }}>
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            {names.map((name) => (
              <th key={name} className="mono">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} className={rowClass?.(row)}>
              {names.map((name) => (
                <td key={name} className="mono">
                  {formatValue(row[name])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
