/**
 * The Redis online store (`ioredis` to a Redis server), for several serving processes.
 *
 * Keys: `PREFIX VIEW :r: ENTITYKEY` → row (row-codec), `PREFIX VIEW :w` → watermark; the
 * prefix (default `strata:online:`) lets warehouses share a server. Rows are plain
 * strings, so a read is one MGET of every requested key across views.
 *
 * Atomicity: writes go through a Lua script (redis-scripts.ts) per chunk of rows; each
 * chunk is atomic, and the watermark step rides on the last chunk, so the watermark never
 * moves before its rows are all stored. A crash between chunks leaves some rows applied
 * and the watermark where it was: the batch is replayed from the old watermark, which is
 * harmless because writes are idempotent and newest-wins.
 *
 * Redis Cluster is not supported yet: the write script touches many keys, which a cluster
 * only allows within one hash slot.
 *
 * Failure: commands are not queued while disconnected; a call waits briefly for the
 * connection, then fails with OnlineStoreUnavailableError (503). ioredis reconnects in the
 * background (and the scripts are reloaded after a restart), so the store recovers by
 * itself when the server returns.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { isStrataError } from '../../core/index.js';
import { checkViewName, encodeEntityKey, type EntityKey } from './entity-key.js';
import { OnlineStoreClosedError, OnlineStoreUnavailableError, OnlineWatermarkConflictError } from './online-errors.js';
import type { OnlineRow, OnlineStore, StoredRow, ViewKeys, WriteOptions, WriteResult } from './online-store.js';
import { decodeRow, encodeRow } from './row-codec.js';
import { EXPIRE_ROWS, WRITE_ROWS } from './redis-scripts.js';
import { checkWatermark } from './watermark.js';

export interface RedisOnlineStoreOptions {
  /** Prepended to every key (default `strata:online:`). */
  readonly keyPrefix?: string;
  /** How long a call waits for a (re)connection before failing as unavailable (default 1000 ms). */
  readonly connectWaitMs?: number;
  /** A command without an answer in this time fails as unavailable (default 5000 ms). */
  readonly commandTimeoutMs?: number;
  /** Rows per atomic script call (default 500): bounds how long one call holds Redis. */
  readonly chunkRows?: number;
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const SCRIPTS = { write: [WRITE_ROWS, sha1(WRITE_ROWS)], expire: [EXPIRE_ROWS, sha1(EXPIRE_ROWS)] } as const;

export class RedisOnlineStore implements OnlineStore {
  readonly name: string;
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #connectWaitMs: number;
  readonly #chunkRows: number;
  #closed = false;

