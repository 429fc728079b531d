/** Connecting to a local (Unix domain) socket that may have nobody behind it. */
import { createConnection, type Socket } from 'node:net';

/**
 * The connected socket, or undefined when nobody answers on `socketPath` within
 * `timeoutMs` (no file, a stale file, or a listener that does not accept): callers
 * treat both as "no process serves this", never as an error.
 */
export function connectSocket(socketPath: string, timeoutMs: number): Promise<Socket | undefined> {
  return new Promise<Socket | undefined>((resolve) => {
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
}
