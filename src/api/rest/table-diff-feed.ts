/**
 * A diff page from the change data feed: the rows versions from+1..to inserted, deleted
 * and updated (pre and post images), cut to the grant's columns and row filter. A
 * pre-image and a post-image are each shown when the filter passes them: what the reader
 * saw before and sees after. Runs on a trusted connection (the feed is not reachable from
 * sandboxed SQL for restricted readers): the only SQL in it is ours and the grant's.
 */
import {
  CHANGE_TYPE_COLUMN,
  duckdbType,
  queryRows,
  quoteIdent,
  withConnection,
  type ChangeFeed,
} from '../../lake/index.js';
import type { TableAccess } from '../api-context.js';
import type { DiffPage, DiffRange } from './table-diff-page.js';

const COMMIT_COLUMNS = ['_commit_version', '_commit_timestamp'];

export async function feedDiff(feed: ChangeFeed, access: TableAccess, range: DiffRange): Promise<DiffPage> {
  const columns = feed.schema.fields
    .filter((f) => access.columns === null || access.columns.includes(f.name))
    .map((f) => ({ name: f.name, type: duckdbType(f.type) }));
  return withConnection(async (connection) => {
    const binding = await feed.bind(connection);
    try {
      // The grant's row filter is written by an admin over the table's columns, which the feed has.
      const source = `${quoteIdent(binding.view)}${access.rowFilter === null ? '' : ` WHERE (${access.rowFilter})`}`;
      const counted = await queryRows(
        connection,
        `SELECT ${CHANGE_TYPE_COLUMN} AS kind, count(*) AS n FROM ${source} GROUP BY ALL`,
      );
      const select = [...columns.map((c) => c.name), CHANGE_TYPE_COLUMN, ...COMMIT_COLUMNS].map(quoteIdent).join(', ');
      // Per commit and row, what was before what came after: pre-image, delete, post-image, insert.
      const order = [
        ...['_commit_version', ...columns.slice(0, 1).map((c) => c.name)].map(quoteIdent),
        `CASE ${CHANGE_TYPE_COLUMN} WHEN 'update_preimage' THEN 0 WHEN 'delete' THEN 1 WHEN 'update_postimage' THEN 2 ELSE 3 END`,
      ].join(', ');
      const rows = await queryRows(
        connection,
        `SELECT ${select} FROM ${source} ORDER BY ${order} LIMIT ${range.limit + 1} OFFSET ${range.offset}`,
      );
      return {
        source: 'change-data-feed',
        columns,
        counts: Object.fromEntries(counted.map((row) => [String(row.kind), Number(row.n)])),
        rows,
      };
    } finally {
      await binding.release();
    }
  });
}