  constructor(url: string, options: RedisOnlineStoreOptions = {}) {
    const parsed = new URL(url);
    this.name = `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
    this.#prefix = options.keyPrefix ?? 'strata:online:';
    this.#connectWaitMs = options.connectWaitMs ?? 1000;
    this.#chunkRows = options.chunkRows ?? 500;
    this.#client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 5000,
      retryStrategy: (times) => Math.min(50 * times, 1000),
    });
    // Connection errors surface on the calls; without a listener ioredis would crash the process.
    this.#client.on('error', () => {});
    this.#client.connect().catch(() => {});
  }

  #rowKey = (view: string, key: EntityKey) => `${this.#prefix}${view}:r:${encodeEntityKey(key)}`;
  #watermarkKey = (view: string) => `${this.#prefix}${view}:w`;

  /** Runs a command once connected; connection trouble becomes OnlineStoreUnavailableError. */
  async #call<T>(operation: string, run: (client: Redis) => Promise<T>): Promise<T> {
    if (this.#closed) throw new OnlineStoreClosedError(this.name);
    const client = this.#client;
    if (client.status !== 'ready') await this.#waitReady(operation);
    try {
      return await run(client);
    } catch (error) {
      if (isStrataError(error)) throw error;
      const reply = error instanceof Error && error.name === 'ReplyError';
      if (reply && !/^(LOADING|BUSY|MASTERDOWN|TRYAGAIN)/.test(error.message)) throw error;
      throw new OnlineStoreUnavailableError(this.name, operation, { cause: error });
    }
  }

  #waitReady(operation: string): Promise<void> {
    const client = this.#client;
    if (client.status === 'wait' || client.status === 'end') client.connect().catch(() => {});
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        if (error) reject(new OnlineStoreUnavailableError(this.name, operation, { cause: error }));
        else resolve();
      };
      const onReady = () => done();
      const timer = setTimeout(
        () => done(new Error(`not connected after ${this.#connectWaitMs} ms`)),
        this.#connectWaitMs,
      );
      client.on('ready', onReady);
    });
  }

  async #script(client: Redis, [text, sha]: readonly [string, string], keys: string[], args: string[]) {
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      // After a server restart the script cache is empty: load it again by sending the text.
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return client.eval(text, keys.length, ...keys, ...args);
    }
  }

  async write(view: string, rows: readonly OnlineRow[], options: WriteOptions = {}): Promise<WriteResult> {
    checkViewName(view);
    const keys = rows.map((row) => this.#rowKey(view, row.key));
    const encoded = rows.map(encodeRow);
    const step = options.watermark && checkWatermark(options.watermark);
    const expected = step?.expected === undefined ? '*' : step.expected === null ? '' : String(step.expected);
    return this.#call('write', async (client) => {
      let written = 0;
      for (let start = 0; start === 0 || start < rows.length; start += this.#chunkRows) {
        const end = Math.min(start + this.#chunkRows, rows.length);
        const last = end === rows.length;
        const next = last && step ? String(step.next) : '';
        const args = [expected, next, ...encoded.slice(start, end)];
        const reply = (await this.#script(
          client,
          SCRIPTS.write,
          [this.#watermarkKey(view), ...keys.slice(start, end)],
          args,
        )) as [number, string?];
        if (reply[0] === -1)
          throw new OnlineWatermarkConflictError(view, step?.expected ?? null, reply[1] ? Number(reply[1]) : null);
        written += reply[0];
      }
      return { written, skipped: rows.length - written };
    });
  }

  async read(requests: readonly ViewKeys[]): Promise<Array<Array<StoredRow | undefined>>> {
    const keys = requests.flatMap(
      ({ view, keys }) => (checkViewName(view), keys.map((key) => this.#rowKey(view, key))),
    );
    const stored = keys.length === 0 ? [] : await this.#call('read', (client) => client.mget(keys));
    let at = 0;
    return requests.map(({ keys }) =>
      keys.map(() => {
        const row = stored[at++];
        return row === null || row === undefined ? undefined : decodeRow(row);
      }),
    );
  }

  async watermark(view: string): Promise<number | null> {
    const stored = await this.#call('watermark', (client) => client.get(this.#watermarkKey(checkViewName(view))));
    return stored === null ? null : Number(stored);
  }

  async delete(view: string, keys: readonly EntityKey[]): Promise<number> {
    checkViewName(view);
    if (keys.length === 0) return 0;
    return this.#call('delete', (client) => client.del(...keys.map((key) => this.#rowKey(view, key))));
  }

  async expire(view: string, eventTimeBefore: number): Promise<number> {
    return this.#scanRows(
      view,
      (client, keys) => this.#script(client, SCRIPTS.expire, keys, [String(eventTimeBefore)]) as Promise<number>,
    );
  }

  async dropView(view: string): Promise<void> {
    await this.#scanRows(view, (client, keys) => client.unlink(...keys));
    await this.#call('drop', (client) => client.del(this.#watermarkKey(view)));
  }

  /** Applies `act` to the view's row keys, a SCAN page at a time (never KEYS: it blocks the server). */
  async #scanRows(view: string, act: (client: Redis, keys: string[]) => Promise<number>): Promise<number> {
    const pattern = `${this.#prefix}${checkViewName(view)}:r:*`;
    return this.#call('scan', async (client) => {
      let cursor = '0';
      let total = 0;
      do {
        const [nextCursor, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = nextCursor;
        if (keys.length > 0) total += await act(client, keys);
      } while (cursor !== '0');
      return total;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.disconnect();
  }
}
