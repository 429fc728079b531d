/**
 * HTTP/1.1 and cleartext HTTP/2 (h2c, "prior knowledge") on one port. Fastify's h2c
 * server only speaks HTTP/2, yet curl, browsers' EventSource and WebSocket upgrades
 * speak HTTP/1.1. Every connection's first bytes decide: the HTTP/2 preface starts
 * with `PRI ` (no HTTP/1 method does), so those go to the HTTP/2 server's own
 * connection handling and all others to an HTTP/1.1 server running the same Fastify
 * handler. Upgrades (WebSocket) on HTTP/1.1 are re-emitted on the main server, so
 * route modules listen for them in one place whatever the mode.
 */
import * as http from 'node:http';
import type { Http2Server } from 'node:http2';
import type { Socket } from 'node:net';

const PREFACE_START = Buffer.from('PRI ');

/** Installs the sniffing on an h2c server after Fastify is ready; returns the HTTP/1.1 server (for closing). */
export function acceptHttp1(server: Http2Server): http.Server {
  const handler = server.listeners('request')[0] as http.RequestListener;
  const http1 = http.createServer(handler);
  http1.on('upgrade', (request, socket, head) => server.emit('upgrade', request, socket, head));
  const http2Connection = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const decide = (): void => {
      const chunk = socket.read() as Buffer | null;
      if (chunk === null) {
        socket.once('readable', decide);
        return;
      }
      socket.unshift(chunk);
      if (chunk.length < PREFACE_START.length && PREFACE_START.subarray(0, chunk.length).equals(chunk)) {
        // Too few bytes to tell "PRI " from "PUT "/"POST": wait for more.
        socket.once('readable', decide);
        return;
      }
      if (chunk.subarray(0, PREFACE_START.length).equals(PREFACE_START))
        for (const listener of http2Connection) listener.call(server, socket);
      else http1.emit('connection', socket);
    };
    socket.once('readable', decide);
  });
  return http1;
}
