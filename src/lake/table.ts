/**
 * DeltaTable: the lake's entry point for one table — create, open (optionally at a
 * version or timestamp), append, overwrite (whole, or rows matching a predicate),
 * history, checkpoint and vacuum. Every write is one Delta transaction.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openStore, type ObjectStore } from '../storage/index.js';
import { silentProgress, type ProgressReporter } from '../core/index.js';
import type { Metadata, Protocol } from './log/actions.js';
import { describeSource, sourceRelation, type DataSource } from './write/data-source.js';
import type { InputReport } from './write/bad-rows.js';
import { writeDataFiles, type DataLayout } from './write/data-writer.js';
import { withConnection } from '../duckdb/index.js';
import { InvalidTableOperationError } from './errors.js';
import { readHistory, type HistoryEntry } from './log/history.js';
import { emptyState } from './log/log-replay.js';
import { afterCommit } from './transaction/post-commit.js';
import { minimumProtocol, assertWritableSchema } from './log/protocol.js';
import { readRows } from './read/read.js';
import { rewriteMatching } from './operations/replace-where.js';
import { assignColumnMapping } from './log/column-mapping.js';
import { columnMappingMode, findField, parseSchema, type StructField, type StructType } from './log/schema.js';
import { Snapshot } from './log/snapshot.js';
import { openSnapshot } from './log/snapshot-cache.js';
import { Transaction, type CommitResult } from './transaction/transaction.js';
import { planWrite, schemaFromSource } from './write/write-schema.js';
import { LOG_DIR } from './log/log-files.js';
import { addConstraint, dropConstraint, setProperties } from './operations/constraint-changes.js';
import { checkConstraints, checkedRelation, tableConstraints, withConstraintErrors } from './write/constraints.js';
import { tableChanges, type ChangeFeed } from './change-data/change-data-reader.js';
import { deleteRows } from './operations/delete-rows.js';
import type { DmlMetrics, DmlOptions, DmlOutcome } from './operations/dml-context.js';
import { mergeInto } from './operations/merge-into.js';
import type { MergeSpec } from './operations/merge-plan.js';
import { updateRows, type Assignments } from './operations/update-rows.js';
import { addColumns } from './operations/schema-changes.js';

export interface OpenOptions {
  readonly version?: number;
  /** ISO 8601 text or epoch milliseconds. */
  readonly timestamp?: string | number;
}

export interface CreateOptions {
  /** The schema; when absent it is taken from `data`. */
  readonly schema?: StructType;
  readonly data?: DataSource;
  readonly partitionColumns?: readonly string[];
  readonly properties?: Readonly<Record<string, string>>;
  readonly name?: string;
  readonly description?: string;
  /** Run on this DuckDB connection (where a `sql` source's views live); default a fresh one. */
  readonly connection?: DuckDBConnection;
}

export interface WriteOptions {
  /** Add new columns found in the data to the schema (as nullable columns). */
  readonly mergeSchema?: boolean;
  /** Idempotent write: skipped if the table already has this or a later version for appId. */
  readonly txn?: { readonly appId: string; readonly version: number };
  readonly targetFileSize?: number;
  readonly progress?: ProgressReporter;
  /** Run on this DuckDB connection (where a `sql` source's views live); default a fresh one. */
  readonly connection?: DuckDBConnection;
}

export interface OverwriteOptions extends WriteOptions {
  /** Replace only the rows matching this SQL predicate; the new rows must match it too. */
  readonly replaceWhere?: string;
  /** Replace the schema (and partitioning) with the data's. */
  readonly overwriteSchema?: boolean;
  readonly partitionColumns?: readonly string[];
}

export interface WriteResult {
  /** The table version after the write (unchanged when skipped). */
  readonly version: number;
  readonly numFiles: number;
  readonly numRows: number;
  /** True when `txn` showed the batch was already committed. */
  readonly skipped: boolean;
  /** For a CSV or JSON-lines file: the lines left out (skipped or quarantined) and where they went. */
  readonly input?: InputReport;
}

/** The outcome of DELETE, UPDATE or MERGE: the table's version after it and what changed. */
export interface DmlResult extends DmlMetrics {
  /** The new version; when nothing was committed, the version the statement read. */
  readonly version: number;
  /** False when no row changed: no version was committed (no stream event, no cache invalidation). */
  readonly committed: boolean;
}

export class DeltaTable {
  private constructor(private current: Snapshot) {}

  get snapshot(): Snapshot {
    return this.current;
  }

  get version(): number {
    return this.current.version;
  }

  get location(): string {
    return this.current.location;
  }

