/**
 * The holder of an embedded database serving it to other processes of the same user
 * (the wire: proxy-protocol.ts). PGlite can be open in one process only; other
 * processes send their compiled queries here instead.
 *
 * Guarantees: a remote connection is the owner's one connection, taken through the
 * driver's FIFO gate (the same one the owner's own queries take), so a remote
 * transaction is as isolated as a local one. The owner never waits on a client: a
 * client that disconnects (or is killed) or holds a connection idle longer than
 * `idleMs` gets its transaction rolled back and the gate released. On close, new
 * connections are refused (clients then go to the next holder), transactions under
 * way get a moment to finish, then every client's connection left is rolled back and
 * released before the database itself closes.
 */
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery, type DatabaseConnection, type IsolationLevel, type AccessMode } from 'kysely';
import { ConnectionGate } from './connection-gate.js';
import type { PGliteDriver } from './pglite-driver.js';
import { ProxyFailure, ProxyOp, type ProxyHello, type ProxyRequest } from './proxy-protocol.js';
import { decodeValue, encodeValue } from './wire-values.js';

export interface ProxyServerOptions {
  /** How long a client may hold a connection without using it (default 30 s). */
  readonly idleMs?: number;
  /** How long close() lets transactions under way finish (default 5 s). */
  readonly closeGraceMs?: number;
  /** What the owner runs, for the waiting clients' messages. */
  readonly command?: string;
}

interface Held {
  readonly connection: DatabaseConnection;
  state: 'held' | 'expired' | 'released';
  inTransaction: boolean;
  /** Operations on one connection run one after another, cleanup included. */
  chain: Promise<unknown>;
  timer: NodeJS.Timeout | undefined;
}

class Failure extends Error {
  constructor(
    readonly kind: ProxyFailure,
    message: string,
  ) {
    super(message);
  }
}

export class MetaProxyServer {
  readonly #sessions = new Set<Session>();
  #inFlight = 0;
  #closing: Promise<void> | undefined;
  #nextConn = 1;
  readonly idleMs: number;

  private constructor(
    private readonly server: Server,
    readonly socketPath: string,
    readonly driver: PGliteDriver,
    readonly hello: ProxyHello,
    private readonly options: ProxyServerOptions,
  ) {
    this.idleMs = hello.idleMs;
  }

  /** Serves `driver` on `socketPath`. The caller holds the directory's lock, so a socket file there is stale. */
  static async listen(
    driver: PGliteDriver,
    target: string,
    socketPath: string,
    options: ProxyServerOptions = {},
  ): Promise<MetaProxyServer> {
    try {
      unlinkSync(socketPath);
    } catch {
      // none left over
    }
    const server = createServer();
    const hello: ProxyHello = {
      pid: process.pid,
      target,
      idleMs: options.idleMs ?? 30_000,
      ...(options.command === undefined ? {} : { command: options.command }),
    };
    const proxy = new MetaProxyServer(server, socketPath, driver, hello, options);
    server.on('connection', (socket) => proxy.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    chmodSync(socketPath, 0o600);
    return proxy;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
      // New connections are refused from now on (their clients go to the next holder);
      // transactions under way get a moment to finish rather than being rolled back.
      const deadline = Date.now() + (this.options.closeGraceMs ?? 5_000);
      const busy = () => this.#inFlight > 0 || [...this.#sessions].some((s) => s.holding);
      while (busy() && Date.now() < deadline) await sleep(10);
      await Promise.all([...this.#sessions].map((s) => s.end()));
      await stopped;
    })();
    return this.#closing;
  }

  get closing(): boolean {
    return this.#closing !== undefined;
  }

  nextConnectionId(): number {
    return this.#nextConn++;
  }

  #accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const session = new Session(this, socket);
    this.#sessions.add(session);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void session.end().finally(() => this.#sessions.delete(session)));
    createInterface({ input: socket, crlfDelay: Infinity })
      .on('line', (line) => {
        if (line.trim() === '') return;
        this.#inFlight++;
        void session.answer(line).finally(() => this.#inFlight--);
      })
      // readline repeats the socket's errors (ECONNRESET when a client is killed): 'close' handles them.
      .on('error', () => socket.destroy());
  }
}

/** One client socket and the connections it holds. */
class Session {
  readonly #held = new Map<number, Held>();
  #ended: Promise<void> | undefined;

  constructor(
    private readonly proxy: MetaProxyServer,
    private readonly socket: Socket,
  ) {}

