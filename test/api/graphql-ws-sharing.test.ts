/**
 * Shared execution of WebSocket subscriptions (src/api/graphql/shared-subscriptions.ts):
 * subscribers of one operation share one execution per commit, but only with others who
 * see the same (role and grants), so a principal whose grant has a row filter never gets
 * the rows another principal sees; many subscriptions on one socket each get every
 * commit, in order; a completed subscription gets nothing more while the others go on.
 * The clients are graphql-ws's own, so the protocol is checked as they speak it.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';
import { gql, wsClient } from './helpers/graphql-client.js';

const ROWS = 'subscription { sales_changes { version rows { id region } } }';
const VERSIONS = 'subscription { sales_changes { version } }';

interface Change {
  readonly version: number;
  readonly rows?: { id: number; region: string }[] | null;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** Subscribes and records every `sales_changes` payload; `stop()` completes it from the client. */
function follow(
  client: Client,
  query: string,
): { readonly received: Change[]; readonly completed: Promise<void>; stop(): void } {
  const received: Change[] = [];
  let stop = () => undefined as void;
  const completed = new Promise<void>((resolve, reject) => {
    stop = client.subscribe<{ sales_changes: Change }>(
      { query },
      {
        next: (result) =>
          result.data ? received.push(result.data.sales_changes) : reject(new Error(JSON.stringify(result.errors))),
        error: reject,
        complete: resolve,
      },
    );
  });
  completed.catch(() => undefined);
  return { received, completed, stop: () => stop() };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('shared WebSocket subscriptions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  async function insert(id: number, region: string): Promise<void> {
    const answer = await gql(
      api,
      `mutation { insert_sales(objects: [{ id: ${id}, region: "${region}" }]) { affected_rows } }`,
    );
    expect(answer.errors).toBeUndefined();
  }

  it('gives subscribers with different grants on one operation their own payloads', async () => {
    const filtered = await api.token('reader', [{ table: 'main.sales', rowFilter: "region = 'EU'" }]);
    const admins = [wsClient(api, api.tokens.admin), wsClient(api, api.tokens.admin)];
    const readers = [wsClient(api, filtered), wsClient(api, filtered)];
    try {
      const all = admins.map((c) => follow(c, ROWS));
      const limited = readers.map((c) => follow(c, ROWS));
      await settle();
      await insert(2001, 'NEW');
      await until(() => [...all, ...limited].every((s) => s.received.length === 1), 'one commit everywhere');
      for (const s of all) expect(s.received[0]!.rows).toEqual([{ id: 2001, region: 'NEW' }]);
      // The row filter is SQL and is not evaluated on events: a filtered principal gets no rows at all.
      for (const s of limited) expect(s.received[0]!.rows).toBeNull();
      expect(limited[0]!.received[0]!.version).toBe(all[0]!.received[0]!.version);
    } finally {
      await Promise.all([...admins, ...readers].map((c) => c.dispose()));
    }
  });

  it('delivers every commit, in order, to many subscriptions on one socket, and nothing after complete', async () => {
    // (Not a reader: the test above gave the reader role a row filter.)
    const client = wsClient(api, api.tokens.writer);
    try {
      const versions = Array.from({ length: 40 }, () => follow(client, VERSIONS));
      const rows = Array.from({ length: 10 }, () => follow(client, ROWS));
      const everyone = [...versions, ...rows];
      await settle();
      for (let i = 0; i < 3; i++) await insert(3000 + i, 'EU');
      await until(() => everyone.every((s) => s.received.length === 3), 'three commits on every subscription');
      const expected = versions[0]!.received.map((c) => c.version);
      expect(expected).toEqual([...expected].sort((a, b) => a - b));
      expect(new Set(expected).size).toBe(3);
      for (const s of everyone) expect(s.received.map((c) => c.version)).toEqual(expected);
      expect(rows.map((s) => s.received.map((c) => c.rows?.[0]?.id))).toEqual(rows.map(() => [3000, 3001, 3002]));

      // Complete half of each operation from the client; the others keep receiving.
      const stopped = [...versions.slice(0, 20), ...rows.slice(0, 5)];
      const going = [...versions.slice(20), ...rows.slice(5)];
      for (const s of stopped) s.stop();
      await insert(3003, 'EU');
      await until(() => going.every((s) => s.received.length === 4), 'the fourth commit on the live subscriptions');
      await settle();
      for (const s of stopped) expect(s.received).toHaveLength(3);

      // A new subscription after everyone on an operation left starts afresh.
      for (const s of going) s.stop();
      const late = follow(client, VERSIONS);
      await settle();
      await insert(3004, 'EU');
      await until(() => late.received.length === 1, 'a commit on a subscription made after the others ended');
      expect(late.received[0]!.version).toBeGreaterThan(expected[2]!);
    } finally {
      await client.dispose();
    }
  });
});
