/**
 * ws_clients: GraphQL subscriptions (`ticks_changes`, graphql-ws protocol on /graphql)
 * held by one server process while commits are broadcast: graphql-ws multiplexes
 * subscriptions over a socket, so N subscriptions ride on a few hundred WebSockets
 * from client processes.
 */
import type { Scenario } from '../harness.js';
import { apiWarehouse, Served } from './api-warehouse.js';
import { measureBroadcasts } from './broadcasts.js';
import { Fanout, countsText } from './fanout-driver.js';

export const WS = { processes: 2, socketsPerProcess: 125, subscriptionsPerSocket: 200 } as const;
const QUERY = 'subscription { ticks_changes { version } }';

export const wsClients: Scenario = {
  name: 'ws_clients',
  description: `GraphQL subscriptions over WebSocket held while commits are broadcast: ${(WS.processes * WS.socketsPerProcess * WS.subscriptionsPerSocket).toLocaleString('en-US')} over ${WS.processes * WS.socketsPerProcess} sockets`,
  async run({ workDir, log }) {
    const served = await Served.open(await apiWarehouse(workDir, log));
    try {
      const server = await served.start();
      const fan = await Fanout.open(
        {
          transport: 'ws',
          origin: server.url,
          path: '/graphql',
          processes: WS.processes,
          connectionsPerProcess: WS.socketsPerProcess,
          perConnection: WS.subscriptionsPerSocket,
          concurrency: 25,
          openTimeoutMs: 300_000,
          query: QUERY,
        },
        log,
      );
      try {
        const broadcasts = await measureBroadcasts(fan, {
          origin: server.url,
          prefix: 'ws',
          timed: 3,
          warmups: 4,
          log,
        });
        const memory = process.memoryUsage().rss;
        const after = await fan.stats();
        log(`after the broadcasts: ${countsText(after)}; server RSS ${(memory / 2 ** 20).toFixed(0)} MiB`);
        const held = after.reduce((n, c) => n + c.live, 0);
        return [
          {
            name: 'ws_clients',
            value: held,
            unit: 'subscriptions',
            bound: { min: 20_000, aim: 50_000 },
            note: `${QUERY}; ${fan.total.toLocaleString('en-US')} asked over ${WS.processes * WS.socketsPerProcess} sockets from ${WS.processes} client processes; server RSS ${(memory / 2 ** 20).toFixed(0)} MiB`,
          },
          { name: 'ws_connections', value: WS.processes * WS.socketsPerProcess, unit: 'sockets' },
          ...broadcasts,
        ];
      } finally {
        await fan.close();
      }
    } finally {
      await served.close();
    }
  },
};
