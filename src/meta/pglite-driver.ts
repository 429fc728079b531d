/**
 * A Kysely driver over one PGlite instance.
 *
 * PGlite is one Postgres backend: one connection. The driver hands that connection
 * to one holder at a time (a FIFO gate, connection-gate.ts), so a Kysely transaction
 * owns it from BEGIN to COMMIT and no other query can slip into it. Code inside
 * `transactionScope` that asks for a second connection would wait for itself forever;
 * it gets MetaNestedAccessError instead. The metadata proxy (proxy-server.ts) takes
 * the same gate for other processes' connections.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { ConnectionGate } from './connection-gate.js';

const MODIFYING_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGlite) {}

  #lastYield = performance.now();

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // PGlite runs queries on this thread and settles them without yielding to the event
    // loop: a stream of queries would starve I/O (child-process messages, sockets,
    // timers). A turn of the loop whenever a millisecond has passed bounds that wait
    // without paying for a turn between every two quick queries.
    if (performance.now() - this.#lastYield > 1) {
      await new Promise((resolve) => setImmediate(resolve));
      this.#lastYield = performance.now();
    }
    const result = await this.pg.query<R>(compiled.sql, [...compiled.parameters]);
    const modifying = result.command !== undefined && MODIFYING_COMMANDS.has(result.command);
    return {
      rows: result.rows,
      ...(modifying ? { numAffectedRows: BigInt(result.rowCount ?? result.affectedRows ?? 0) } : {}),
    };
  }

  /** PGlite has no cursors: the result is read whole, then handed out in chunks. */
  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled);
    for (let start = 0; start < rows.length; start += chunkSize) yield { rows: rows.slice(start, start + chunkSize) };
  }
}

export class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private readonly gate: ConnectionGate;

  constructor(pg: PGlite, target: string) {
    this.connection = new PGliteConnection(pg);
    this.gate = new ConnectionGate(target);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.gate.acquire();
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    this.gate.release();
  }

  /** Runs `fn` (which opens one transaction) so that any other use of this driver inside it fails fast. */
  transactionScope<T>(fn: () => Promise<T>): Promise<T> {
    return this.gate.scope(fn);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const modes = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '',
      settings.accessMode ?? '',
    ].filter(Boolean);
    await connection.executeQuery(
      CompiledQuery.raw(modes.length > 0 ? `start transaction ${modes.join(' ')}` : 'begin'),
    );
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdentifier(name)}`));
  }

  /** The PGlite instance belongs to whoever opened it; closing it is theirs too. */
  async destroy(): Promise<void> {}
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
