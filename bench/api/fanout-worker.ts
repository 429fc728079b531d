/**
 * One fan-out client process: holds thousands of live streams to the API server and
 * records, per stream, when each commit event arrives (epoch ms with sub-ms precision,
 * the same clock as the driver's). Transports:
 *   sse-h2  SSE streams multiplexed over HTTP/2 (h2c) sessions, `perConnection` each
 *   sse-h1  one plain HTTP/1.1 connection per SSE stream, spread over source addresses
 *   ws      graphql-ws (graphql-transport-ws) sockets, `perConnection` subscriptions each
 * Arrival is stamped when the event's bytes reach this process's JavaScript, so a
 * client process that is slow to read adds to the figure (pessimistic, not flattering).
 */
import * as http from 'node:http';
import * as http2 from 'node:http2';
import WebSocket from 'ws';
import type { DriverMessage, ExpectRequest, FanoutCounts, OpenRequest, WorkerMessage } from './fanout-protocol.js';
import { epochMs } from './stats.js';
import { serveParent, toParent } from './worker-process.js';

const State = { pending: 0, live: 1, failed: 2, closed: 3 } as const;

let total = 0;
let states = new Uint8Array(0);
const arrivals = new Map<number, { times: Float64Array; count: number; last: number }>();
const errors = new Map<string, number>();
const closers: Array<() => void> = [];
let onArrival: (() => void) | undefined;

function note(reason: string): void {
  errors.set(reason, (errors.get(reason) ?? 0) + 1);
}

function counts(): FanoutCounts {
  let live = 0;
  let failed = 0;
  let closed = 0;
  for (const s of states) {
    if (s === State.live) live++;
    else if (s === State.failed) failed++;
    else if (s === State.closed) closed++;
  }
  const shown = [...errors]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([reason, n]) => `${reason} ×${n}`);
  return { total, live, failed, closed, errors: shown, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) };
}

function arrived(stream: number, version: number): void {
  const now = epochMs();
  let entry = arrivals.get(version);
  if (!entry) {
    entry = { times: new Float64Array(total).fill(Number.NaN), count: 0, last: now };
    arrivals.set(version, entry);
  }
  if (Number.isNaN(entry.times[stream]!)) {
    entry.times[stream] = now;
    entry.count++;
    entry.last = now;
    onArrival?.();
  }
}

/** Runs `open(i, done)` for i in 0..n-1 with at most `concurrency` not yet done. */
function paced(n: number, concurrency: number, open: (i: number, done: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    let finished = 0;
    const pump = (): void => {
      while (next < n && next - finished < concurrency) {
        const i = next++;
        let once = false;
        open(i, () => {
          if (once) return;
          once = true;
          finished++;
          if (finished === n) resolve();
          else pump();
        });
      }
    };
    if (n === 0) resolve();
    else pump();
  });
}

/** Minimal SSE reader: calls back with the `id:` of each `commit` event and on `ready`. */
function sseReader(stream: number, done: () => void): (chunk: string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.includes('event: commit')) {
        const id = /^id: (\d+)/m.exec(block);
        if (id) arrived(stream, Number(id[1]));
      } else if (block.includes('event: ready')) {
        if (states[stream] === State.pending) states[stream] = State.live;
        done();
      } else if (block.includes('event: error')) {
        const at = block.indexOf('data:') + 5;
        note(`error event: ${block.slice(at, at + 200).trim()}`);
      }
    }
  };
}

function settle(stream: number, reason: string | undefined, done: () => void): void {
  if (reason !== undefined) {
    if (states[stream] === State.pending) {
      states[stream] = State.failed;
      note(reason);
    } else if (states[stream] === State.live) {
      states[stream] = State.closed;
      note(`closed: ${reason}`);
    }
  }
  done();
}

async function openSseH2(request: OpenRequest): Promise<void> {
  const sessions: http2.ClientHttp2Session[] = [];
  closers.push(() => sessions.forEach((s) => s.destroy()));
  const session = (c: number): http2.ClientHttp2Session => {
    let s = sessions[c];
    if (!s) {
      s = http2.connect(request.origin, {
        peerMaxConcurrentStreams: request.perConnection + 16,
        settings: { enablePush: false, initialWindowSize: 1 << 20 },
      });
      s.on('connect', (opened: http2.ClientHttp2Session) => opened.setLocalWindowSize(16 << 20));
      s.on('error', (error: Error) => note(`session: ${error.message}`));
      s.on('goaway', (code: number) => note(`goaway ${code}`));
      sessions[c] = s;
    }
    return s;
  };
  await paced(total, request.concurrency, (i, done) => {
    const req = session(Math.floor(i / request.perConnection)).request({
      ':method': 'GET',
      ':path': request.path,
      accept: 'text/event-stream',
    });
    req.setEncoding('utf8');
    const read = sseReader(i, done);
    let status = 0;
    req.on('response', (headers) => {
      status = Number(headers[':status']);
      if (status !== 200) settle(i, `status ${status}`, done);
    });
    req.on('data', (chunk: string) => {
      if (status === 200) read(chunk);
    });
    req.on('error', (error: Error) => settle(i, error.message, done));
    req.on('close', () => settle(i, `stream closed (rst ${req.rstCode})`, done));
  });
}

