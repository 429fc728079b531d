/**
 * Batches of known size, and what the log and the data say about them.
 *
 * Every batch appended by a worker is one commit of `rowsFor(batch)` rows
 * `(writer, batch, seq)` with seq 0..n-1, so from the data alone we can tell whether
 * a batch is fully present, absent, or (the bug these suites look for) partial.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  bindScan,
  queryRows,
  withConnection,
  type AddFile,
  type Snapshot,
  type StructType,
} from '../../../src/lake/index.js';

export const batchSchema: StructType = {
  type: 'struct',
  fields: [
    { name: 'writer', type: 'long', nullable: false, metadata: {} },
    { name: 'batch', type: 'long', nullable: false, metadata: {} },
    { name: 'seq', type: 'long', nullable: false, metadata: {} },
  ],
};

/** Rows in a batch: 1..61, varying so that a half-written batch cannot pass as another. */
export function rowsFor(batch: number): number {
  return 1 + ((batch * 37) % 61);
}

export function batchSql(writer: number, batch: number): string {
  return `SELECT ${writer}::BIGINT AS writer, ${batch}::BIGINT AS batch, range::BIGINT AS seq FROM range(${rowsFor(batch)})`;
}

export interface BatchCount {
  readonly writer: number;
  readonly rows: number;
  readonly distinctSeq: number;
  readonly minSeq: number;
  readonly maxSeq: number;
}

/** Rows per batch in the snapshot (or in some of its files), counted by DuckDB through the table's scan. */
export async function countBatches(snapshot: Snapshot, files?: readonly AddFile[]): Promise<Map<number, BatchCount>> {
  return withConnection(async (connection) => {
    const scan = await bindScan(connection, snapshot, files ? { files } : {});
    try {
      const rows = await queryRows(
        connection,
        `
        SELECT batch, min(writer) AS writer, count(DISTINCT writer) AS writers, count(*) AS n,
               count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi
        FROM "${scan.view}" GROUP BY batch`,
      );
      const out = new Map<number, BatchCount>();
      for (const r of rows) {
        if (Number(r.writers) !== 1)
          throw new Error(`batch ${String(r.batch)} has rows of ${String(r.writers)} writers`);
        out.set(Number(r.batch), {
          writer: Number(r.writer),
          rows: Number(r.n),
          distinctSeq: Number(r.d),
          minSeq: Number(r.lo),
          maxSeq: Number(r.hi),
        });
      }
      return out;
    } finally {
      await scan.release();
    }
  });
}

/** Problems with a batch's rows ([] when it is exactly its full size, each seq once). */
export function batchProblems(batch: number, count: BatchCount): string[] {
  const n = rowsFor(batch);
  if (count.rows === n && count.distinctSeq === n && count.minSeq === 0 && count.maxSeq === n - 1) return [];
  return [
    `batch ${batch}: ${count.rows} rows (${count.distinctSeq} distinct seq ${count.minSeq}..${count.maxSeq}), expected exactly ${n}`,
  ];
}

export const logDir = (location: string) => path.join(location, '_delta_log');
export const commitFile = (location: string, version: number) =>
  path.join(logDir(location), `${String(version).padStart(20, '0')}.json`);

/** Versions of the JSON commits present in `_delta_log`, ascending. */
export function commitVersions(location: string): number[] {
  return readdirSync(logDir(location))
    .flatMap((name) => {
      const m = /^(\d{20})\.json$/.exec(name);
      return m ? [Number(m[1])] : [];
    })
    .sort((a, b) => a - b);
}

/** Problems when the commits are not exactly 0..n-1 with no gap or duplicate. */
export function contiguityProblems(versions: readonly number[]): string[] {
  const problems: string[] = [];
  versions.forEach((v, i) => {
    if (v !== i) problems.push(`commit at position ${i} has version ${v}`);
  });
  return problems.slice(0, 5);
}

export interface CommitSummary {
  readonly version: number;
  readonly operation: string;
  readonly readVersion: number | undefined;
  /** Batches whose rows the commit adds, with the rows it adds for each (from add stats). */
  readonly addedRows: ReadonlyMap<number, number>;
  readonly adds: readonly string[];
  readonly removes: readonly string[];
}

/** Parses one commit file strictly: every line must be a complete JSON object. */
export function readCommit(location: string, version: number): CommitSummary {
  const text = readFileSync(commitFile(location, version), 'utf8');
  if (!text.endsWith('\n') && !text.endsWith('}'))
    throw new Error(`commit ${version} does not end with a complete line`);
  const addedRows = new Map<number, number>();
  const adds: string[] = [];
  const removes: string[] = [];
  let operation = '';
  let readVersion: number | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const action = JSON.parse(line) as Record<string, Record<string, unknown>>;
    if (action.commitInfo) {
      operation = String(action.commitInfo.operation);
      readVersion = action.commitInfo.readVersion as number | undefined;
    }
    if (action.remove) removes.push(String(action.remove.path));
    if (action.add) {
      adds.push(String(action.add.path));
      const stats = JSON.parse(String(action.add.stats)) as {
        numRecords: number;
        minValues: { batch: number };
        maxValues: { batch: number };
      };
      if (stats.minValues.batch !== stats.maxValues.batch)
        throw new Error(
          `commit ${version} adds a file mixing batches ${stats.minValues.batch}..${stats.maxValues.batch}`,
        );
      addedRows.set(stats.minValues.batch, (addedRows.get(stats.minValues.batch) ?? 0) + stats.numRecords);
    }
  }
  return { version, operation, readVersion, addedRows, adds, removes };
}

/** Every file under `root`, relative, `/`-separated (for before/after comparisons). */
export function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        out.push(`${rel}/`);
        walk(path.join(dir, entry.name), rel);
      } else out.push(`${rel} ${statSync(path.join(dir, entry.name)).size}`);
    }
  };
  walk(root, '');
  return out.sort();
}
