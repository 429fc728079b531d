/**
 * A minimal SSE client for the stream tests: real HTTP/1.1 (node:http, one connection
 * per client), parsed into events, comments (heartbeats) and the retry hint.
 */
import * as http from 'node:http';

export interface SseFrame {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

export interface SseConnection {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly frames: SseFrame[];
  readonly comments: () => number;
  readonly retry: () => number | undefined;
  /** The body so far, for error responses. */
  readonly body: () => string;
  readonly ended: Promise<void>;
  waitFor(predicate: (frames: readonly SseFrame[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function connectSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      url,
      { headers: { accept: 'text/event-stream', ...headers }, agent: false },
      (response) => {
        const frames: SseFrame[] = [];
        let comments = 0;
        let retry: number | undefined;
        let text = '';
        let all = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          all += chunk;
          text += chunk;
          let end: number;
          while ((end = text.indexOf('\n\n')) >= 0) {
            const block = text.slice(0, end);
            text = text.slice(end + 2);
            const lines = block.split('\n');
            if (lines.every((l) => l.startsWith(':'))) {
              comments += 1;
              continue;
            }
            let id: string | undefined;
            let event = 'message';
            const data: string[] = [];
            for (const line of lines) {
              const colon = line.indexOf(':');
              const field = line.slice(0, colon);
              const value = line.slice(colon + 1).replace(/^ /, '');
              if (field === 'id') id = value;
              else if (field === 'event') event = value;
              else if (field === 'data') data.push(value);
              else if (field === 'retry') retry = Number(value);
            }
            if (data.length > 0) frames.push({ ...(id === undefined ? {} : { id }), event, data: data.join('\n') });
          }
        });
        const ended = new Promise<void>((done) => {
          response.on('end', done);
          response.on('close', done);
          response.on('error', () => done());
        });
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          frames,
          comments: () => comments,
          retry: () => retry,
          body: () => all,
          ended,
          async waitFor(predicate, timeoutMs = 15_000) {
            const deadline = Date.now() + timeoutMs;
            while (!predicate(frames)) {
              if (Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(frames).slice(0, 2000)}`);
              await new Promise((r) => setTimeout(r, 10));
            }
          },
          close: () => request.destroy(),
        });
      },
    );
    request.on('error', reject);
  });
}

export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const commits = (frames: readonly SseFrame[]): SseFrame[] => frames.filter((f) => f.event === 'commit');
