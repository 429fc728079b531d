/**
 * Writes classic single-file checkpoints (PROTOCOL.md, "Checkpoints", V1 spec) and
 * the `_last_checkpoint` hint.
 *
 * Guarantees: the checkpoint holds the snapshot's protocol, metadata, transaction ids,
 * domain metadata, every live file (as `add` with dataChange false) and the tombstones
 * not yet expired under `delta.deletedFileRetentionDuration`, one action per row in the
 * standard checkpoint schema. It appears atomically (a reader sees the whole file or
 * none), and `_last_checkpoint` is written only after it and never moved backwards.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ObjectStore } from '../../storage/index.js';
import { withConnection } from '../../duckdb/index.js';
import { sqlPath, stagingDirectory } from '../write/local-files.js';
import { LAST_CHECKPOINT, classicCheckpointKey } from './log-files.js';
import { hasFeature } from './protocol.js';
import { RetentionProperty, retentionMs } from './retention-intervals.js';
import type { Snapshot } from './snapshot.js';

export interface CheckpointOptions {
  /** The clock for tombstone expiry (epoch ms); defaults to now. */
  readonly now?: number;
}

export interface CheckpointResult {
  readonly version: number;
  readonly sizeInBytes: number;
  /** Rows (actions) in the checkpoint: `size` in `_last_checkpoint`. */
  readonly numActions: number;
  readonly numOfAddFiles: number;
}

const DEFAULT_CHECKPOINT_INTERVAL = 10;

/** Whether a writer should checkpoint after committing `version` (`delta.checkpointInterval`). */
export function shouldCheckpoint(version: number, configuration: Readonly<Record<string, string>>): boolean {
  return version > 0 && version % checkpointInterval(configuration) === 0;
}

/** `delta.checkpointInterval`; a bad value must not fail the commit that asks, so it falls back to Delta's default. */
export function checkpointInterval(configuration: Readonly<Record<string, string>>): number {
  const configured = Number(configuration['delta.checkpointInterval']);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_CHECKPOINT_INTERVAL;
}

const MAP = 'MAP(VARCHAR, VARCHAR)';
const DV =
  'STRUCT("storageType" VARCHAR, "pathOrInlineDv" VARCHAR, "offset" INTEGER, "sizeInBytes" INTEGER, "cardinality" BIGINT, "maxRowIndex" BIGINT)';

/** Column types of the checkpoint, in Delta's order; Parquet types follow the protocol's appendix. */
const COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['txn', 'STRUCT("appId" VARCHAR, "version" BIGINT, "lastUpdated" BIGINT)'],
  [
    'add',
    `STRUCT("path" VARCHAR, "partitionValues" ${MAP}, "size" BIGINT, "modificationTime" BIGINT, "dataChange" BOOLEAN, "stats" VARCHAR, "tags" ${MAP}, "deletionVector" ${DV}, "baseRowId" BIGINT, "defaultRowCommitVersion" BIGINT, "clusteringProvider" VARCHAR)`,
  ],
  [
    'remove',
    `STRUCT("path" VARCHAR, "deletionTimestamp" BIGINT, "dataChange" BOOLEAN, "extendedFileMetadata" BOOLEAN, "partitionValues" ${MAP}, "size" BIGINT, "deletionVector" ${DV}, "baseRowId" BIGINT, "defaultRowCommitVersion" BIGINT)`,
  ],
  [
    'metaData',
    `STRUCT("id" VARCHAR, "name" VARCHAR, "description" VARCHAR, "format" STRUCT("provider" VARCHAR, "options" ${MAP}), "schemaString" VARCHAR, "partitionColumns" VARCHAR[], "configuration" ${MAP}, "createdTime" BIGINT)`,
  ],
  [
    'protocol',
    'STRUCT("minReaderVersion" INTEGER, "minWriterVersion" INTEGER, "readerFeatures" VARCHAR[], "writerFeatures" VARCHAR[])',
  ],
  ['domainMetadata', 'STRUCT("domain" VARCHAR, "configuration" VARCHAR, "removed" BOOLEAN)'],
  ['checkpointMetadata', `STRUCT("version" BIGINT, "tags" ${MAP})`],
];

/** Writes the snapshot's checkpoint, then `_last_checkpoint`. */
export async function writeCheckpoint(snapshot: Snapshot, options: CheckpointOptions = {}): Promise<CheckpointResult> {
  const rows = checkpointRows(snapshot, options.now ?? Date.now());
  const numOfAddFiles = snapshot.files.length;
  const sizeInBytes = await writeParquet(
    snapshot.store,
    classicCheckpointKey(snapshot.version),
    rows,
    compression(snapshot.configuration),
  );
  const result = { version: snapshot.version, sizeInBytes, numActions: rows.length, numOfAddFiles };
  await writeLastCheckpoint(snapshot.store, result);
  return result;
}

