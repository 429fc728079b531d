/**
 * Reads the actions of one log file: a JSON commit, a checkpoint part (classic,
 * multi-part or V2 in Parquet or JSON) and the sidecars a V2 checkpoint names.
 * Every parse failure becomes a CorruptLogError naming the file.
 */
import type { ObjectStore } from '../storage/index.js';
import { toAction, type Action } from './actions.js';
import { queryRows, withConnection } from './duckdb.js';
import { CorruptLogError } from './errors.js';
import { localPathsFor, sqlPath } from './local-files.js';
import { LOG_DIR } from './log-files.js';

export async function readJsonActions(store: ObjectStore, key: string): Promise<Action[]> {
  const text = new TextDecoder().decode(await store.get(key));
  return parseJsonActions(text, store.url(key));
}

export function parseJsonActions(text: string, file: string): Action[] {
  const actions: Action[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let object: unknown;
    try {
      object = JSON.parse(line);
    } catch (error) {
      throw new CorruptLogError(file, `line ${i + 1} is not valid JSON (truncated or overwritten?)`, { cause: error });
    }
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      throw new CorruptLogError(file, `line ${i + 1} is not a JSON object`);
    }
    const action = toAction(object as Record<string, unknown>);
    if (action) actions.push(action);
  }
  return actions;
}

/** Actions of Parquet checkpoint files (every row holds one action in one non-null column). */
export async function readParquetActions(store: ObjectStore, keys: readonly string[]): Promise<Action[]> {
  if (keys.length === 0) return [];
  const { paths, release } = await localPathsFor(store, keys);
  try {
    const rows = await withConnection((c) =>
      queryRows(c, `SELECT to_json(t)::VARCHAR AS action FROM read_parquet([${paths.map(sqlPath).join(', ')}]) t`),
    );
    const actions: Action[] = [];
    for (const row of rows) {
      const action = toAction(withoutNulls(JSON.parse(String(row.action)) as Record<string, unknown>));
      if (action) actions.push(action);
    }
    return actions;
  } catch (error) {
    if (error instanceof CorruptLogError) throw error;
    throw new CorruptLogError(keys.map((k) => store.url(k)).join(', '), 'not a readable Parquet checkpoint', { cause: error });
  } finally {
    await release();
  }
}

/** Reads a whole checkpoint; a V2 checkpoint's sidecar files are read and inlined. */
export async function readCheckpointActions(store: ObjectStore, keys: readonly string[]): Promise<Action[]> {
  const jsonKeys = keys.filter((k) => k.endsWith('.json'));
  const parquetKeys = keys.filter((k) => !k.endsWith('.json'));
  const [fromJson, fromParquet] = await Promise.all([
    Promise.all(jsonKeys.map((k) => readJsonActions(store, k))).then((lists) => lists.flat()),
    readParquetActions(store, parquetKeys),
  ]);
  const actions = [...fromJson, ...fromParquet];
  const sidecars = actions.flatMap((a) => (a.kind === 'sidecar' ? [a.sidecar] : []));
  if (sidecars.length === 0) return actions;
  const sidecarKeys = sidecars.map((s) => (s.path.includes('/') ? s.path : `${LOG_DIR}/_sidecars/${decodeURIComponent(s.path)}`));
  return [...actions.filter((a) => a.kind !== 'sidecar'), ...(await readParquetActions(store, sidecarKeys))];
}

/** Checkpoint rows carry a null for every absent action and field; the log's JSON does not. */
function withoutNulls(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === null) continue;
    out[key] = typeof value === 'object' && !Array.isArray(value) && key !== 'partitionValues'
      ? withoutNulls(value as Record<string, unknown>)
      : value;
  }
  return out;
}