  /** The table at its latest version (or as `options` say), through the snapshot cache. */
  static async open(location: string | ObjectStore, options: OpenOptions = {}): Promise<DeltaTable> {
    return new DeltaTable(await openSnapshot(location, options));
  }

  static async exists(location: string | ObjectStore): Promise<boolean> {
    const store = typeof location === 'string' ? openStore(location) : location;
    return (await store.list(`${LOG_DIR}/`)).length > 0;
  }

  /** Creates a table (commit 0); with `data`, writes it in the same commit. */
  static async create(location: string | ObjectStore, options: CreateOptions): Promise<DeltaTable> {
    return (await DeltaTable.createFrom(location, options)).table;
  }

  /** Like `create`, with what was written: rows, files and the input file's rejected lines. */
  static async createFrom(
    location: string | ObjectStore,
    options: CreateOptions,
  ): Promise<{ table: DeltaTable; result: WriteResult }> {
    const store = typeof location === 'string' ? openStore(location) : location;
    if (!options.schema && !options.data)
      throw new InvalidTableOperationError('Creating a table needs a schema or data to take it from.');
    return onConnection(options.connection, async (connection) => {
      const source = options.data ? await sourceRelation(options.data, connection) : undefined;
      try {
        const metadata = newMetadata(
          options.schema ?? schemaFromSource(await describeSource(connection, source!)),
          options,
        );
        const schema = parseSchema(metadata.schemaString);
        assertWritableSchema(schema, store.root);
        const protocol = minimumProtocol(metadata.configuration, usesTimestampNtz(schema));
        const txn = new Transaction(emptySnapshot(store, protocol), {
          operation: source ? 'CREATE TABLE AS SELECT' : 'CREATE TABLE',
          operationParameters: createParameters(metadata),
        });
        txn.setProtocol(protocol).setMetadata(metadata);
        if (source) {
          const plan = planWrite(schema, await describeSource(connection, source), {
            location: store.root,
            inferredTypes: options.data?.kind !== 'sql',
          });
          const rules = tableConstraints(schema, metadata);
          const written = await withConstraintErrors(rules, store.root, 'CREATE TABLE AS SELECT', () =>
            writeDataFiles(
              connection,
              store,
              layoutOf(schema, metadata),
              checkedRelation(`SELECT ${plan.projection} FROM (${source.sql}) src`, rules),
            ),
          );
          txn.addFiles(written.adds).setMetrics({
            numFiles: written.adds.length,
            numOutputRows: written.numRows,
            numOutputBytes: written.numBytes,
          });
        }
        const result = await txn.commit();
        const table = new DeltaTable(result.snapshot);
        const written = {
          version: table.version,
          numFiles: table.snapshot.files.length,
          numRows: table.snapshot.numRecords ?? 0,
          skipped: false,
        };
        return { table, result: source?.input ? { ...written, input: source.input } : written };
      } finally {
        await source?.release();
      }
    });
  }

  /** Appends to the table at `location`, creating it (with `partitionColumns`) if absent. */
  static async appendOrCreate(
    location: string,
    data: DataSource,
    options: WriteOptions & {
      partitionColumns?: readonly string[];
      properties?: Readonly<Record<string, string>>;
    } = {},
  ): Promise<{ table: DeltaTable; result: WriteResult }> {
    if (!(await DeltaTable.exists(location))) {
      return DeltaTable.createFrom(location, {
        data,
        ...(options.partitionColumns ? { partitionColumns: options.partitionColumns } : {}),
        ...(options.properties ? { properties: options.properties } : {}),
      });
    }
    const table = await DeltaTable.open(location);
    return { table, result: await table.append(data, options) };
  }

  /** Brings the table to the latest version (reading only the commits since the one it has). */
  async refresh(): Promise<this> {
    this.current = await openSnapshot(this.current.store);
    return this;
  }

  async append(data: DataSource, options: WriteOptions = {}): Promise<WriteResult> {
    return this.write(data, options, 'WRITE', { mode: 'Append' }, async () => {});
  }

  async overwrite(data: DataSource, options: OverwriteOptions = {}): Promise<WriteResult> {
    const parameters = {
      mode: 'Overwrite',
      ...(options.replaceWhere ? { predicate: JSON.stringify([options.replaceWhere]) } : {}),
    };
    return this.write(data, options, 'WRITE', parameters, async (txn, connection, relation) => {
      if (options.replaceWhere) {
        await rewriteMatching(
          connection,
          txn,
          options.replaceWhere,
          relation,
          layoutOf(txn.snapshot.schema, txn.snapshot.metadata),
        );
      } else {
        txn.readFiles(txn.snapshot.files).removeFiles(txn.snapshot.files);
      }
    });
  }

