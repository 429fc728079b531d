/**
 * Batches the WebSocket frames a broadcast sends to one socket into one write. A commit
 * reaching 200 subscriptions on a socket is 200 `next` messages; each is its own frame
 * (graphql-ws needs one message per subscription), but sent to a corked TCP socket they
 * leave as one writev on the next tick instead of 200 syscalls. Frames keep their order:
 * cork only delays the bytes, and every message on the socket goes through the same
 * stream, graphql-ws's own (complete, error) included.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** ws keeps the TCP socket as `_socket` (not in its types); the frames are written there. */
function rawSocket(socket: WebSocket): Duplex | undefined {
  return (socket as unknown as { _socket?: Duplex })._socket;
}

export class FrameBatcher {
  readonly #corked = new Set<WebSocket>();

  /** Sends a text message on `socket` now; the bytes leave with the tick's other frames to it. */
  send(socket: WebSocket, text: string): void {
    if (socket.readyState !== socket.OPEN) return;
    if (!this.#corked.has(socket)) {
      const raw = rawSocket(socket);
      if (raw !== undefined) {
        if (this.#corked.size === 0) process.nextTick(this.#flush);
        raw.cork();
        this.#corked.add(socket);
      }
    }
    socket.send(text);
  }

  readonly #flush = (): void => {
    for (const socket of this.#corked) rawSocket(socket)?.uncork();
    this.#corked.clear();
  };
}
