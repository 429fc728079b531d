/**
 * Table history as a principal may see it. A commit's operation parameters (a DELETE's
 * or OPTIMIZE's predicate, such as `region = 'US'`), its metrics (rows and files
 * written, removed, updated) and its user metadata describe rows and columns; a
 * principal whose grant hides some of them would learn about those through history.
 * Such a principal sees when the table changed and how (version, timestamp,
 * operation), and nothing else, in every interface that shows history.
 */
import type { StatementResult } from '../session/statement-results.js';
import type { SqlValue } from '../sql/sql-results.js';

/** The history fields every principal that can read the table may see. */
export const OPEN_HISTORY_FIELDS: ReadonlySet<string> = new Set(['version', 'timestamp', 'operation']);

/** A history entry (REST shape) without what a restricted principal may not see. */
export function redactHistoryEntry(entry: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => OPEN_HISTORY_FIELDS.has(key)));
}

/**
 * DESCRIBE HISTORY's rows with every other column NULL: the columns stay (a client's
 * result shape does not depend on who asks), their values do not.
 */
export function redactHistoryResult(result: StatementResult): StatementResult {
  const open = result.columns.map((c) => OPEN_HISTORY_FIELDS.has(c.name));
  return {
    ...result,
    rows: result.rows.map((row) => row.map((value, i): SqlValue => (open[i] ? value : null))),
  };
}
