/**
 * The other side of the metadata proxy (proxy-server.ts): a Kysely dialect whose
 * driver sends each compiled query to the process that holds the embedded database.
 * A process takes one remote connection at a time (its own FIFO gate, which also
 * makes a nested use inside a transaction fail fast, as on the owner). When the
 * owner goes away, every pending and later call fails with META_OWNER_GONE.
 */
import { createConnection, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import {
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { ConnectionGate } from './connection-gate.js';
import { MetaOwnerGoneError, MetaProxyTimeoutError, RemoteDatabaseError } from './errors.js';
import { ProxyFailure, ProxyOp, type ProxyHello } from './proxy-protocol.js';
import { decodeValue, encodeValue } from './wire-values.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One socket to the owner; requests are matched to replies by id. */
export class ProxyChannel {
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #gone: Error | undefined;
  #hello: ProxyHello = { pid: 0, target: '', idleMs: 0 };

  private constructor(
    private readonly socket: Socket,
    readonly socketPath: string,
  ) {
    createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => this.#receive(line));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#fail('closed the connection (it stopped, or closed the database)'));
  }

  /** Connects and greets the owner; undefined when nobody answers on `socketPath`. */
  static async connect(socketPath: string, timeoutMs = 2_000): Promise<ProxyChannel | undefined> {
    const socket = await new Promise<Socket | undefined>((resolve) => {
      const s = createConnection(socketPath);
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const finish = (value: Socket | undefined) => {
        clearTimeout(timer);
        s.removeAllListeners('connect').removeAllListeners('error');
        if (value === undefined) s.destroy();
        resolve(value);
      };
      s.once('connect', () => finish(s));
      s.once('error', () => finish(undefined));
    });
    if (socket === undefined) return undefined;
    const channel = new ProxyChannel(socket, socketPath);
    try {
      channel.#hello = (await channel.call(ProxyOp.hello, {})) as ProxyHello;
    } catch {
      channel.close();
      return undefined;
    }
    return channel;
  }

  get hello(): ProxyHello {
    return this.#hello;
  }

  call(op: ProxyOp, fields: Record<string, unknown>): Promise<unknown> {
    if (this.#gone !== undefined) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    // The socket keeps the process alive only while a reply is awaited, like a query on a local database.
    this.socket.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.socket.write(`${JSON.stringify({ ...fields, id, op })}\n`);
    });
  }

  close(): void {
    this.#gone ??= new MetaOwnerGoneError(
      this.#hello.target || this.socketPath,
      this.#hello.pid,
      'was closed by this process',
    );
    this.socket.destroy();
  }

  #receive(line: string): void {
    let reply: { id?: number; ok?: boolean; result?: unknown; error?: Record<string, unknown> };
    try {
      reply = JSON.parse(line) as typeof reply;
    } catch {
      return;
    }
    const pending = this.#pending.get(reply.id ?? -1);
    if (!pending) return;
    this.#pending.delete(reply.id!);
    if (this.#pending.size === 0) this.socket.unref();
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(this.#error(reply.error ?? {}));
  }

  #error(fields: Record<string, unknown>): Error {
    const target = this.#hello.target || this.socketPath;
    switch (fields.kind) {
      case ProxyFailure.expired:
        return new MetaProxyTimeoutError(target, this.#hello.idleMs);
      case ProxyFailure.closing:
        return new MetaOwnerGoneError(target, this.#hello.pid, 'is closing the database');
      default:
        return new RemoteDatabaseError(fields);
    }
  }

  #fail(reason: string): void {
    this.#gone ??= new MetaOwnerGoneError(this.#hello.target || this.socketPath, this.#hello.pid, reason);
    for (const pending of this.#pending.values()) pending.reject(this.#gone);
    this.#pending.clear();
  }
}

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

export class ProxyDriver implements Driver {
  readonly gate: ConnectionGate;

  constructor(
    readonly channel: ProxyChannel,
    target: string,
  ) {
    this.gate = new ConnectionGate(target);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.gate.acquire();
    try {
      const { conn } = (await this.channel.call(ProxyOp.acquire, {})) as { conn: number };
      return new ProxyConnection(this.channel, conn);
    } catch (error) {
      this.gate.release();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.channel.call(ProxyOp.release, { conn: (connection as ProxyConnection).conn });
    } catch {
      // The owner took it back already (expired, or gone): nothing left to release there.
    } finally {
      this.gate.release();
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.#send(connection, ProxyOp.begin, {
      ...(settings.isolationLevel === undefined ? {} : { isolationLevel: settings.isolationLevel }),
      ...(settings.accessMode === undefined ? {} : { accessMode: settings.accessMode }),
    });
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#send(connection, ProxyOp.commit);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#send(connection, ProxyOp.rollback);
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.#send(connection, ProxyOp.savepoint, { name });
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.#send(connection, ProxyOp.rollbackToSavepoint, { name });
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.#send(connection, ProxyOp.releaseSavepoint, { name });
  }

  async destroy(): Promise<void> {
    this.channel.close();
  }

  async #send(connection: DatabaseConnection, op: ProxyOp, fields: Record<string, unknown> = {}): Promise<void> {
    await this.channel.call(op, { ...fields, conn: (connection as ProxyConnection).conn });
  }
}

export class ProxyDialect implements Dialect {
  constructor(readonly driver: ProxyDriver) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
