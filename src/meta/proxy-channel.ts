/**
 * One socket to the process that holds an embedded database (proxy-server.ts has the
 * wire): requests are matched to replies by id, and the owner's failures become this
 * process's errors (typed ones for an expired connection or a closing owner, the
 * PostgreSQL error's fields otherwise). When the owner goes away, every pending and
 * later call fails with META_OWNER_GONE.
 */
import type { Socket } from 'node:net';
import { connectSocket } from '../core/index.js';
import { createInterface } from 'node:readline';
import { MetaOwnerGoneError, MetaProxyTimeoutError, RemoteDatabaseError } from './errors.js';
import { ProxyFailure, type ProxyHello, type ProxyOp } from './proxy-protocol.js';

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
    // readline repeats the socket's errors (ECONNRESET when the owner dies): 'close' handles them.
    createInterface({ input: socket, crlfDelay: Infinity })
      .on('line', (line) => this.#receive(line))
      .on('error', () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#fail('closed the connection (it stopped, or closed the database)'));
  }

  /** Connects and greets the owner; undefined when nobody answers on `socketPath`. */
  static async connect(socketPath: string, timeoutMs = 2_000): Promise<ProxyChannel | undefined> {
    const socket = await connectSocket(socketPath, timeoutMs);
    if (socket === undefined) return undefined;
    const channel = new ProxyChannel(socket, socketPath);
    try {
      // A holder that accepts but never answers (stopped, or stuck) counts as one that serves nothing.
      let timer: NodeJS.Timeout | undefined;
      const silent = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no hello')), timeoutMs);
      });
      try {
        channel.#hello = (await Promise.race([channel.call('hello', {}), silent])) as ProxyHello;
      } finally {
        clearTimeout(timer);
      }
    } catch {
      channel.close();
      return undefined;
    }
    return channel;
  }

  get hello(): ProxyHello {
    return this.#hello;
  }

  /** Whether the owner went away (or this side closed): no call can succeed any more. */
  get gone(): boolean {
    return this.#gone !== undefined;
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
