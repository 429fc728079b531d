/** How `strata sql` prints a statement's result: a table with its row count, or the statement's message. */
import type { StatementResult } from '../engine/index.js';
import { countText, formatTable } from './text-table.js';

export function printResult(result: StatementResult): void {
  if (result.columns.length > 0) {
    process.stdout.write(`${formatTable(result.columns, result.rows)}\n`);
    const omitted = result.rowCount - result.rows.length;
    process.stdout.write(
      omitted > 0
        ? `(${countText(result.rowCount, 'row')}; showing the first ${result.rows.length.toLocaleString('en-US')}, ${omitted.toLocaleString('en-US')} omitted: raise --max-rows or use --out FILE)\n`
        : `(${countText(result.rowCount, 'row')})\n`,
    );
  }
  if (result.message)
    process.stdout.write(`${result.message}${result.version !== undefined ? ` (version ${result.version})` : ''}\n`);
}
