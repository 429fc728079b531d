/**
 * The OnlineStore contract across processes, against every built-in store: two writer
 * processes racing on the same keys leave the newest row of each key, and a writer
 * SIGKILLed in the middle of large batches loses nothing it had committed.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OnlineRow, OnlineStore } from '../../src/features/online/index.js';
import { seedFrom } from '../support/random.js';
import { STORE_KINDS, reportMissing, type StoreSetup } from './helpers/online-stores.js';
import { raceRound } from './helpers/online-writer-rows.js';

const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'online-writer.ts');

function startWriter(setup: StoreSetup, args: ReadonlyArray<string | number>) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      WRITER,
      String(args[0]),
      setup.url,
      JSON.stringify(setup.options),
      ...args.slice(1).map(String),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => out, errors: () => err };
}

describe.each(STORE_KINDS)('OnlineStore across processes: $name', (kind) => {
  if (reportMissing(kind)) return;
  let setup: StoreSetup;
  let store: OnlineStore;
  beforeEach(() => {
    setup = kind.create();
    store = setup.open();
  });
  afterEach(async () => {
    await store.close();
    setup.dispose();
  });

  it('two processes writing the same keys with different times: the newest row of each key wins', async () => {
    const seed = seedFrom('STRATA_ONLINE_RACE_SEED');
    console.log(`online race seed ${seed} (replay with STRATA_ONLINE_RACE_SEED=${seed})`);
    const [rounds, keys] = [30, 200];
    const writers = [0, 1].map((writer) => startWriter(setup, ['race', 'race', seed, writer, rounds, keys]));
    for (const writer of writers) {
      const status = await writer.exited;
      expect({ ...status, errors: writer.errors() }).toEqual({ code: 0, signal: null, errors: '' });
    }
    const all: OnlineRow[] = [0, 1].flatMap((w) =>
      Array.from({ length: rounds }, (_, r) => raceRound(seed, w, r, keys)).flat(),
    );
    const [stored] = await store.read([{ view: 'race', keys: Array.from({ length: keys }, (_, id) => ({ id })) }]);
    for (let id = 0; id < keys; id++) {
      const candidates = all.filter((row) => row.key.id === id);
      const newest = candidates.reduce((a, b) =>
        b.eventTime > a.eventTime || (b.eventTime === a.eventTime && b.createdTime! > a.createdTime!) ? b : a,
      );
      const got = stored![id]!;
      expect([id, got.eventTime, got.createdTime], `seed ${seed}`).toEqual([id, newest.eventTime, newest.createdTime]);
      // On a full tie either writer may have been first; the value is one of the newest rows.
      const tied = candidates.filter((r) => r.eventTime === got.eventTime && r.createdTime === got.createdTime);
      expect(
        tied.map((r) => r.values),
        `seed ${seed}`,
      ).toContainEqual(got.values);
    }
  });

  it('a writer SIGKILLed in the middle of large batches loses nothing it committed', async () => {
    const keys = 3000;
    const writer = startWriter(setup, ['kill', 'big', keys, 1000]);
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (/committed 3\n/.test(writer.output())) {
          clearInterval(check);
          resolve();
        }
      }, 5);
      void writer.exited.then(() => {
        clearInterval(check);
        reject(new Error(`writer exited before being killed: ${writer.errors()}`));
      });
    });
    writer.child.kill('SIGKILL');
    expect((await writer.exited).signal).toBe('SIGKILL');
    const committed = Math.max(...[...writer.output().matchAll(/committed (\d+)/g)].map((m) => Number(m[1])));

    const watermark = (await store.watermark('big'))!;
    expect(watermark).toBeGreaterThanOrEqual(committed);
    const [rows] = await store.read([{ view: 'big', keys: Array.from({ length: keys }, (_, id) => ({ id })) }]);
    const batches = rows!.map((row) => row?.values.batch as number);
    expect(Math.min(...batches)).toBeGreaterThanOrEqual(watermark);
    // lmdb: a batch and its watermark are one transaction, so the rows are exactly at the watermark.
    if (kind.name === 'lmdb') expect(new Set(batches)).toEqual(new Set([watermark]));
    else expect(Math.max(...batches)).toBeLessThanOrEqual(watermark + 1);
  });
});
