/**
 * The embedded online store: one LMDB environment (the `lmdb` package), by default under
 * the warehouse at `<warehouse>/online/`. LMDB's own lock file makes it safe for several
 * processes at once: one writer at a time, readers never blocked.
 *
 * Atomicity: a whole write (every row's compare-and-set and the watermark step) is one
 * LMDB transaction, so after a crash either all of it is there or none of it.
 *
 * Layout of the one database (string keys and values): `r\0VIEW\0ENTITYKEY` → row
 * (row-codec), `w\0VIEW` → watermark as a decimal string.
 */
import { open, type RootDatabase } from 'lmdb';
import { checkViewName, encodeEntityKey, type EntityKey } from './entity-key.js';
import { OnlineStoreClosedError, OnlineStoreInvalidError, OnlineWatermarkConflictError } from './online-errors.js';
import type { OnlineRow, OnlineStore, StoredRow, ViewKeys, WriteOptions, WriteResult } from './online-store.js';
import { decodeRow, encodeRow, isNewer, rowTimes } from './row-codec.js';
import { checkWatermark } from './watermark.js';

const rowPrefix = (view: string) => `r\0${view}\0`;
/** LMDB refuses keys over 1978 bytes; refuse them first, as a bad key rather than a driver failure. */
const MAX_KEY_BYTES = 1978;

function rowKey(prefix: string, key: EntityKey): string {
  const encoded = prefix + encodeEntityKey(key);
  if (Buffer.byteLength(encoded) > MAX_KEY_BYTES)
    throw new OnlineStoreInvalidError(
      `An entity key of ${Buffer.byteLength(encoded)} bytes is too long for the embedded online store (at most ${MAX_KEY_BYTES} with the view name).`,
      { bytes: Buffer.byteLength(encoded) },
    );
  return encoded;
}
const watermarkKey = (view: string) => `w\0${view}`;

export class LmdbOnlineStore implements OnlineStore {
  readonly name: string;
  #db: RootDatabase<string, string> | undefined;

  constructor(path: string) {
    this.name = `lmdb:${path}`;
    // Strings in, strings out: the same stored form as Redis, no msgpack structures to share.
    this.#db = open<string, string>({ path, encoding: 'string', compression: false });
  }

  get #open(): RootDatabase<string, string> {
    if (!this.#db) throw new OnlineStoreClosedError(this.name);
    return this.#db;
  }

  async write(view: string, rows: readonly OnlineRow[], options: WriteOptions = {}): Promise<WriteResult> {
    const prefix = rowPrefix(checkViewName(view));
    // Encode (and so validate) everything before the transaction: a bad row fails the write whole.
    const encoded = rows.map((row) => [rowKey(prefix, row.key), encodeRow(row)] as const);
    const step = options.watermark && checkWatermark(options.watermark);
    const db = this.#open;
    // A child transaction: if anything throws inside, its writes are aborted (a plain
    // transaction() callback that throws would still commit what it wrote before).
    return db.childTransaction(() => {
      if (step) {
        const stored = db.get(watermarkKey(view));
        const found = stored === undefined ? null : Number(stored);
        if (step.expected !== undefined && step.expected !== found)
          throw new OnlineWatermarkConflictError(view, step.expected, found);
        if (found === null || step.next > found) db.putSync(watermarkKey(view), String(step.next));
      }
      let written = 0;
      for (const [key, row] of encoded) {
        const stored = db.get(key);
        const [event, created] = rowTimes(row);
        if (stored !== undefined && !isNewer(event, created, stored)) continue;
        db.putSync(key, row);
        written++;
      }
      return { written, skipped: encoded.length - written };
    });
  }

  // Reads are synchronous in lmdb (memory-mapped); async only to keep errors as rejections.
  async read(requests: readonly ViewKeys[]): Promise<Array<Array<StoredRow | undefined>>> {
    const db = this.#open;
    return requests.map(({ view, keys }) => {
      const prefix = rowPrefix(checkViewName(view));
      return keys.map((key) => {
        const stored = db.get(rowKey(prefix, key));
        return stored === undefined ? undefined : decodeRow(stored);
      });
    });
  }

  async watermark(view: string): Promise<number | null> {
    const stored = this.#open.get(watermarkKey(checkViewName(view)));
    return stored === undefined ? null : Number(stored);
  }

  async delete(view: string, keys: readonly EntityKey[]): Promise<number> {
    const prefix = rowPrefix(checkViewName(view));
    const encoded = keys.map((key) => rowKey(prefix, key));
    const db = this.#open;
    return db.transaction(() => encoded.filter((key) => db.removeSync(key)).length);
  }

  async expire(view: string, eventTimeBefore: number): Promise<number> {
    return this.#removeRows(view, (stored) => rowTimes(stored)[0] < eventTimeBefore);
  }

  async dropView(view: string): Promise<void> {
    await this.#removeRows(view, () => true);
    const db = this.#open;
    await db.remove(watermarkKey(view));
  }

  async #removeRows(view: string, doomed: (stored: string) => boolean): Promise<number> {
    const prefix = rowPrefix(checkViewName(view));
    const db = this.#open;
    return db.transaction(() => {
      let removed = 0;
      // End just past the prefix: '\u0001' sorts right after the '\0' that ends it.
      for (const { key, value } of db.getRange({ start: prefix, end: `${prefix.slice(0, -1)}\u0001` })) {
        if (doomed(value) && db.removeSync(key)) removed++;
      }
      return removed;
    });
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    await db?.close();
  }
}
