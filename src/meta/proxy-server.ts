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
import type { PGliteDriver } from './pglite-driver.js';
import type { ProxyHello } from './proxy-protocol.js';
import { Session, type SessionHost } from './proxy-session.js';

export interface ProxyServerOptions {
  /** How long a client may hold a connection without using it (default 30 s). */
  readonly idleMs?: number;
  /** How long close() lets transactions under way finish (default 5 s). */
  readonly closeGraceMs?: number;
  /** What the owner runs, for the waiting clients' messages. */
  readonly command?: string;
}

export class MetaProxyServer implements SessionHost {
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
