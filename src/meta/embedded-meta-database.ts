/**
 * The embedded backend: PGlite (Postgres compiled to WebAssembly) storing its files
 * in a directory, normally `<warehouse>/meta/`.
 *
 * PGlite has no locking of its own: a second process opening the same directory gets
 * no error and its writes are silently lost. So opening takes the directory's lock
 * file first (directory-lock.ts). The process that gets it serves the database to the
 * other processes of its user on a Unix socket beside the lock (proxy-server.ts,
 * `<directory>/meta.sock`); a second opener, finding the lock held, goes through that
 * process instead (a `proxied` database, proxied-meta-database.ts). A holder that
 * serves nothing (still starting, or an older Strata) is waited for a bounded time,
 * with one line on stderr, then refused with META_LOCKED naming it. A second opener
 * in the same process, or a holder on another host, is refused at once.
 *
 * What the holder caches from the database goes stale for a short while after a
 * write through the proxy, as after any other process's write to a server database:
 * table lookups for 1 s, API tokens and their grants for 5 s (a revoked token stops
 * working within that time).
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { acquireDirectoryLock, type DirectoryLock } from './directory-lock.js';
import { MetaConnectionError, MetaLockedError, type LockHolder } from './errors.js';
import { KyselyMetaDatabase, type OpenOptions } from './kysely-meta-database.js';
import { MetaKind, type MetaDatabase } from './meta-database.js';
import { PGliteDialect } from './pglite-dialect.js';
import { ProxyChannel } from './proxy-channel.js';
import type { Route } from './proxy-driver.js';
import type { PGliteDriver } from './pglite-driver.js';
import { openProxiedMetaDatabase } from './proxied-meta-database.js';
import { metaSocketPath } from './proxy-protocol.js';
import { MetaProxyServer } from './proxy-server.js';

export const LOCK_FILE_NAME = 'strata.lock';
/** Overrides how long a second opener waits for a holder that serves nothing (milliseconds). */
export const LOCK_WAIT_ENV = 'STRATA_META_WAIT_MS';
const DEFAULT_LOCK_WAIT_MS = 10_000;
const RETRY_MS = 200;
const QUIET_MS = 1_000;

export interface EmbeddedOptions extends OpenOptions {
  /** How long to wait for a holder that does not serve the database (default 10 s, or STRATA_META_WAIT_MS). */
  readonly lockWaitMs?: number;
  /** Told once when waiting starts (default: a line on stderr). */
  readonly onWait?: (holder: LockHolder) => void;
  /**
   * Open it here or not at all: a holder is waited for (bounded) even when it serves the
   * database, as the roles must own it (default false: go through the holder).
   */
  readonly exclusive?: boolean;
  /** As the holder: how long another process may keep a connection idle (default 30 s). */
  readonly proxyIdleMs?: number;
}

export async function openEmbeddedMetaDatabase(
  directory: string,
  options: EmbeddedOptions = {},
): Promise<MetaDatabase> {
  const target = path.resolve(directory);
  mkdirSync(target, { recursive: true });
  const opened = await holdOrReach(target, options);
  if ('held' in opened) return opened.held.meta;
  // When the holder goes away, this process takes the next connection from whoever holds it then.
  const reopen = async (): Promise<Route> => {
    const next = await holdOrReach(target, { ...options, migrate: false });
    return 'channel' in next ? next : { held: { driver: next.held.driver, close: () => next.held.meta.close() } };
  };
  return openProxiedMetaDatabase(opened.channel, target, reopen, options);
}

type Opened = { readonly held: { meta: MetaDatabase; driver: PGliteDriver } } | { readonly channel: ProxyChannel };

/** Takes the lock and opens the database here, or reaches the holder's socket; waits (bounded) for a silent holder. */
async function holdOrReach(target: string, options: EmbeddedOptions): Promise<Opened> {
  const socketPath = metaSocketPath(target);
  const deadline = Date.now() + lockWaitMs(options);
  const quietUntil = Date.now() + QUIET_MS;
  let waiting = false;
  for (;;) {
    let lock: DirectoryLock;
    try {
      lock = await acquireDirectoryLock(target, LOCK_FILE_NAME);
    } catch (error) {
      if (!(error instanceof MetaLockedError) || !reachable(error.holder)) throw error;
      const channel = options.exclusive === true ? undefined : await ProxyChannel.connect(socketPath);
      if (channel !== undefined) return { channel };
      if (Date.now() >= deadline) throw error;
      // A holder that is starting or handing over answers within moments: say nothing for those.
      if (!waiting && Date.now() >= quietUntil) {
        (options.onWait ?? announce)(error.holder);
        waiting = true;
      }
      await sleep(RETRY_MS);
      continue;
    }
    return { held: await openHeld(target, lock, socketPath, options) };
  }
}

async function openHeld(
  target: string,
  lock: DirectoryLock,
  socketPath: string,
  options: EmbeddedOptions,
): Promise<{ meta: MetaDatabase; driver: PGliteDriver }> {
  let pg: PGlite;
  try {
    pg = await PGlite.create(target);
  } catch (error) {
    lock.release();
    throw new MetaConnectionError(`PGlite in ${target}`, { cause: error });
  }
  const dialect = new PGliteDialect(pg, target);
  let proxy: MetaProxyServer | undefined;
  const meta = await KyselyMetaDatabase.open(
    {
      kind: MetaKind.embedded,
      target,
      dialect,
      transactionScope: (fn) => dialect.driver.transactionScope(fn),
      close: async () => {
        try {
          await proxy?.close();
        } finally {
          try {
            await pg.close();
          } finally {
            lock.release();
          }
        }
      },
    },
    options,
  );
  // Served only once migrated: a client checks the migrations it needs are there.
  try {
    proxy = await MetaProxyServer.listen(dialect.driver, target, socketPath, {
      ...(lock.holder.command === undefined ? {} : { command: lock.holder.command }),
      ...(options.proxyIdleMs === undefined ? {} : { idleMs: options.proxyIdleMs }),
    });
  } catch (error) {
    await meta.close();
    throw new MetaConnectionError(`the socket ${socketPath} serving ${target} to other processes`, { cause: error });
  }
  return { meta, driver: dialect.driver };
}

/** Whether the holder could be serving this process: a live other process on this host. */
function reachable(holder: LockHolder): boolean {
  return holder.hostname === hostname() && holder.pid !== process.pid;
}

function lockWaitMs(options: EmbeddedOptions): number {
  if (options.lockWaitMs !== undefined) return options.lockWaitMs;
  const fromEnv = Number(process.env[LOCK_WAIT_ENV]);
  return process.env[LOCK_WAIT_ENV] !== undefined && Number.isFinite(fromEnv) && fromEnv >= 0
    ? fromEnv
    : DEFAULT_LOCK_WAIT_MS;
}

function announce(holder: LockHolder): void {
  const command = holder.command === undefined ? '' : ` (${commandName(holder.command)})`;
  process.stderr.write(`waiting for the warehouse held by pid ${holder.pid}${command}...\n`);
}

/** `node strata.js sql SELECT ...` reads as `strata sql`. */
function commandName(command: string): string {
  const words = command.split(' ');
  if (/^node(js)?$/.test(words[0] ?? '')) words.shift();
  if (words[0] !== undefined) words[0] = words[0].replace(/\.(c|m)?(j|t)s$/, '');
  return words.slice(0, 2).join(' ');
}