  async rows(options: { where?: string; orderBy?: string } = {}): Promise<Record<string, unknown>[]> {
    return readRows(this.current, options);
  }

  async history(limit?: number): Promise<HistoryEntry[]> {
    return readHistory(this.current.store, limit);
  }

  /** Deletes the rows matching the SQL predicate (all rows without one); one DELETE commit. */
  async delete(predicate?: string, options: DmlOptions = {}): Promise<DmlResult> {
    return this.dml(deleteRows(this.current, predicate, options));
  }

  /** Sets columns to SQL expressions (over the old row) where the predicate holds; one UPDATE commit. */
  async update(set: Assignments, predicate?: string, options: DmlOptions = {}): Promise<DmlResult> {
    return this.dml(updateRows(this.current, set, predicate, options));
  }

  /** MERGE INTO this table (alias `target`) USING `source` (alias `source`); one MERGE commit. */
  async merge(
    source: DataSource,
    spec: MergeSpec,
    options: DmlOptions = {},
  ): Promise<DmlResult & { numSourceRows: number }> {
    const outcome = await mergeInto(this.current, source, spec, options);
    return { ...(await this.dml(Promise.resolve(outcome))), numSourceRows: outcome.numSourceRows };
  }

  /** The CHECK constraints (`delta.constraints.<name>`), name → SQL expression. */
  get constraints(): Array<{ name: string; expression: string }> {
    return checkConstraints(this.current.metadata);
  }

  /** Adds a CHECK constraint after checking every existing row; returns the new version. */
  async addConstraint(name: string, expression: string): Promise<number> {
    return this.adopt(await addConstraint(this.current, name, expression));
  }

  async dropConstraint(name: string, options: { ifExists?: boolean } = {}): Promise<number> {
    const commit = await dropConstraint(this.current, name, options);
    return commit ? this.adopt(commit) : this.current.version;
  }

  /** Adds nullable columns (ALTER TABLE ADD COLUMNS); returns the new version. */
  async addColumns(fields: readonly StructField[]): Promise<number> {
    return this.adopt(await addColumns(this.current, fields));
  }

  /** Sets table properties (upgrading the protocol when one needs a feature); returns the new version. */
  async setProperties(properties: Readonly<Record<string, string>>): Promise<number> {
    return this.adopt(await setProperties(this.current, properties));
  }

  /** The change data feed of versions `fromVersion`..`toVersion` (default latest). */
  async changes(fromVersion: number, toVersion?: number): Promise<ChangeFeed> {
    return tableChanges(this.current.store, fromVersion, toVersion);
  }

  private async dml(pending: Promise<DmlOutcome>): Promise<DmlResult> {
    const outcome = await pending;
    if (outcome.kind === 'unchanged') return { version: outcome.version, committed: false, ...outcome.metrics };
    await this.adopt(outcome.commit);
    return { version: outcome.commit.version, committed: true, ...outcome.metrics };
  }

  private async adopt(commit: CommitResult): Promise<number> {
    this.current = commit.snapshot;
    await afterCommit(commit.snapshot);
    return commit.version;
  }

