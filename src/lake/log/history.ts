/**
 * Table history (commitInfo per version) and timestamp → version resolution for time
 * travel. A version's timestamp is its inCommitTimestamp when the table records one,
 * otherwise its commit file's modification time; like Delta, times are made strictly
 * increasing with version so that "as of timestamp" has one answer.
 */
import type { ObjectStore } from '../../storage/index.js';
import { commitInfoOf, type CommitInfo } from './actions.js';
import { NotADeltaTableError, VersionNotFoundError } from '../errors.js';
import { readJsonActions } from './log-reader.js';
import { listLog } from './log-segment.js';

export interface HistoryEntry {
  readonly version: number;
  readonly timestamp: number;
  readonly operation: string;
  readonly operationParameters: Readonly<Record<string, unknown>>;
  readonly operationMetrics: Readonly<Record<string, unknown>>;
  readonly readVersion?: number;
  readonly isBlindAppend?: boolean;
  readonly engineInfo?: string;
  readonly commitInfo: CommitInfo;
}

interface VersionTime {
  readonly version: number;
  readonly timestamp: number;
  readonly key: string;
}

/** Commit versions with monotonic timestamps, oldest first. */
async function versionTimes(store: ObjectStore): Promise<VersionTime[]> {
  const listing = await listLog(store);
  const versions = [...listing.commits.entries()].sort((a, b) => a[0] - b[0]);
  if (versions.length === 0) throw new NotADeltaTableError(store.root, 'its _delta_log holds no commits');
  const times: VersionTime[] = [];
  let previous = -Infinity;
  for (const [version, meta] of versions) {
    const timestamp = Math.max(Math.floor(meta.lastModified), previous + 1);
    times.push({ version, timestamp, key: meta.key });
    previous = timestamp;
  }
  return times;
}

/** Newest first; at most `limit` entries. */
export async function readHistory(store: ObjectStore, limit = Infinity): Promise<HistoryEntry[]> {
  const times = (await versionTimes(store)).reverse().slice(0, limit);
  return Promise.all(
    times.map(async ({ version, timestamp, key }) => {
      const actions = await readJsonActions(store, key);
      const commitInfo = commitInfoOf(actions);
      return {
        version,
        timestamp: commitInfo.inCommitTimestamp ?? timestamp,
        operation: commitInfo.operation ?? 'UNKNOWN',
        operationParameters: commitInfo.operationParameters ?? {},
        operationMetrics: (commitInfo.operationMetrics as Record<string, unknown> | undefined) ?? {},
        ...(commitInfo.readVersion !== undefined ? { readVersion: commitInfo.readVersion } : {}),
        ...(commitInfo.isBlindAppend !== undefined ? { isBlindAppend: commitInfo.isBlindAppend } : {}),
        ...(commitInfo.engineInfo !== undefined ? { engineInfo: commitInfo.engineInfo } : {}),
        commitInfo,
      };
    }),
  );
}

/** The latest version committed at or before `timestamp` (epoch ms). */
export async function versionAtTimestamp(store: ObjectStore, timestamp: number): Promise<number> {
  const times = await versionTimes(store);
  const first = times[0]!;
  const last = times[times.length - 1]!;
  if (timestamp < first.timestamp) {
    throw new VersionNotFoundError(
      `${store.root} has no version at ${new Date(timestamp).toISOString()}: its earliest available version (${first.version}) was committed at ${new Date(first.timestamp).toISOString()}.`,
      { location: store.root, timestamp, earliest: first.timestamp },
    );
  }
  if (timestamp >= last.timestamp) return last.version;
  let low = 0;
  let high = times.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (times[mid]!.timestamp <= timestamp) low = mid;
    else high = mid - 1;
  }
  return times[low]!.version;
}

/** Parses a time-travel timestamp: ISO 8601, `YYYY-MM-DD[ HH:MM:SS]` (UTC), or epoch ms. */
export function parseTimestamp(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const iso = /^\d{4}-\d\d-\d\d$/.test(trimmed)
    ? `${trimmed}T00:00:00Z`
    : /[zZ]|[+-]\d\d:?\d\d$/.test(trimmed)
      ? trimmed.replace(' ', 'T')
      : `${trimmed.replace(' ', 'T')}Z`;
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) {
    throw new VersionNotFoundError(`"${text}" is not a timestamp; use ISO 8601 such as 2026-01-01T12:00:00Z.`, {
      timestamp: text,
    });
  }
  return millis;
}
