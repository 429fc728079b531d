/**
 * One Delta commit as a `commit` event: what the operation was, when, and (when the
 * table records its change data feed) the rows it changed, capped so one huge MERGE
 * cannot produce a multi-megabyte event for every listener.
 */
import type { JsonValue } from '../../flows/index.js';
import {
  changeDataFeedEnabled,
  queryRows,
  quoteIdent,
  tableChanges,
  toAction,
  withConnection,
  DeltaTable,
  type CommitInfo,
  type Metadata,
  type Protocol,
} from '../../lake/index.js';
import { openStore, type ObjectStore } from '../../storage/index.js';

/** The log file of a version (PROTOCOL.md, "Delta Log Entries"). */
export function commitKey(version: number): string {
  return `_delta_log/${String(version).padStart(20, '0')}.json`;
}

/** Whether new commits carry change rows: tracked from the log as commits change the table's properties. */
export interface FeedState {
  protocol: Protocol;
  metadata: Metadata;
}

export async function feedStateAt(location: string, version?: number): Promise<{ version: number; feed: FeedState }> {
  const table = await DeltaTable.open(location, version === undefined ? {} : { version });
  return { version: table.version, feed: { protocol: table.snapshot.protocol, metadata: table.snapshot.metadata } };
}

export interface CommitOptions {
  readonly table: string;
  readonly location: string;
  readonly version: number;
  /** The table's protocol and metadata before this version; updated in place by its actions. */
  readonly feed: FeedState;
  readonly maxChangeRows: number;
  /** Commit file modification time, when the caller already has it (the poll's head). */
  readonly modifiedAt?: number;
}

export async function readCommit(options: CommitOptions): Promise<{ [key: string]: JsonValue }> {
  const store = openStore(options.location);
  const key = commitKey(options.version);
  const text = new TextDecoder().decode(await store.get(key));
  let info: CommitInfo = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const action = toAction(JSON.parse(line) as Record<string, unknown>);
    if (action?.kind === 'commitInfo') info = action.commitInfo;
    else if (action?.kind === 'protocol') options.feed.protocol = action.protocol;
    else if (action?.kind === 'metaData') options.feed.metadata = action.metaData;
  }
  const millis =
    info.inCommitTimestamp ??
    options.modifiedAt ??
    (await store.head(key))?.lastModified ??
    info.timestamp ??
    Date.now();
  const changes = changeDataFeedEnabled(options.feed.protocol, options.feed.metadata)
    ? await changedRows(store, options.version, options.maxChangeRows)
    : null;
  return {
    table: options.table,
    version: options.version,
    operation: info.operation ?? 'UNKNOWN',
    timestamp: new Date(millis).toISOString(),
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
