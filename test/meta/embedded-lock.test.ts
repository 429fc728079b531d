/**
 * The embedded database's exclusive lock, with real second processes: PGlite in a
 * second process would silently lose that process's writes, so a second opener must
 * go through the holder (or be refused, naming it), and a dead holder's lock must be
 * taken over.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  LOCK_FILE_NAME,
  META_DIRECTORY,
  MetaLockedError,
  openMetaDatabase,
  type MetaDatabase,
} from '../../src/meta/index.js';
import { openAll, type AllTables } from './helpers/modules.js';
import { BACKENDS, type BackendSetup } from './helpers/backends.js';
import { MetaWorker, stopWorkers } from './helpers/child-process.js';

const pglite = BACKENDS.find(([name]) => name === 'pglite')![1];
const lockFile = (setup: BackendSetup) => path.join(setup.warehouse, META_DIRECTORY, LOCK_FILE_NAME);

// Each case starts several Node processes (tsx, PGlite): generous time on busy machines.
describe('embedded metadata database lock', { timeout: 180_000 }, () => {
  const setups: BackendSetup[] = [];
  const opened: MetaDatabase<AllTables>[] = [];
  afterEach(async () => {
    await stopWorkers();
    await Promise.all(opened.splice(0).map((m) => m.close()));
  });
  afterAll(async () => {
    await Promise.all(setups.map((s) => s.dispose()));
  });

  async function fresh(): Promise<BackendSetup> {
    const setup = await pglite.create();
    setups.push(setup);
    return setup;
  }

  async function open(setup: BackendSetup): Promise<MetaDatabase<AllTables>> {
    const meta = await openAll({ warehouse: setup.warehouse, env: {} });
    opened.push(meta);
    return meta;
  }

  async function workerKeys(meta: MetaDatabase<AllTables>): Promise<string[]> {
    return (
      await meta.db
        .selectFrom('strata_settings')
        .select('key')
        .where('key', 'like', 'worker.%')
        .orderBy('key')
        .execute()
    ).map((r) => r.key);
  }

  it('lets a second process through the holder; after the holder closes, the next one opens it itself', async () => {
    const setup = await fresh();
    const holder = new MetaWorker({ warehouse: setup.warehouse, mode: 'hold' });
    expect(await holder.firstEvent()).toMatchObject({ event: 'open', pid: holder.pid, kind: 'embedded' });
    const lock = JSON.parse(readFileSync(lockFile(setup), 'utf8')) as { pid: number; hostname: string };
    expect(lock).toMatchObject({ pid: holder.pid, hostname: hostname() });

    const second = new MetaWorker({ warehouse: setup.warehouse, mode: 'open' });
    expect(await second.firstEvent()).toMatchObject({ event: 'open', kind: 'proxied' });
    expect(await second.exited).toBe(0);
    expect(JSON.parse(readFileSync(lockFile(setup), 'utf8'))).toMatchObject({ pid: holder.pid });

    holder.send('CLOSE');
    expect(await holder.exited).toBe(0);
    expect(existsSync(lockFile(setup))).toBe(false);
    expect(existsSync(path.join(setup.warehouse, META_DIRECTORY, 'meta.sock'))).toBe(false);
    const third = new MetaWorker({ warehouse: setup.warehouse, mode: 'open' });
    expect(await third.firstEvent()).toMatchObject({ event: 'open', kind: 'embedded' });
    expect(await third.exited).toBe(0);
    const meta = await open(setup);
    expect(await workerKeys(meta)).toEqual(
      [`worker.${holder.pid}`, `worker.${second.pid}`, `worker.${third.pid}`].sort(),
    );
  });

  it('refuses a second opener in the same process, pointing at the open handle', async () => {
    const setup = await fresh();
    await open(setup);
    const again = openMetaDatabase({ warehouse: setup.warehouse, env: {} });
    await expect(again).rejects.toBeInstanceOf(MetaLockedError);
    await expect(again).rejects.toThrow(new RegExp(`this process.*pid ${process.pid}`));
  });

  it('takes over the lock of a killed holder, and keeps what the holder committed', async () => {
    const setup = await fresh();
    const holder = new MetaWorker({ warehouse: setup.warehouse, mode: 'hold' });
    expect(await holder.firstEvent()).toMatchObject({ event: 'open' });
    holder.kill('SIGKILL');
    await holder.exited;
    expect(JSON.parse(readFileSync(lockFile(setup), 'utf8'))).toMatchObject({ pid: holder.pid }); // left behind, stale

    const next = new MetaWorker({ warehouse: setup.warehouse, mode: 'hold' });
    expect(await next.firstEvent()).toMatchObject({ event: 'open', pid: next.pid });
    expect(JSON.parse(readFileSync(lockFile(setup), 'utf8'))).toMatchObject({ pid: next.pid });
    next.send('CLOSE');
    expect(await next.exited).toBe(0);
    const meta = await open(setup);
    expect(await workerKeys(meta)).toEqual([`worker.${holder.pid}`, `worker.${next.pid}`].sort());
  });

  it('releases the lock when the holder exits without closing', async () => {
    const setup = await fresh();
    const worker = new MetaWorker({ warehouse: setup.warehouse, mode: 'exit' });
    expect(await worker.firstEvent()).toMatchObject({ event: 'open' });
    expect(await worker.exited).toBe(0);
    expect(existsSync(lockFile(setup))).toBe(false);
  });

  it('lets exactly one of several processes take over a stale lock at once', async () => {
    const setup = await fresh();
    const dead = new MetaWorker({ warehouse: setup.warehouse, mode: 'hold' });
    await dead.firstEvent();
    dead.kill('SIGKILL');
    await dead.exited;
    const racers = Array.from({ length: 4 }, () => new MetaWorker({ warehouse: setup.warehouse, mode: 'hold' }));
    const events = await Promise.all(racers.map((r) => r.firstEvent()));
    // One holds it; the others go through that one.
    expect(events.map((e) => e.kind).sort()).toEqual(['embedded', 'proxied', 'proxied', 'proxied']);
    const winner = racers[events.findIndex((e) => e.kind === 'embedded')]!;
    expect(JSON.parse(readFileSync(lockFile(setup), 'utf8'))).toMatchObject({ pid: winner.pid });
  });

  it('refuses a lock held on another host, naming the host', async () => {
    const setup = await fresh();
    const record = { pid: 1, hostname: 'elsewhere.example', acquiredAt: '2026-01-01T00:00:00.000Z', token: 't' };
    writeFileSync(lockFile(setup), JSON.stringify(record));
    const refused = openMetaDatabase({ warehouse: setup.warehouse, env: {} });
    await expect(refused).rejects.toThrow(
      /META_LOCKED.*another host \(elsewhere\.example\).*pid 1 on elsewhere\.example, since 2026-01-01T00:00:00\.000Z/,
    );
  });
});
