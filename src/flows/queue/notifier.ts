/**
 * Wake-ups: when tasks become claimable, workers are told at once instead of
 * polling. On a PostgreSQL server through LISTEN/NOTIFY (so workers in other
 * processes and machines wake); on the embedded database, which one process owns,
 * through an in-process emitter. Workers still poll slowly as a safety net, so a
 * lost notification costs latency, never work.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const TASKS_CHANNEL = 'strata_flow_tasks';

export interface Notifier {
  /** Tell every listener (in every process) that tasks may be claimable. */
  notify(): Promise<void>;
  /** Calls `fn` on every notification; returns the unsubscribe function. */
  listen(fn: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class LocalNotifier implements Notifier {
  readonly #events = new EventEmitter().setMaxListeners(0);
  async notify(): Promise<void> {
    this.#events.emit('tasks');
  }
  async listen(fn: () => void): Promise<() => Promise<void>> {
    this.#events.on('tasks', fn);
    return async () => void this.#events.off('tasks', fn);
  }
  async close(): Promise<void> {
    this.#events.removeAllListeners();
  }
}

/** LISTEN on a dedicated connection; NOTIFY through a short-lived pool of one. */
export class PostgresNotifier implements Notifier {
  readonly #local = new LocalNotifier();
  readonly #url: string;
  /** Sent as the payload, so this process ignores the echo of its own notifications (its listeners were told directly). */
  readonly #origin = randomUUID();
  #listener: pg.Client | undefined;
  #sender: pg.Pool | undefined;
  #closed = false;

  constructor(url: string) {
    this.#url = url;
  }

  async notify(): Promise<void> {
    // Local listeners first: a worker in this process should not wait for the round trip.
    await this.#local.notify();
    this.#sender ??= new pg.Pool({ connectionString: this.#url, max: 1 }).on('error', () => {});
    await this.#sender.query(`select pg_notify('${TASKS_CHANNEL}', $1)`, [this.#origin]);
  }

  async listen(fn: () => void): Promise<() => Promise<void>> {
    if (this.#listener === undefined) {
      const client = new pg.Client({ connectionString: this.#url });
      client.on('error', () => {
        // The connection broke: polling covers until the next listen() reconnects.
        if (this.#listener === client) this.#listener = undefined;
      });
      await client.connect();
      await client.query(`listen ${TASKS_CHANNEL}`);
      client.on('notification', (message) => {
        if (message.payload !== this.#origin) void this.#local.notify();
      });
      this.#listener = client;
    }
    return this.#local.listen(fn);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#local.close();
    await this.#listener?.end().catch(() => {});
    await this.#sender?.end().catch(() => {});
  }
}