async function openSseH1(request: OpenRequest): Promise<void> {
  const url = new URL(request.origin);
  const requests: http.ClientRequest[] = [];
  closers.push(() => requests.forEach((r) => r.destroy()));
  const addresses = request.localAddresses ?? [];
  await paced(total, request.concurrency, (i, done) => {
    const req = http.request({
      host: url.hostname,
      port: Number(url.port),
      path: request.path,
      agent: false,
      headers: { accept: 'text/event-stream' },
      ...(addresses.length > 0 ? { localAddress: addresses[i % addresses.length] } : {}),
    });
    requests.push(req);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        settle(i, `status ${res.statusCode}`, done);
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      const read = sseReader(i, done);
      res.on('data', read);
      res.on('close', () => settle(i, 'response closed', done));
    });
    req.on('error', (error: NodeJS.ErrnoException) => settle(i, error.code ?? error.message, done));
    req.end();
  });
}

async function openWs(request: OpenRequest): Promise<void> {
  const sockets: WebSocket[] = [];
  closers.push(() => sockets.forEach((s) => s.terminate()));
  const url = `${request.origin.replace(/^http/, 'ws')}${request.path}`;
  const k = request.perConnection;
  const addresses = request.localAddresses ?? [];
  const subscribe = JSON.stringify({ query: request.query });
  await paced(request.connections, request.concurrency, (c, done) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', {
      perMessageDeflate: false,
      ...(addresses.length > 0 ? { localAddress: addresses[c % addresses.length] } : {}),
    });
    sockets.push(ws);
    const all = (reason: string): void => {
      for (let s = c * k; s < (c + 1) * k; s++) settle(s, reason, () => undefined);
      done();
    };
    ws.on('open', () => ws.send('{"type":"connection_init","payload":{}}'));
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; id?: string; payload?: unknown };
      switch (message.type) {
        case 'next': {
          const result = message.payload as { data?: Record<string, { version?: number | string }> };
          const first = result.data ? Object.values(result.data)[0] : undefined;
          if (first?.version !== undefined) arrived(c * k + Number(message.id), Number(first.version));
          else note(`next without data: ${JSON.stringify(message.payload).slice(0, 200)}`);
          break;
        }
        case 'connection_ack':
          // The server's work per subscription is asynchronous: "live" here means sent; warm-up commits check arrival.
          for (let s = 0; s < k; s++) {
            ws.send(`{"id":"${s}","type":"subscribe","payload":${subscribe}}`);
            if (states[c * k + s] === State.pending) states[c * k + s] = State.live;
          }
          done();
          break;
        case 'error':
          settle(
            c * k + Number(message.id),
            `subscription error: ${JSON.stringify(message.payload).slice(0, 200)}`,
            () => undefined,
          );
          break;
        case 'complete':
          settle(c * k + Number(message.id), 'subscription completed by the server', () => undefined);
          break;
        case 'ping':
          ws.send('{"type":"pong"}');
          break;
      }
    });
    ws.on('error', (error: NodeJS.ErrnoException) => all(error.code ?? error.message));
    ws.on('close', (code: number, reason: Buffer) => all(`socket closed ${code} ${reason.toString()}`));
  });
}

async function open(request: OpenRequest): Promise<void> {
  total = request.connections * request.perConnection;
  states = new Uint8Array(total);
  const progress = setInterval(() => toParent({ kind: 'progress', ...counts() } satisfies WorkerMessage), 2000);
  try {
    if (request.transport === 'sse-h2') await openSseH2(request);
    else if (request.transport === 'sse-h1') await openSseH1(request);
    else await openWs(request);
  } finally {
    clearInterval(progress);
  }
  toParent({ kind: 'opened', ...counts() } satisfies WorkerMessage);
}

async function expect(request: ExpectRequest): Promise<void> {
  const started = epochMs();
  await new Promise<void>((resolve) => {
    const check = (): void => {
      const entry = arrivals.get(request.version);
      const live = counts().live;
      const now = epochMs();
      if (
        (entry?.count ?? 0) >= live ||
        now - started > request.timeoutMs ||
        (entry !== undefined && now - entry.last > request.quietMs)
      ) {
        clearInterval(timer);
        onArrival = undefined;
        resolve();
      }
    };
    const timer = setInterval(check, 50);
    onArrival = () => {
      const entry = arrivals.get(request.version);
      if (entry !== undefined && entry.count === total) check();
    };
    check();
  });
  const entry = arrivals.get(request.version);
  const latencies = new Float64Array(entry?.count ?? 0);
  let n = 0;
  if (entry) for (const t of entry.times) if (!Number.isNaN(t)) latencies[n++] = t - request.at;
  arrivals.delete(request.version);
  toParent({ kind: 'arrivals', version: request.version, expected: counts().live, latencies } satisfies WorkerMessage);
}

serveParent(async (message) => {
  const request = message as unknown as DriverMessage;
  if (request.kind === 'open') await open(request);
  else if (request.kind === 'expect') await expect(request);
  else if (request.kind === 'stats') toParent({ kind: 'stats', ...counts() } satisfies WorkerMessage);
});

process.on('exit', () => closers.forEach((close) => close()));
