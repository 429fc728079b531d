/**
 * sse_clients: concurrent SSE clients of one server process (the bench process) on a
 * table's commit stream while commits are broadcast to all of them.
 *   sse_clients        SSE over HTTP/2 (h2c): streams multiplexed over HTTP/2 sessions
 *                      from client processes (a process here may hold 20,000 descriptors,
 *                      so one connection per client cannot reach 50,000)
 *   sse_clients_http1  plain HTTP/1.1, one connection per client: bounded by the server
 *                      process's 20,000 descriptors; source addresses 127.0.0.2.. so the
 *                      ephemeral ports (32768–60999 per address) do not run out
 */
import type { BenchResult, Scenario } from '../harness.js';
import { apiWarehouse, Served } from './api-warehouse.js';
import { measureBroadcasts, openDescriptors, serverIdle } from './broadcasts.js';
import { Fanout, countsText } from './fanout-driver.js';

const PATH = '/v1/streams/tables/main.ticks';
export const SSE_H2 = { processes: 2, sessionsPerProcess: 125, streamsPerSession: 200 } as const;
const H1_TARGET = 18_000;
const H1_PROCESSES = 3;
/** Descriptors the server keeps free for its own files, the metadata database and the commit requests. */
const FD_RESERVE = 600;
const FD_LIMIT = 20_000;

export const sseClients: Scenario = {
  name: 'sse_clients',
  description: `SSE clients held while commits are broadcast: ${(SSE_H2.processes * SSE_H2.sessionsPerProcess * SSE_H2.streamsPerSession).toLocaleString('en-US')} over HTTP/2 (${SSE_H2.processes * SSE_H2.sessionsPerProcess} sessions), then up to ${H1_TARGET.toLocaleString('en-US')} HTTP/1.1 connections`,
  async run({ workDir, log }) {
    const served = await Served.open(await apiWarehouse(workDir, log));
    const results: BenchResult[] = [];
    try {
      const server = await served.start();
      {
        const fan = await Fanout.open(
          {
            transport: 'sse-h2',
            origin: server.url,
            path: PATH,
            processes: SSE_H2.processes,
            connectionsPerProcess: SSE_H2.sessionsPerProcess,
            perConnection: SSE_H2.streamsPerSession,
            concurrency: 500,
            openTimeoutMs: 300_000,
          },
          log,
        );
        try {
          const memory = process.memoryUsage().rss;
          const broadcasts = await measureBroadcasts(fan, {
            origin: server.url,
            prefix: 'sse',
            timed: 3,
            warmups: 2,
            log,
          });
          const after = await fan.stats();
          log(`after the broadcasts: ${countsText(after)}; server RSS ${(memory / 2 ** 20).toFixed(0)} MiB`);
          const held = after.reduce((n, c) => n + c.live, 0);
          results.push(
            {
              name: 'sse_clients',
              value: held,
              unit: 'clients',
              bound: { min: 20_000, aim: 50_000 },
              note: `SSE over h2c: ${fan.total.toLocaleString('en-US')} asked, ${SSE_H2.processes * SSE_H2.sessionsPerProcess} sessions × ${SSE_H2.streamsPerSession} streams from ${SSE_H2.processes} client processes; server RSS ${(memory / 2 ** 20).toFixed(0)} MiB`,
            },
            ...broadcasts,
          );
        } finally {
          await fan.close();
        }
      }
      await serverIdle(30_000);
      const target = Math.min(H1_TARGET, FD_LIMIT - openDescriptors() - FD_RESERVE);
      const perProcess = Math.floor(target / H1_PROCESSES);
      const fan = await Fanout.open(
        {
          transport: 'sse-h1',
          origin: server.url,
          path: PATH,
          processes: H1_PROCESSES,
          connectionsPerProcess: perProcess,
          perConnection: 1,
          concurrency: 150,
          openTimeoutMs: 300_000,
          localAddresses: Array.from({ length: 6 }, (_, i) => `127.0.0.${i + 2}`),
        },
        log,
      );
      try {
        const descriptors = openDescriptors();
        const broadcasts = await measureBroadcasts(fan, {
          origin: server.url,
          prefix: 'sse_http1',
          timed: 2,
          warmups: 1,
          log,
        });
        const held = (await fan.stats()).reduce((n, c) => n + c.live, 0);
        results.push(
          {
            name: 'sse_clients_http1',
            value: held,
            unit: 'clients',
            note: `one HTTP/1.1 connection each, ${(perProcess * H1_PROCESSES).toLocaleString('en-US')} asked from ${H1_PROCESSES} processes over 127.0.0.2–7; server descriptors ${descriptors} of ${FD_LIMIT}`,
          },
          ...broadcasts,
        );
      } finally {
        await fan.close();
      }
      return results;
    } finally {
      await served.close();
    }
  },
};
