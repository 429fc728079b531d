/**
 * Reads the actions of one log file: a JSON commit, a checkpoint part (classic,
 * multi-part or V2 in Parquet or JSON) and the sidecars a V2 checkpoint names.
 * Every parse failure becomes a CorruptLogError naming the file.
 */
import type { ObjectStore } from '../../storage/index.js';
import { actionProblem, toAction, type Action } from './actions.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, withConnection } from '../../duckdb/index.js';
import { CorruptLogError } from '../errors.js';
import { localPathsFor, sqlPath } from '../write/local-files.js';
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
    if (!action) continue;
    const problem = actionProblem(action);
    if (problem) throw new CorruptLogError(file, `line ${i + 1}: ${problem}`);
    actions.push(action);
  }
  return actions;
}

/** Actions of Parquet checkpoint files (every row holds one action in one non-null column). */
export async function readParquetActions(store: ObjectStore, keys: readonly string[]): Promise<Action[]> {
  if (keys.length === 0) return [];
  const { paths, release } = await localPathsFor(store, keys);
  try {
    return await withConnection(async (connection) => {
      const source = `read_parquet([${paths.map(sqlPath).join(', ')}], union_by_name = true)`;
      const columns = await columnNames(connection, `SELECT * FROM ${source}`);
      if (!columns.some((c) => CHECKPOINT_COLUMNS.has(c))) {
        throw new CorruptLogError(
          keys.map((k) => store.url(k)).join(', '),
          `has none of the checkpoint columns (${[...CHECKPOINT_COLUMNS].join(', ')}); it is not a checkpoint`,
        );
      }
      const adds = columns.includes('add') ? await readAdds(connection, source) : [];
      // The few non-add rows (protocol, metaData, txn, remove, ...) go through JSON.
      const where = columns.includes('add') ? ' WHERE t.add IS NULL' : '';
      const rows = await queryRows(connection, `SELECT to_json(t)::VARCHAR AS action FROM ${source} t${where}`);
      const actions: Action[] = [];
      for (const row of rows) {
        const action = toAction(withoutNulls(JSON.parse(String(row.action)) as Record<string, unknown>));
        if (!action) continue;
        const problem = actionProblem(action);
        if (problem) throw new CorruptLogError(keys.map((k) => store.url(k)).join(', '), problem);
        actions.push(action);
      }
      return [...actions, ...adds];
    });
  } catch (error) {
    if (error instanceof CorruptLogError) throw error;
    throw new CorruptLogError(keys.map((k) => store.url(k)).join(', '), 'not a readable Parquet checkpoint', {
      cause: error,
    });
  } finally {
    await release();
  }
}

const CHECKPOINT_COLUMNS: ReadonlySet<string> = new Set([
  'protocol',
  'metaData',
  'add',
  'remove',
  'txn',
  'domainMetadata',
  'checkpointMetadata',
  'sidecar',
]);

/** Add fields by how they are read: scalars as they are, nested values as JSON text. */
const ADD_SCALARS = [
  'path',
  'size',
  'modificationTime',
  'dataChange',
  'stats',
  'baseRowId',
  'defaultRowCommitVersion',
  'clusteringProvider',
];
const ADD_NESTED = ['partitionValues', 'tags', 'deletionVector'];
const ADD_NUMBERS = new Set(['size', 'modificationTime', 'baseRowId', 'defaultRowCommitVersion']);

/**
 * The add rows of a checkpoint, read column by column: a checkpoint is mostly adds,
 * and building them from typed columns avoids a JSON round trip of every row.
 */
async function readAdds(connection: DuckDBConnection, source: string): Promise<Action[]> {
  const present = new Set(await columnNames(connection, `SELECT "add".* FROM ${source}`));
  const fields = [...ADD_SCALARS, ...ADD_NESTED].filter((f) => present.has(f));
  const select = fields.map((f) => (ADD_NESTED.includes(f) ? `to_json(t.add."${f}")::VARCHAR` : `t.add."${f}"`));
  const reader = await connection.runAndReadAll(`SELECT ${select.join(', ')} FROM ${source} t WHERE t.add IS NOT NULL`);
  return reader.getRowsJson().map((row) => {
    const add: Record<string, unknown> = {};
    fields.forEach((field, i) => {
      const value = row[i];
      if (value === null || value === undefined) return;
      if (ADD_NESTED.includes(field)) {
        const parsed = JSON.parse(String(value)) as Record<string, unknown>;
        add[field] = field === 'partitionValues' ? parsed : withoutNulls(parsed);
      } else add[field] = ADD_NUMBERS.has(field) ? Number(value) : value;
    });
    add.partitionValues ??= {};
    return { kind: 'add', add } as unknown as Action;
  });
}

async function columnNames(connection: DuckDBConnection, sql: string): Promise<string[]> {
  return (await connection.runAndReadAll(`DESCRIBE ${sql}`)).getRowObjectsJson().map((r) => String(r.column_name));
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
  const sidecarKeys = sidecars.map((s) =>
    s.path.includes('/') ? s.path : `${LOG_DIR}/_sidecars/${decodeURIComponent(s.path)}`,
  );
  return [...actions.filter((a) => a.kind !== 'sidecar'), ...(await readParquetActions(store, sidecarKeys))];
}

/** Checkpoint rows carry a null for every absent action and field; the log's JSON does not. */
function withoutNulls(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === null) continue;
    out[key] =
      typeof value === 'object' && !Array.isArray(value) && key !== 'partitionValues'
        ? withoutNulls(value as Record<string, unknown>)
        : value;
  }
  return out;
}