  async answer(line: string): Promise<void> {
    let id: unknown;
    let reply: Record<string, unknown>;
    try {
      const request = JSON.parse(line) as ProxyRequest;
      id = request.id;
      reply = { id, ok: true, result: await this.#perform(request) };
    } catch (error) {
      reply = { id, ok: false, error: failureReply(error) };
    }
    if (!this.socket.destroyed) this.socket.write(`${JSON.stringify(reply)}\n`);
  }

  /** Whether this client holds a connection (e.g. is inside a transaction). */
  get holding(): boolean {
    return [...this.#held.values()].some((h) => h.state === 'held');
  }

  /** Rolls back and releases every connection this client holds. Idempotent. */
  end(): Promise<void> {
    this.#ended ??= (async () => {
      this.socket.destroy();
      await Promise.all([...this.#held.keys()].map((conn) => this.#takeBack(conn, 'released')));
    })();
    return this.#ended;
  }

  async #perform(request: ProxyRequest): Promise<unknown> {
    if (request.op === ProxyOp.hello) return this.proxy.hello;
    if (this.proxy.closing) throw new Failure(ProxyFailure.closing, 'the database is closing');
    if (request.op === ProxyOp.acquire) return { conn: await this.#acquire() };
    const conn = request.conn ?? -1;
    const held = this.#held.get(conn);
    if (held === undefined || held.state === 'released')
      throw new Failure(ProxyFailure.protocol, `no connection ${conn} is held`);
    if (held.state === 'expired') throw new Failure(ProxyFailure.expired, `connection ${conn} was idle too long`);
    if (request.op === ProxyOp.release) return this.#takeBack(conn, 'released');
    clearTimeout(held.timer);
    const run = held.chain.then(() => this.#run(held, request));
    held.chain = run.catch(() => {});
    try {
      return await run;
    } finally {
      if (held.state === 'held') this.#arm(conn, held);
    }
  }

  async #acquire(): Promise<number> {
    const { driver } = this.proxy;
    // The request is served on behalf of another process: no local transaction scope applies.
    const connection = await ConnectionGate.detached(() => driver.acquireConnection());
    if (this.#ended !== undefined || this.proxy.closing) {
      await driver.releaseConnection();
      throw new Failure(ProxyFailure.closing, 'the client or the database closed meanwhile');
    }
    const conn = this.proxy.nextConnectionId();
    const held: Held = { connection, state: 'held', inTransaction: false, chain: Promise.resolve(), timer: undefined };
    this.#held.set(conn, held);
    this.#arm(conn, held);
    return conn;
  }

  async #run(held: Held, request: ProxyRequest): Promise<unknown> {
    const { driver } = this.proxy;
    const { connection } = held;
    const name = request.name ?? '';
    switch (request.op) {
      case ProxyOp.query: {
        const parameters = decodeValue(request.parameters ?? []) as unknown[];
        const result = await connection.executeQuery(CompiledQuery.raw(request.sql ?? '', parameters));
        return encodeValue(result);
      }
      case ProxyOp.begin:
        await driver.beginTransaction(connection, {
          ...(request.isolationLevel === undefined ? {} : { isolationLevel: request.isolationLevel as IsolationLevel }),
          ...(request.accessMode === undefined ? {} : { accessMode: request.accessMode as AccessMode }),
        });
        held.inTransaction = true;
        return {};
      case ProxyOp.commit:
      case ProxyOp.rollback:
        try {
          if (request.op === ProxyOp.commit) await driver.commitTransaction(connection);
          else await driver.rollbackTransaction(connection);
        } finally {
          held.inTransaction = false; // PostgreSQL ends the transaction either way
        }
        return {};
      case ProxyOp.savepoint:
        await driver.savepoint(connection, name);
        return {};
      case ProxyOp.rollbackToSavepoint:
        await driver.rollbackToSavepoint(connection, name);
        return {};
      case ProxyOp.releaseSavepoint:
        await driver.releaseSavepoint(connection, name);
        return {};
      default:
        throw new Failure(ProxyFailure.protocol, `unknown operation ${String(request.op)}`);
    }
  }

  /** Takes a connection back from the client: its open transaction rolled back, the gate released. */
  async #takeBack(conn: number, state: 'expired' | 'released'): Promise<unknown> {
    const held = this.#held.get(conn);
    if (held === undefined || held.state !== 'held') {
      if (state === 'released') this.#held.delete(conn);
      return {};
    }
    held.state = state;
    clearTimeout(held.timer);
    if (state === 'released') this.#held.delete(conn);
    const cleanup = held.chain.then(async () => {
      try {
        if (held.inTransaction) await this.proxy.driver.rollbackTransaction(held.connection);
      } finally {
        held.inTransaction = false;
        await this.proxy.driver.releaseConnection();
      }
    });
    held.chain = cleanup.catch(() => {});
    await held.chain;
    return {};
  }

  #arm(conn: number, held: Held): void {
    clearTimeout(held.timer);
    held.timer = setTimeout(() => void this.#takeBack(conn, 'expired'), this.proxy.idleMs);
    held.timer.unref();
  }
}

function failureReply(error: unknown): Record<string, unknown> {
  if (error instanceof Failure) return { kind: error.kind, message: error.message };
  const source = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const fields: Record<string, unknown> = {
    kind: ProxyFailure.database,
    message: error instanceof Error ? error.message : String(error),
  };
  for (const key of ['code', 'constraint', 'detail', 'table', 'column', 'severity'])
    if (typeof source[key] === 'string') fields[key] = source[key];
  return fields;
}
