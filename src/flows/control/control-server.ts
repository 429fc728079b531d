/**
 * The control channel of the process that owns an embedded warehouse: PGlite can be
 * open in one process only, so `strata flow ...` in another process sends its
 * operations here. A Unix domain socket (`<warehouse>/meta/control.sock`, see
 * controlSocketPath) speaks newline-delimited JSON:
 *   request   {"id": 1, "method": "trigger", "args": ["hello", {"day": "2026-01-01"}]}
 *   response  {"id": 1, "ok": true, "result": {...}}  or  {"id": 1, "ok": false, "error": {"code", "message"}}
 * Requests on one connection are answered in order. Only the socket file's
 * permissions guard it (0600: the owner's user), like the database directory itself.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { InvalidArgumentError } from '../../core/index.js';
import { ControlChannelError, errorReply } from './control-errors.js';
import { CONTROL_METHODS, type ControlMethod, type FlowControl } from './flow-control.js';

/** What `describe` answers: who serves the socket. */
export interface ControlDescription {
  readonly pid: number;
  readonly target: string;
  readonly roles: readonly string[];
}

export class ControlServer {
  private constructor(
    private readonly server: Server,
    readonly socketPath: string,
    private readonly sockets: Set<Socket>,
  ) {}

  /** Serves `control` on `socketPath`, replacing a stale socket file nobody answers on. */
  static async listen(control: FlowControl, socketPath: string, roles: readonly string[] = []): Promise<ControlServer> {
    if (existsSync(socketPath)) {
      if (await answers(socketPath))
        throw new ControlChannelError(socketPath, 'another process already serves this warehouse; stop it first.');
      unlinkSync(socketPath);
    }
    const description: ControlDescription = { pid: process.pid, target: control.target, roles };
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      serve(socket, control, description);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    chmodSync(socketPath, 0o600);
    return new ControlServer(server, socketPath, sockets);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    // close() removes the socket file.
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function serve(socket: Socket, control: FlowControl, description: ControlDescription): void {
  let previous = Promise.resolve();
  createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
    if (line.trim() === '') return;
    previous = previous.then(async () => {
      const reply = await answer(line, control, description);
      if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
    });
  });
}

async function answer(
  line: string,
  control: FlowControl,
  description: ControlDescription,
): Promise<Record<string, unknown>> {
  let request: { id?: unknown; method?: unknown; args?: unknown };
  try {
    request = JSON.parse(line) as typeof request;
  } catch {
    return { id: null, ok: false, error: { code: 'FLOW_CONTROL_CHANNEL', message: 'the request is not JSON' } };
  }
  const { id, method } = request;
  const args = Array.isArray(request.args) ? (request.args as unknown[]) : [];
  try {
    if (method === 'describe') return { id, ok: true, result: description };
    if (!CONTROL_METHODS.includes(method as ControlMethod))
      throw new InvalidArgumentError(
        `Unknown control method ${JSON.stringify(method)} (methods: ${CONTROL_METHODS.join(', ')}).`,
      );
    const fn = control[method as ControlMethod] as (...a: unknown[]) => Promise<unknown>;
    const result = await fn.apply(control, args);
    return { id, ok: true, result: result ?? null };
  } catch (error) {
    return { id, ok: false, error: errorReply(error) };
  }
}

/** True when a process accepts connections on the socket (false: missing file, or left over by a dead one). */
export function answers(socketPath: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    const done = (value: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
