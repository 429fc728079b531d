/**
 * The broadcast part of the fan-out scenarios: warm-up commits until every live stream
 * hears one (subscriptions are attached asynchronously by the server), then timed
 * commits whose commit → arrival times are pooled over every stream.
 */
import { readdirSync } from 'node:fs';
import type { BenchResult } from '../harness.js';
import { commitTick } from './api-warehouse.js';
import type { Broadcast, Fanout } from './fanout-driver.js';
import { percentiles } from './stats.js';

export interface BroadcastPlan {
  readonly origin: string;
  /** Result name prefix: `sse` gives sse_broadcast_p99_ms, ... */
  readonly prefix: string;
  readonly timed: number;
  /** Warm-up commits at most (stops early once one reaches every live stream). */
  readonly warmups: number;
  readonly log: (message: string) => void;
}

let tick = 1;

/** Waits until this process (the server's) has used under 15% of a core for two half-second samples, at most `maxMs`. */
export async function serverIdle(maxMs: number): Promise<void> {
  const end = performance.now() + maxMs;
  let quiet = 0;
  while (performance.now() < end && quiet < 2) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const used = process.cpuUsage(before);
    quiet = (used.user + used.system) / 1000 < 75 ? quiet + 1 : 0;
  }
}

/** Open file descriptors of this process. */
export function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

function describe(b: Broadcast): string {
  const p = percentiles(b.latencies);
  return `version ${b.version}: ${b.latencies.length}/${b.expected} streams, commit request ${b.commitMs.toFixed(0)} ms, arrival p50 ${p.p50.toFixed(0)} / p99 ${p.p99.toFixed(0)} / max ${p.max.toFixed(0)} ms`;
}

export async function measureBroadcasts(fan: Fanout, plan: BroadcastPlan): Promise<BenchResult[]> {
  const commit = () => commitTick(plan.origin, tick++);
  const wait = { timeoutMs: 120_000, quietMs: 5_000 };
  for (let i = 0; i < plan.warmups; i++) {
    await serverIdle(120_000);
    const b = await fan.broadcast(commit, wait);
    plan.log(`warm-up ${describe(b)}`);
    if (b.latencies.length >= b.expected) break;
  }
  const timed: Broadcast[] = [];
  for (let i = 0; i < plan.timed; i++) {
    await serverIdle(30_000);
    const b = await fan.broadcast(commit, wait);
    plan.log(`timed ${describe(b)}`);
    timed.push(b);
  }
  const all = new Float64Array(timed.reduce((n, b) => n + b.latencies.length, 0));
  let offset = 0;
  for (const b of timed) {
    all.set(b.latencies, offset);
    offset += b.latencies.length;
  }
  const p = percentiles(all);
  const clients = fan.live;
  const delivered = all.length / (clients * timed.length);
  const commitMs = percentiles(timed.map((b) => b.commitMs));
  const setting = `${plan.timed} commits to ${clients.toLocaleString('en-US')} streams; from right before the commit request (median ${commitMs.p50.toFixed(0)} ms itself) to arrival in the client process`;
  return [
    { name: `${plan.prefix}_broadcast_p50_ms`, value: p.p50, unit: 'ms', note: setting },
    { name: `${plan.prefix}_broadcast_p99_ms`, value: p.p99, unit: 'ms', note: `max ${p.max.toFixed(0)} ms` },
    {
      name: `${plan.prefix}_delivered_fraction`,
      value: delivered,
      unit: 'ratio',
      bound: { min: 1 },
      note: `${all.length.toLocaleString('en-US')} of ${(clients * timed.length).toLocaleString('en-US')} (streams × commits)`,
    },
  ];
}
