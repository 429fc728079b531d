/**
 * The sandboxed DuckDB instances of one server. An instance's allowed directories are
 * fixed once its configuration is locked, so when a query names a table outside them
 * (an external table registered since), a new instance is made allowing the lake root
 * and every catalog table's directory; older instances finish their queries and are
 * closed with the pool.
 *
 * Planning (policy check and name rewrite: parsing only, no file access) borrows idle
 * connections kept for the purpose, since opening one per ETag costs more than the
 * parse itself.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../../catalog/index.js';
import { UnsupportedStatementError } from '../errors.js';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from '../sandbox/query-limits.js';
import { SandboxDuckdb } from '../sandbox/sandbox-duckdb.js';
import { isInsideDirectory, localDirectory } from '../sandbox/sandbox-paths.js';

/** Idle planning connections kept at most (one per concurrently planned request). */
const MAX_IDLE = 4;

export class SandboxPool {
  private current: Promise<SandboxDuckdb> | undefined;
  private readonly retired: Promise<SandboxDuckdb>[] = [];
  private readonly idle: DuckDBConnection[] = [];
  private closed = false;

  constructor(
    private readonly catalog: Catalog,
    /** Memory, threads and value size of every instance (engine query-limits.ts). */
    private readonly limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS,
  ) {}

  /** A connection of an instance allowed to read every one of `locations`; the caller closes it. */
  async connect(locations: readonly string[] = []): Promise<DuckDBConnection> {
    if (this.closed) throw new UnsupportedStatementError('The SQL sandbox is closed.');
    const directories = locations.map((location) => {
      const directory = localDirectory(location);
      if (directory === undefined) {
        throw new UnsupportedStatementError(
          `The table at ${location} is in a remote store, which the SQL sandbox cannot read yet.`,
          { location },
        );
      }
      return directory;
    });
    let sandbox = this.current ? await this.current : undefined;
    if (!sandbox || !directories.every((d) => sandbox!.allows(d))) {
      if (this.current) this.retired.push(this.current);
      const created = this.create(directories);
      this.current = created;
      // A failed creation is not kept: the next query tries again.
      created.catch(() => {
        if (this.current === created) this.current = undefined;
      });
      sandbox = await created;
    }
    return sandbox.connect();
  }

  /** Runs `parse` on a pooled connection; it must only parse (the connection is reused as it is left). */
  async parsing<T>(parse: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = this.idle.pop() ?? (await this.connect());
    let reusable = false;
    try {
      const result = await parse(connection);
      reusable = true;
      return result;
    } finally {
      // After a failure the connection's state is unknown (an interrupted statement): not reused.
      if (reusable && !this.closed && this.idle.length < MAX_IDLE) this.idle.push(connection);
      else connection.closeSync();
    }
  }

  /** True when the current instance may read every one of `locations` (no new one is needed). */
  async allows(locations: readonly string[]): Promise<boolean> {
    const sandbox = await this.current?.catch(() => undefined);
    return (
      sandbox !== undefined &&
      locations.every((location) => {
        const directory = localDirectory(location);
        return directory !== undefined && sandbox.allows(directory);
      })
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.closeSync();
    const all = [...this.retired, ...(this.current ? [this.current] : [])];
    this.retired.length = 0;
    this.current = undefined;
    for (const sandbox of await Promise.allSettled(all)) if (sandbox.status === 'fulfilled') sandbox.value.close();
  }

  private async create(needed: readonly string[]): Promise<SandboxDuckdb> {
    const tables = await this.catalog.listTables();
    const lakeRoot = this.catalog.warehouse.lakeRoot;
    const external = tables
      .map((t) => localDirectory(t.location))
      .filter((d): d is string => d !== undefined && !isInsideDirectory(lakeRoot, d));
    return SandboxDuckdb.create([lakeRoot, ...external, ...needed], this.limits);
  }
}
