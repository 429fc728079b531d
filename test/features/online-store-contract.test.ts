/**
 * The OnlineStore contract, run against every built-in store (helpers/online-stores.ts):
 * value round trips, many keys, the newest-wins rule, watermarks, statuses at the TTL
 * edges, deletes and expiry. The multi-process cases (concurrent writers, SIGKILL) are in
 * online-store-processes.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import {
  FeatureStatus,
  OnlineStoreClosedError,
  OnlineStoreInvalidError,
  OnlineWatermarkConflictError,
  readOnlineFeatures,
  type FeatureValue,
  type OnlineRow,
  type OnlineStore,
} from '../../src/features/online/index.js';
import { STORE_KINDS, reportMissing, type StoreSetup } from './helpers/online-stores.js';

const T0 = Date.UTC(2026, 0, 1) * 1000; // µs
const HOUR = 3_600_000_000; // µs
const row = (id: number | string, eventTime: number, values: Record<string, FeatureValue>, createdTime?: number) =>
  ({ key: { id }, eventTime, values, ...(createdTime === undefined ? {} : { createdTime }) }) satisfies OnlineRow;

describe.each(STORE_KINDS)('OnlineStore contract: $name', (kind) => {
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

  const readOne = async (view: string, id: number | string) => (await store.read([{ view, keys: [{ id }] }]))[0]![0];

  it('round-trips every value type, int64 beyond 2^53 included', async () => {
    const values: Record<string, FeatureValue> = {
      int32: -2_147_483_648,
      int64_max: 2n ** 63n - 1n,
      int64_min: -(2n ** 63n),
      int64_small: 5n,
      double: 0.1 + 0.2,
      big_double: 1.7976931348623157e308,
      neg_zero: -0,
      nan: NaN,
      inf: -Infinity,
      text: 'naïve | "quoted" \n {"i":"1"} 🚀',
      empty: '',
      yes: true,
      no: false,
      when: new Date(Date.UTC(2026, 5, 30, 12, 0, 0, 123)),
      missing: null,
      bytes: new Uint8Array([0, 255, 7]),
      doubles: [1.5, null, -2],
      nested: [[1n, 2n ** 60n], ['a'], []],
    };
    await store.write('types', [row(1, T0, values, T0 + 5)]);
    const stored = await readOne('types', 1);
    expect(stored?.eventTime).toBe(T0);
    expect(stored?.createdTime).toBe(T0 + 5);
    expect(stored?.values).toEqual(values);
    expect(Object.is(stored?.values.neg_zero, -0)).toBe(true);
    expect(typeof stored?.values.int64_small).toBe('bigint');
    expect(typeof stored?.values.int32).toBe('number');
  });

  it('reads many keys of several views in one call, in request order, typed keys kept apart', async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => i);
    await store.write(
      'a',
      ids.map((i) => row(i, T0 + i, { x: i * 2 })),
    );
    await store.write('b', [row('7', T0, { y: 'string seven' }), row(7, T0, { y: 'int seven' })]);
    await store.write('b', [{ key: { id: 2n ** 62n, region: 'EU' }, eventTime: T0, values: { y: 'big' } }]);
    const wanted = [...ids].reverse().concat([5000]);
    const [a, b] = await store.read([
      { view: 'a', keys: wanted.map((id) => ({ id })) },
      { view: 'b', keys: [{ id: 7n }, { id: '7' }, { region: 'EU', id: 2n ** 62n }, { id: 8 }] },
    ]);
    expect(a!.map((r) => r?.values.x)).toEqual(wanted.map((id) => (id < 3000 ? id * 2 : undefined)));
    expect(b!.map((r) => r?.values.y)).toEqual(['int seven', 'string seven', 'big', undefined]);
  });

  it('never lets an older row overwrite a newer one; a same batch twice changes nothing', async () => {
    expect(await store.write('v', [row(1, T0 + 10, { x: 'new' }, 5)])).toEqual({ written: 1, skipped: 0 });
    expect(await store.write('v', [row(1, T0 + 9, { x: 'older event' }, 99)])).toEqual({ written: 0, skipped: 1 });
    expect(await store.write('v', [row(1, T0 + 10, { x: 'older created' }, 4)])).toEqual({ written: 0, skipped: 1 });
    expect(await store.write('v', [row(1, T0 + 10, { x: 'same times' }, 5)])).toEqual({ written: 0, skipped: 1 });
    expect((await readOne('v', 1))?.values.x).toBe('new');
    expect(await store.write('v', [row(1, T0 + 10, { x: 'correction' }, 6)])).toEqual({ written: 1, skipped: 0 });
    expect((await readOne('v', 1))?.values.x).toBe('correction');

    // Several rows of one key in one batch, in any order: the newest stays.
    const batch = [row(2, T0 + 3, { x: 3 }), row(2, T0 + 7, { x: 7 }), row(2, T0 + 5, { x: 5 }), row(3, T0, { x: 0 })];
    expect(await store.write('v', batch)).toEqual({ written: 3, skipped: 1 });
    expect(await store.write('v', batch)).toEqual({ written: 0, skipped: 4 });
    expect((await readOne('v', 2))?.values.x).toBe(7);
    expect((await readOne('v', 2))?.eventTime).toBe(T0 + 7);
  });

  it('keeps a watermark per view, moved with its batch, compare-and-set when asked', async () => {
    expect(await store.watermark('w')).toBeNull();
    await store.write('w', [row(1, T0, { x: 1 })], { watermark: { expected: null, next: 3 } });
    expect(await store.watermark('w')).toBe(3);
    expect(await store.watermark('other')).toBeNull();

    // A materializer that read an old watermark loses, and its batch is not applied.
    const stale = store.write('w', [row(1, T0 + 1, { x: 2 }), row(9, T0, { x: 9 })], {
      watermark: { expected: 2, next: 4 },
    });
    await expect(stale).rejects.toBeInstanceOf(OnlineWatermarkConflictError);
    await expect(stale).rejects.toMatchObject({ category: 'conflict', details: { expected: 2, found: 3 } });
    expect(await store.watermark('w')).toBe(3);
    expect((await readOne('w', 1))?.values.x).toBe(1);
    expect(await readOne('w', 9)).toBeUndefined();

    // Without `expected` the watermark only moves forward; an empty batch can move it.
    await store.write('w', [], { watermark: { next: 2 } });
    expect(await store.watermark('w')).toBe(3);
    await store.write('w', [], { watermark: { expected: 3, next: 7 } });
    expect(await store.watermark('w')).toBe(7);
    await expect(store.write('w', [], { watermark: { next: -1 } })).rejects.toBeInstanceOf(OnlineStoreInvalidError);
  });

  it('writes a batch larger than a chunk (Redis: several scripts) with its watermark after its rows', async () => {
    const chunked = setup.open({ chunkRows: 7 });
    try {
      const batch = Array.from({ length: 100 }, (_, id) => row(id, T0 + id, { x: id }));
      expect(await chunked.write('c', batch, { watermark: { expected: null, next: 1 } })).toEqual({
        written: 100,
        skipped: 0,
      });
      expect(await chunked.write('c', batch, { watermark: { expected: 1, next: 2 } })).toEqual({
        written: 0,
        skipped: 100,
      });
      expect(await store.watermark('c')).toBe(2);
      const [rows] = await store.read([{ view: 'c', keys: batch.map((r) => r.key) }]);
      expect(rows!.map((r) => r?.values.x)).toEqual(batch.map((r) => r.values.x));
    } finally {
      await chunked.close();
    }
  });

  it('refuses a batch with an unusable key or value whole, naming it', async () => {
    const bad = store.write('bad', [row(1, T0, { x: 1 }), { key: { id: 1.5 }, eventTime: T0, values: {} }]);
    await expect(bad).rejects.toBeInstanceOf(OnlineStoreInvalidError);
    await expect(bad).rejects.toThrow(/id/);
    const object = { key: { id: 2 }, eventTime: T0, values: { meta: {} as unknown as FeatureValue } };
    await expect(store.write('bad', [row(1, T0, { x: 1 }), object])).rejects.toThrow(/meta/);
    await expect(store.write('bad', [row(1, T0 + 0.5, { x: 1 })])).rejects.toThrow(/eventTime/);
    await expect(store.write('bad view', [row(1, T0, { x: 1 })])).rejects.toBeInstanceOf(OnlineStoreInvalidError);
    expect(await readOne('bad', 1)).toBeUndefined();
    // Long keys: Redis takes them; LMDB's key limit makes the embedded store refuse them as bad keys.
    const long = store.write('bad', [row('k'.repeat(3000), T0, { x: 1 })]);
    if (kind.name === 'lmdb') await expect(long).rejects.toThrow(/too long for the embedded online store/);
    else expect(await long).toEqual({ written: 1, skipped: 0 });
  });

  it('gives per-value statuses with event times, TTL edges inside, at the injected clock', async () => {
    const clock = new ManualClock(T0 / 1000);
    const ttlMs = 3_600_000;
    await store.write('s', [
      row(1, T0 - HOUR, { a: 1, b: null }), // exactly ttl old: still inside
      row(2, T0 - HOUR - 1, { a: 2, b: 2 }), // 1 µs past the ttl
      row(3, T0 + HOUR, { a: 3 }), // after the clock: served; no b in this row
    ]);
    await store.write('t', [row(2, T0 - 100 * HOUR, { c: 'old but no ttl' })]);
    const read = () =>
      readOnlineFeatures(
        store,
        {
          entityRows: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 2 }],
          views: [
            { view: 's', joinKeys: ['id'], features: ['a', 'b'], ttlMs },
            { view: 't', joinKeys: ['id'], features: ['c'] },
          ],
        },
        clock,
      );
    const [a, b, c] = await read();
    const { PRESENT, NOT_FOUND, NULL_VALUE, OUTSIDE_MAX_AGE } = FeatureStatus;
    expect(a).toEqual({
      view: 's',
      feature: 'a',
      values: [1, null, 3, null, null],
      statuses: [PRESENT, OUTSIDE_MAX_AGE, PRESENT, NOT_FOUND, OUTSIDE_MAX_AGE],
      eventTimes: [T0 - HOUR, T0 - HOUR - 1, T0 + HOUR, null, T0 - HOUR - 1],
    });
    expect(b!.statuses).toEqual([NULL_VALUE, OUTSIDE_MAX_AGE, NOT_FOUND, NOT_FOUND, OUTSIDE_MAX_AGE]);
    expect(b!.eventTimes).toEqual([T0 - HOUR, T0 - HOUR - 1, T0 + HOUR, null, T0 - HOUR - 1]);
    expect(c!.statuses).toEqual([NOT_FOUND, PRESENT, NOT_FOUND, NOT_FOUND, PRESENT]);

    const [inherited] = await readOnlineFeatures(
      store,
      { entityRows: [{ id: 1 }], views: [{ view: 's', joinKeys: ['id'], features: ['toString'] }] },
      clock,
    );
    expect(inherited!.statuses).toEqual([NOT_FOUND]); // a name objects inherit is no stored feature

    clock.advance(1); // one millisecond later row 1 is past its TTL too
    const [later] = await read();
    expect(later!.statuses.slice(0, 3)).toEqual([OUTSIDE_MAX_AGE, OUTSIDE_MAX_AGE, PRESENT]);
    await expect(
      readOnlineFeatures(store, {
        entityRows: [{ other: 1 }],
        views: [{ view: 's', joinKeys: ['id'], features: ['a'] }],
      }),
    ).rejects.toThrow(/Entity row 0 has no value for join key id/);
  });

  it('deletes keys, expires rows older than a time, drops a view with its watermark', async () => {
    await store.write('d', [row(1, T0, { x: 1 }), row(2, T0 + 10, { x: 2 }), row(3, T0 + 20, { x: 3 })], {
      watermark: { next: 1 },
    });
    await store.write('keep', [row(1, T0, { x: 1 })]);
    expect(await store.delete('d', [{ id: 1 }, { id: 99 }])).toBe(1);
    expect(await store.expire('d', T0 + 20)).toBe(1);
    expect(
      (await store.read([{ view: 'd', keys: [{ id: 1 }, { id: 2 }, { id: 3 }] }]))[0]!.map((r) => r?.values.x),
    ).toEqual([undefined, undefined, 3]);
    // A deleted key takes any row again, even an old one.
    await store.write('d', [row(1, T0 - 1, { x: 'again' })]);
    expect((await readOne('d', 1))?.values.x).toBe('again');
    await store.dropView('d');
    expect(await store.watermark('d')).toBeNull();
    expect(await readOne('d', 3)).toBeUndefined();
    expect((await readOne('keep', 1))?.values.x).toBe(1);
  });

  it('sees what another connection to the same store wrote; refuses use after close', async () => {
    const other = setup.open();
    try {
      await other.write('shared', [row(1, T0, { x: 'from other' })]);
      expect((await readOne('shared', 1))?.values.x).toBe('from other');
    } finally {
      await other.close();
    }
    await store.close();
    await expect(store.read([{ view: 'shared', keys: [{ id: 1 }] }])).rejects.toBeInstanceOf(OnlineStoreClosedError);
  });
});