  private async write(
    data: DataSource,
    options: OverwriteOptions,
    operation: string,
    parameters: Record<string, unknown>,
    prepare: (txn: Transaction, connection: DuckDBConnection, relation: string) => Promise<void>,
  ): Promise<WriteResult> {
    const snapshot = this.current;
    if (options.txn && (snapshot.txn(options.txn.appId)?.version ?? -1) >= options.txn.version) {
      return { version: snapshot.version, numFiles: 0, numRows: 0, skipped: true };
    }
    const progress = options.progress ?? silentProgress;
    const result: { commit?: CommitResult; numFiles: number; numRows: number; input?: InputReport } = {
      numFiles: 0,
      numRows: 0,
    };
    await onConnection(options.connection, async (connection) => {
      const source = await sourceRelation(data, connection, options.overwriteSchema ? undefined : snapshot.schema);
      if (source.input) result.input = source.input;
      try {
        const columns = await describeSource(connection, source);
        const txn = new Transaction(snapshot, { operation, operationParameters: parameters });
        let schema = snapshot.schema;
        let metadata = snapshot.metadata;
        if (options.overwriteSchema) {
          metadata = {
            ...newMetadata(schemaFromSource(columns), {
              partitionColumns: options.partitionColumns ?? [],
              properties: metadata.configuration,
            }),
            id: metadata.id,
          };
          schema = parseSchema(metadata.schemaString);
          txn.setMetadata(metadata);
        }
        const plan = planWrite(schema, columns, {
          location: snapshot.location,
          inferredTypes: data.kind !== 'sql',
          ...(options.mergeSchema ? { mergeSchema: true } : {}),
        });
        if (plan.addedColumns.length > 0) {
          const mapped = assignColumnMapping(plan.schema, metadata.configuration);
          schema = mapped.schema;
          metadata = { ...metadata, schemaString: JSON.stringify(schema), configuration: mapped.configuration };
          txn.setMetadata(metadata);
        }
        const relation = `SELECT ${plan.projection} FROM (${source.sql}) src`;
        const layout = {
          ...layoutOf(plan.addedColumns.length > 0 ? schema : plan.schema, metadata),
          ...(options.targetFileSize ? { targetFileSize: options.targetFileSize } : {}),
        };
        const rules = tableConstraints(layout.schema, metadata);
        const what = `${operation} (${String(parameters.mode ?? '')})`;
        if (options.replaceWhere && rules.length > 0) {
          // replaceWhere rewrites kept rows before the new ones are written: check first, so a violation leaves no file behind.
          await withConstraintErrors(rules, snapshot.location, what, () =>
            connection.run(`SELECT count(*) FROM (${checkedRelation(relation, rules)})`),
          );
        }
        await prepare(txn, connection, relation);
        progress.update('writing data files', 0);
        const written = await withConstraintErrors(rules, snapshot.location, what, () =>
          writeDataFiles(connection, snapshot.store, layout, checkedRelation(relation, rules)),
        );
        progress.update('writing data files', written.adds.length, written.adds.length);
        txn.addFiles(written.adds).setMetrics({
          numFiles: written.adds.length,
          numOutputRows: written.numRows,
          numOutputBytes: written.numBytes,
        });
        if (options.txn) txn.setTxn(options.txn.appId, options.txn.version);
        result.commit = await txn.commit();
        result.numFiles = written.adds.length;
        result.numRows = written.numRows;
      } finally {
        await source.release();
      }
    });
    const commit = result.commit!;
    this.current = commit.snapshot;
    await afterCommit(commit.snapshot);
    const written = { version: commit.version, numFiles: result.numFiles, numRows: result.numRows, skipped: false };
    return result.input ? { ...written, input: result.input } : written;
  }
}

function newMetadata(
  logicalSchema: StructType,
  options: Pick<CreateOptions, 'partitionColumns' | 'properties' | 'name' | 'description'>,
): Metadata {
  const { schema, configuration } = assignColumnMapping(logicalSchema, options.properties ?? {});
  const partitionColumns = (options.partitionColumns ?? []).map((name) => {
    const field = findField(schema, name);
    if (!field)
      throw new InvalidTableOperationError(
        `Partition column "${name}" is not in the schema (${schema.fields.map((f) => f.name).join(', ')}).`,
        { column: name },
      );
    if (typeof field.type !== 'string')
      throw new InvalidTableOperationError(
        `Partition column "${name}" must have a primitive type, not ${JSON.stringify(field.type)}.`,
        { column: name },
      );
    return field.name;
  });
  return {
    id: randomUUID(),
    ...(options.name ? { name: options.name } : {}),
    ...(options.description ? { description: options.description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: JSON.stringify(schema),
    partitionColumns,
    configuration: { ...configuration },
    createdTime: Date.now(),
  };
}

function createParameters(metadata: Metadata): Record<string, unknown> {
  return {
    partitionBy: JSON.stringify(metadata.partitionColumns),
    description: metadata.description ?? null,
    isManaged: 'false',
    properties: JSON.stringify(metadata.configuration),
  };
}

function layoutOf(schema: StructType, metadata: Metadata): DataLayout {
  return {
    schema,
    partitionColumns: metadata.partitionColumns,
    columnMapping: columnMappingMode(metadata.configuration),
    configuration: metadata.configuration,
  };
}

function onConnection<T>(
  connection: DuckDBConnection | undefined,
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  return connection ? work(connection) : withConnection(work);
}

function usesTimestampNtz(schema: StructType): boolean {
  return JSON.stringify(schema).includes('"timestamp_ntz"');
}

/** The snapshot "before version 0" a creating transaction starts from. */
function emptySnapshot(store: ObjectStore, protocol: Protocol): Snapshot {
  const state = emptyState();
  state.protocol = protocol;
  return new Snapshot(store, -1, { version: -1, commits: [], listing: { commits: new Map(), checkpoints: [] } }, state);
}
