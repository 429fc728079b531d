/**
 * Row filters on writes: a token whose grant has a row filter may only produce rows
 * that pass it. Inserted rows are checked by their writers; an UPDATE is checked here,
 * on the snapshot it will run on, by projecting the rows it would write.
 */
import { bindScan, quoteIdent, withConnection, type Snapshot } from '../../lake/index.js';
import { ForbiddenError } from '../../catalog/index.js';

/**
 * Refuses an UPDATE (`set`: column → SQL expression, over the rows matching `predicate`,
 * or all rows) that would write rows the row filter does not admit.
 */
export async function refuseRowsLeavingFilter(
  snapshot: Snapshot,
  set: Readonly<Record<string, string>>,
  predicate: string | undefined,
  rowFilter: string | null,
): Promise<void> {
  if (rowFilter === null) return;
  const projection = snapshot.schema.fields.map((f) =>
    set[f.name] === undefined ? quoteIdent(f.name) : `${set[f.name]} AS ${quoteIdent(f.name)}`,
  );
  const outside = await withConnection(async (connection) => {
    const scan = await bindScan(connection, snapshot);
    try {
      const updated = `SELECT ${projection.join(', ')} FROM ${quoteIdent(scan.view)}${predicate ? ` WHERE coalesce((${predicate}), false)` : ''}`;
      const reader = await connection.runAndReadAll(
        `SELECT count(*)::DOUBLE FROM (${updated}) AS u WHERE NOT coalesce((${rowFilter}), false)`,
      );
      return Number(reader.getRows()[0]?.[0] ?? 0);
    } finally {
      await scan.release();
    }
  });
  if (outside > 0) {
    throw new ForbiddenError(
      `${outside} updated rows would leave the rows this token may write (its row filter: ${rowFilter}); nothing was written.`,
      { rows: outside },
    );
  }
}
