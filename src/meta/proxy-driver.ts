/**
 * The other side of the metadata proxy (proxy-server.ts): a Kysely dialect whose
 * driver sends each compiled query to the process that holds the embedded database
 * (through a ProxyChannel). A process takes one remote connection at a time (its own
 * FIFO gate, which also makes a nested use inside a transaction fail fast, as on the
 * owner).
 *
 * When the holder goes away (a `strata sql` that finished before this process did),
 * what was in flight on it fails with META_OWNER_GONE; the next connection is taken
 * from whoever holds the database then: this process itself, if the lock is free
 * (it then serves the others), or the new holder (`reopen`).
 */
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { ConnectionGate } from './connection-gate.js';
import { MetaOwnerGoneError } from './errors.js';
import type { ProxyChannel } from './proxy-channel.js';
import { ProxyOp } from './proxy-protocol.js';
import { decodeValue, encodeValue } from './wire-values.js';

/** How often one acquire moves on to the next holder before giving up. */
const MAX_REOPENS = 5;

class ProxyConnection implements DatabaseConnection {
  constructor(
    readonly channel: ProxyChannel,
    readonly conn: number,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.channel.call(ProxyOp.query, {
      conn: this.conn,
      sql: compiled.sql,
      parameters: encodeValue(compiled.parameters),
    });
    return decodeValue(result) as QueryResult<R>;
  }

  /** The owner reads results whole (PGlite has no cursors); they are handed out in chunks here. */
  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled);
    for (let start = 0; start < rows.length; start += chunkSize) yield { rows: rows.slice(start, start + chunkSize) };
  }
}

/** The database held in this process after taking over from a holder that went away. */
export interface HeldRoute {
  readonly driver: Driver;
  close(): Promise<void>;
}

/** Where connections come from now: the holder's socket, or this process's own database. */
export type Route = { readonly channel: ProxyChannel } | { readonly held: HeldRoute };

export class ProxyDriver implements Driver {
  readonly gate: ConnectionGate;
  #route: Route;
  #closed = false;

  constructor(
    channel: ProxyChannel,
    target: string,
    private readonly reopen: () => Promise<Route>,
  ) {
    this.gate = new ConnectionGate(target);
    this.#route = { channel };
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.gate.acquire();
    try {
      for (let attempt = 1; ; attempt++) {
        let route = this.#route;
        if ('channel' in route && route.channel.gone && !this.#closed) route = this.#route = await this.reopen();
        if ('held' in route) return await route.held.driver.acquireConnection();
        try {
          const { conn } = (await route.channel.call(ProxyOp.acquire, {})) as { conn: number };
          return new ProxyConnection(route.channel, conn);
        } catch (error) {
          // Nothing was done on a connection not yet given: ask whoever holds the database next.
          if (!(error instanceof MetaOwnerGoneError) || attempt >= MAX_REOPENS) throw error;
          route.channel.close();
        }
      }
    } catch (error) {
      this.gate.release();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      if (connection instanceof ProxyConnection) {
        await connection.channel.call(ProxyOp.release, { conn: connection.conn }).catch(() => {
          // The owner took it back already (expired, or gone): nothing left to release there.
        });
      } else if ('held' in this.#route) {
        await this.#route.held.driver.releaseConnection(connection);
      }
    } finally {
      this.gate.release();
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (!(connection instanceof ProxyConnection)) return this.#local().beginTransaction(connection, settings);
    await send(connection, ProxyOp.begin, {
      ...(settings.isolationLevel === undefined ? {} : { isolationLevel: settings.isolationLevel }),
      ...(settings.accessMode === undefined ? {} : { accessMode: settings.accessMode }),
    });
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (!(connection instanceof ProxyConnection)) return this.#local().commitTransaction(connection);
    await send(connection, ProxyOp.commit);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!(connection instanceof ProxyConnection)) return this.#local().rollbackTransaction(connection);
    await send(connection, ProxyOp.rollback);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    if (!(connection instanceof ProxyConnection)) return this.#local().savepoint!(connection, name, compile);
    await send(connection, ProxyOp.savepoint, { name });
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    if (!(connection instanceof ProxyConnection)) return this.#local().rollbackToSavepoint!(connection, name, compile);
    await send(connection, ProxyOp.rollbackToSavepoint, { name });
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    if (!(connection instanceof ProxyConnection)) return this.#local().releaseSavepoint!(connection, name, compile);
    await send(connection, ProxyOp.releaseSavepoint, { name });
  }

  /** Closes the channel, or the database this process took over (its lock released). Idempotent. */
  async destroy(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const route = this.#route;
    if ('held' in route) await route.held.close();
    else route.channel.close();
  }

  #local(): Driver {
    if (!('held' in this.#route)) throw new Error('a local connection without a local database');
    return this.#route.held.driver;
  }
}

async function send(connection: ProxyConnection, op: ProxyOp, fields: Record<string, unknown> = {}): Promise<void> {
  await connection.channel.call(op, { ...fields, conn: connection.conn });
}
