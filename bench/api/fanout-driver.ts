/**
 * Drives a fan-out measurement: forks client processes (fanout-worker.ts), has each
 * open its share of streams, then broadcasts commits and gathers, per stream, the
 * time from "right before the commit" to the event's arrival.
 */
import type { FanoutCounts, FanoutTransport, WorkerMessage } from './fanout-protocol.js';
import { epochMs } from './stats.js';
import { WorkerProcess } from './worker-process.js';

export interface FanoutPlan {
  readonly transport: FanoutTransport;
  readonly origin: string;
  readonly path: string;
  readonly processes: number;
  readonly connectionsPerProcess: number;
  readonly perConnection: number;
  readonly concurrency: number;
  /** Source addresses; process i uses the i-th share of them. */
  readonly localAddresses?: readonly string[];
  readonly query?: string;
  /** Give up opening after this long (the streams that held are what counts). */
  readonly openTimeoutMs: number;
}

export interface Broadcast {
  readonly version: number;
  /** Live streams when the wait ended. */
  readonly expected: number;
  /** Commit → arrival, ms, one per stream that received the event. */
  readonly latencies: Float64Array;
  /** How long the commit request itself took (ms). */
  readonly commitMs: number;
}

const sum = (values: readonly FanoutCounts[], key: 'total' | 'live' | 'failed' | 'closed'): number =>
  values.reduce((n, c) => n + c[key], 0);

export function countsText(counts: readonly FanoutCounts[]): string {
  const errors = [...new Set(counts.flatMap((c) => c.errors))].slice(0, 4);
  return (
    `${sum(counts, 'live')}/${sum(counts, 'total')} live, ${sum(counts, 'failed')} failed, ${sum(counts, 'closed')} closed; client RSS ${counts.map((c) => c.rssMb).join('+')} MiB` +
    (errors.length > 0 ? `; errors: ${errors.join('; ')}` : '')
  );
}

export class Fanout {
  private constructor(
    private readonly workers: readonly WorkerProcess<WorkerMessage>[],
    readonly opened: readonly FanoutCounts[],
  ) {}

  get live(): number {
    return sum(this.opened, 'live');
  }

  get total(): number {
    return sum(this.opened, 'total');
  }

  static async open(plan: FanoutPlan, log: (message: string) => void): Promise<Fanout> {
    const workers: WorkerProcess<WorkerMessage>[] = [];
    try {
      for (let i = 0; i < plan.processes; i++) {
        workers.push(
          await WorkerProcess.start<WorkerMessage>(
            `${plan.transport} client ${i + 1}`,
            new URL('./fanout-worker.ts', import.meta.url),
            { heapMb: 6144 },
          ),
        );
      }
      const addresses = plan.localAddresses ?? [];
      const share = Math.ceil(addresses.length / plan.processes);
      const progress = new Map<number, FanoutCounts>();
      let opening = true;
      workers.forEach((worker, i) => {
        void (async () => {
          while (opening) {
            const message = await worker.next('progress', plan.openTimeoutMs + 60_000).catch(() => undefined);
            if (!message) return;
            progress.set(i, message);
          }
        })();
      });
      const ticker = setInterval(() => {
        if (progress.size > 0) log(`opening: ${countsText([...progress.values()])}`);
      }, 10_000);
      const started = performance.now();
      try {
        const opened = await Promise.all(
          workers.map((worker, i) =>
            worker
              .ask(
                {
                  kind: 'open',
                  transport: plan.transport,
                  origin: plan.origin,
                  path: plan.path,
                  connections: plan.connectionsPerProcess,
                  perConnection: plan.perConnection,
                  concurrency: plan.concurrency,
                  ...(addresses.length > 0 ? { localAddresses: addresses.slice(i * share, (i + 1) * share) } : {}),
                  ...(plan.query ? { query: plan.query } : {}),
                },
                'opened',
                plan.openTimeoutMs,
              )
              .catch(async () => {
                // Streams that never got an answer: take the counts as they are.
                const stats = await worker.ask({ kind: 'stats' }, 'stats', 30_000);
                return { ...stats, kind: 'opened' as const };
              }),
          ),
        );
        log(`opened in ${((performance.now() - started) / 1000).toFixed(1)} s: ${countsText(opened)}`);
        return new Fanout(workers, opened);
      } finally {
        opening = false;
        clearInterval(ticker);
      }
    } catch (error) {
      await Promise.all(workers.map((w) => w.close()));
      throw error;
    }
  }

  /** Current counts from every client process. */
  async stats(): Promise<FanoutCounts[]> {
    return Promise.all(this.workers.map((w) => w.ask({ kind: 'stats' }, 'stats', 60_000)));
  }

  /** Commits (the callback returns the new table version) and waits for its event on every live stream. */
  async broadcast(commit: () => Promise<number>, wait: { timeoutMs: number; quietMs: number }): Promise<Broadcast> {
    const at = epochMs();
    const version = await commit();
    const commitMs = epochMs() - at;
    const replies = await Promise.all(
      this.workers.map((w) => w.ask({ kind: 'expect', version, at, ...wait }, 'arrivals', wait.timeoutMs + 60_000)),
    );
    const n = replies.reduce((k, r) => k + r.latencies.length, 0);
    const latencies = new Float64Array(n);
    let offset = 0;
    for (const r of replies) {
      latencies.set(r.latencies, offset);
      offset += r.latencies.length;
    }
    return { version, expected: replies.reduce((k, r) => k + r.expected, 0), latencies, commitMs };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
