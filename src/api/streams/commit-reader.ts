/**
 * One Delta commit as a `commit` event: what the operation was, when, and (when the
 * table records its change data feed) the rows it changed, capped so one huge MERGE
 * cannot produce a multi-megabyte event for every listener.
 */
import type { JsonValue } from '../../flows/index.js';
import {
  changeDataFeedEnabled,
  openSnapshot,
  queryRows,
  quoteIdent,
  tableChanges,
  withConnection,
  type Metadata,
  type Protocol,
  type TableCommit,
} from '../../lake/index.js';
import { openStore, type ObjectStore } from '../../storage/index.js';

/** Whether new commits carry change rows: tracked from the log as commits change the table's properties. */
export interface FeedState {
  protocol: Protocol;
  metadata: Metadata;
}

export async function feedStateAt(location: string, version?: number): Promise<{ version: number; feed: FeedState }> {
  const snapshot = await openSnapshot(location, version === undefined ? {} : { version });
  return { version: snapshot.version, feed: { protocol: snapshot.protocol, metadata: snapshot.metadata } };
}

export interface CommitOptions {
  readonly table: string;
  readonly location: string;
  /** The commit, as the lake's commit-tail reader gives it. */
  readonly commit: TableCommit;
  /** The table's protocol and metadata before this version; updated in place by its actions. */
  readonly feed: FeedState;
  readonly maxChangeRows: number;
}

export async function readCommit(options: CommitOptions): Promise<{ [key: string]: JsonValue }> {
  const store = openStore(options.location);
  const { version, commitInfo: info, timestamp } = options.commit;
  for (const action of options.commit.actions) {
    if (action.kind === 'protocol') options.feed.protocol = action.protocol;
    else if (action.kind === 'metaData') options.feed.metadata = action.metaData;
  }
  const changes = changeDataFeedEnabled(options.feed.protocol, options.feed.metadata)
    ? await changedRows(store, version, options.maxChangeRows)
    : null;
  return {
    table: options.table,
    version,
    operation: info.operation ?? 'UNKNOWN',
    timestamp: new Date(timestamp).toISOString(),
    operationParameters: (info.operationParameters ?? {}) as JsonValue,
    operationMetrics: ((info as { operationMetrics?: unknown }).operationMetrics ?? {}) as JsonValue,
    changes,
  };
}

/** Change columns the event already says once (`version`, `timestamp`). */
const COMMIT_COLUMNS = ['_commit_version', '_commit_timestamp'];

async function changedRows(
  store: ObjectStore,
  version: number,
  maxRows: number,
): Promise<{ rows: JsonValue[]; truncated: boolean }> {
  const feed = await tableChanges(store, version, version);
  const columns = [...feed.schema.fields.map((f) => f.name), '_change_type'].filter((c) => !COMMIT_COLUMNS.includes(c));
  const rows = await withConnection(async (connection) => {
    const binding = await feed.bind(connection);
    try {
      return await queryRows(
        connection,
        `SELECT ${columns.map(quoteIdent).join(', ')} FROM ${quoteIdent(binding.view)} LIMIT ${maxRows + 1}`,
      );
    } finally {
      await binding.release();
    }
  });
  const truncated = rows.length > maxRows;
  return { rows: (truncated ? rows.slice(0, maxRows) : rows) as JsonValue[], truncated };
}