/** One object per checkpoint row: `{ <action kind>: <fields> }`, absent columns read as NULL. */
function checkpointRows(snapshot: Snapshot, now: number): Record<string, unknown>[] {
  const { protocol, metadata } = snapshot;
  const writeStats = metadata.configuration['delta.checkpoint.writeStatsAsJson']?.toLowerCase() !== 'false';
  const oldestKept = now - retentionMs(metadata.configuration, RetentionProperty.deletedFiles);
  const rows: Record<string, unknown>[] = [];
  rows.push({
    protocol: {
      minReaderVersion: protocol.minReaderVersion,
      minWriterVersion: protocol.minWriterVersion,
      // The protocol requires non-null feature lists exactly on reader 3 / writer 7.
      readerFeatures: protocol.minReaderVersion === 3 ? (protocol.readerFeatures ?? []) : null,
      writerFeatures: protocol.minWriterVersion === 7 ? (protocol.writerFeatures ?? []) : null,
    },
  });
  rows.push({
    metaData: { ...metadata, format: { provider: metadata.format.provider, options: metadata.format.options ?? {} } },
  });
  // On v2Checkpoint tables the checkpoint is a V2 checkpoint (classic naming is allowed),
  // which must carry a checkpointMetadata action.
  if (hasFeature(protocol, 'v2Checkpoint')) rows.push({ checkpointMetadata: { version: snapshot.version } });
  for (const txn of snapshot.txns) rows.push({ txn });
  for (const { domain, configuration } of snapshot.domains.values())
    rows.push({ domainMetadata: { domain, configuration, removed: false } });
  for (const add of snapshot.files) {
    // Checkpointed adds restate files already in the table: they change no data.
    rows.push({ add: { ...add, dataChange: false, stats: writeStats ? (add.stats ?? null) : null } });
  }
  for (const remove of snapshot.tombstones) {
    // A tombstone without a timestamp cannot be shown to be young: it has expired.
    if ((remove.deletionTimestamp ?? 0) <= oldestKept) continue;
    // Checkpoint tombstones serve VACUUM only, so stats and tags are left out (protocol).
    const { stats: _stats, tags: _tags, ...kept } = remove;
    rows.push({ remove: { ...kept, dataChange: false } });
  }
  return rows;
}

/**
 * DuckDB writes the rows: NDJSON read back with the explicit checkpoint types, copied to
 * Parquet. Local stores get a sibling temp file renamed over the target (atomic on one
 * filesystem); others a staged file put in one request. Returns the checkpoint's size.
 */
async function writeParquet(
  store: ObjectStore,
  key: string,
  rows: readonly Record<string, unknown>[],
  codec: string,
): Promise<number> {
  const stage = await stagingDirectory();
  const id = randomUUID();
  const lines = rows.map((row) => JSON.stringify(row));
  const input = path.join(stage, `${id}.checkpoint.json`);
  const target = store.localPath(key);
  const output =
    target === undefined
      ? path.join(stage, `${id}.checkpoint.parquet`)
      : path.join(path.dirname(target), `.${path.basename(target)}.${id}.tmp`);
  const longest = lines.reduce((max, line) => Math.max(max, Buffer.byteLength(line)), 0);
  const columns = COLUMNS.map(([name, type]) => `"${name}": '${type.replace(/'/g, "''")}'`).join(', ');
  try {
    await fs.writeFile(input, lines.map((line) => `${line}\n`).join(''));
    await withConnection((c) =>
      c.run(
        `COPY (SELECT * FROM read_json(${sqlPath(input)}, format = 'newline_delimited', maximum_object_size = ${Math.max(16 << 20, 2 * longest)}, columns = {${columns}}))
       TO ${sqlPath(output)} (FORMAT parquet, COMPRESSION ${codec})`,
      ),
    );
    const { size } = await fs.stat(output);
    if (target === undefined) await store.put(key, await fs.readFile(output));
    else await fs.rename(output, target);
    return size;
  } finally {
    await Promise.all([fs.rm(input, { force: true }), fs.rm(output, { force: true })]);
  }
}

/** `delta.parquet.compression.codec`, as a DuckDB codec; zstd (the protocol's default) otherwise. */
function compression(configuration: Readonly<Record<string, string>>): string {
  const wanted = configuration['delta.parquet.compression.codec']?.toLowerCase();
  if (wanted === 'none' || wanted === 'uncompressed') return 'uncompressed';
  // Hadoop-framed `lz4` is not something DuckDB writes, so it falls back like unknown codecs.
  return wanted === 'snappy' || wanted === 'gzip' || wanted === 'lz4_raw' ? wanted : 'zstd';
}

async function writeLastCheckpoint(store: ObjectStore, result: CheckpointResult): Promise<void> {
  // A slower writer of an older checkpoint must not move the hint backwards, but a hint
  // naming a checkpoint that does not exist (past the end of the log) is no hint at all.
  const current = await readHintVersion(store);
  if (
    current !== undefined &&
    current > result.version &&
    (await store.head(classicCheckpointKey(current))) !== undefined
  )
    return;
  const hint = {
    version: result.version,
    size: result.numActions,
    sizeInBytes: result.sizeInBytes,
    numOfAddFiles: result.numOfAddFiles,
  };
  await store.put(LAST_CHECKPOINT, JSON.stringify(hint));
}

async function readHintVersion(store: ObjectStore): Promise<number | undefined> {
  try {
    const { version } = JSON.parse(new TextDecoder().decode(await store.get(LAST_CHECKPOINT))) as { version?: unknown };
    return typeof version === 'number' ? version : undefined;
  } catch {
    return undefined; // absent or corrupt: ours replaces it
  }
}
