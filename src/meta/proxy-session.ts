/**
 * One client of the metadata proxy (proxy-server.ts): its socket and the connections
 * it holds. Each held connection is the owner's one connection (the driver's gate);
 * its operations run one after another, and it is taken back (rolled back, gate
 * released) when the client releases it, idles past the bound, or goes away.
 */
import type { Socket } from 'node:net';
import { CompiledQuery, type AccessMode, type DatabaseConnection, type IsolationLevel } from 'kysely';
import { ConnectionGate } from './connection-gate.js';
import type { PGliteDriver } from './pglite-driver.js';
import { ProxyFailure, ProxyOp, type ProxyHello, type ProxyRequest } from './proxy-protocol.js';
import { decodeValue, encodeValue } from './wire-values.js';

/** What a session needs of its server. */
export interface SessionHost {
  readonly driver: PGliteDriver;
  readonly hello: ProxyHello;
  readonly idleMs: number;
  readonly closing: boolean;
  nextConnectionId(): number;
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

/** One client socket and the connections it holds. */
export class Session {
  readonly #held = new Map<number, Held>();
  #ended: Promise<void> | undefined;

  constructor(
    private readonly proxy: SessionHost,
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
