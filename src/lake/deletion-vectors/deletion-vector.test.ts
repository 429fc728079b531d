import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, openStore, type ObjectStore } from '../../storage/index.js';
import type { DeletionVectorDescriptor } from '../log/actions.js';
import {
  deletionVectorId,
  encodeDeletionVectorBitmap,
  inlineDeletionVector,
  readDeletionVector,
  relativeDeletionVectorKey,
  writeDeletionVectorFile,
} from './deletion-vector.js';
import { DeletionVectorError } from '../errors.js';
import { decodeZ85, encodeZ85 } from './z85.js';
import { GOLDEN } from '../../../test/support/golden-tables.js';

const uuidBytes = (uuid: string): Uint8Array => new Uint8Array(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
let memoryCount = 0;
const memoryStore = (): MemoryStore => new MemoryStore(`memory://dv-test-${++memoryCount}`);

describe('Z85', () => {
  it('matches the ZeroMQ RFC 32 test vector', () => {
    const bytes = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
    expect(encodeZ85(bytes)).toBe('HelloWorld');
    expect(decodeZ85('HelloWorld')).toEqual(bytes);
  });

  it('encodes UUIDs as Delta kernels do', () => {
    expect(encodeZ85(uuidBytes('550e8400-e29b-41d4-a716-446655440000'))).toBe('rsTVZ&*Sl-RXRWjryu/!');
    expect(encodeZ85(uuidBytes('123e4567-e89b-12d3-a456-426614174000'))).toBe('5<w-%>:JjlQ/G/]6C<1m');
  });

  it('pads to whole groups and cuts back to the given length', () => {
    for (let length = 0; length < 12; length++) {
      const bytes = new Uint8Array(Array.from({ length }, (_, i) => (i * 97 + 13) % 256));
      const text = encodeZ85(bytes);
      expect(text.length).toBe(Math.ceil(length / 4) * 5);
      expect(decodeZ85(text, length)).toEqual(bytes);
    }
    expect(decodeZ85(encodeZ85(new Uint8Array([255, 255, 255, 255])))).toEqual(new Uint8Array([255, 255, 255, 255]));
  });

  it('refuses bad lengths, characters and group values', () => {
    expect(() => decodeZ85('Hello')).not.toThrow();
    expect(() => decodeZ85('Hell')).toThrow(/multiple of 5/);
    expect(() => decodeZ85('Hell"')).toThrow(/Invalid Z85 character "\\"" at position 4/);
    expect(() => decodeZ85('HelloWorld', 3)).toThrow(/cannot be cut to 3 bytes/);
    expect(() => decodeZ85('#####')).toThrow(/exceeds 32 bits/);
    expect(() => decodeZ85('Hell\u00e9')).toThrow(DeletionVectorError);
  });
});

describe('descriptors', () => {
  const relative: DeletionVectorDescriptor = {
    storageType: 'u',
    pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^',
    offset: 4,
    sizeInBytes: 40,
    cardinality: 6,
  };

  it('derive the file of a u descriptor, with and without a random prefix (PROTOCOL.md example 1)', () => {
    expect(relativeDeletionVectorKey(relative)).toBe('ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin');
    expect(relativeDeletionVectorKey({ ...relative, pathOrInlineDv: '5<w-%>:JjlQ/G/]6C<1m' })).toBe(
      'deletion_vector_123e4567-e89b-12d3-a456-426614174000.bin',
    );
    expect(() => relativeDeletionVectorKey({ ...relative, pathOrInlineDv: 'short' })).toThrow(/20-character Z85 UUID/);
  });

  it('that name no file are refused before any read', async () => {
    const store = memoryStore();
    await expect(readDeletionVector({ ...relative, pathOrInlineDv: 'ab' }, store)).rejects.toThrow(
      /is not a 'u' descriptor ending in a 20-character Z85 UUID\.$/,
    );
    await expect(readDeletionVector({ ...relative, pathOrInlineDv: 'ab"-aqEH.-t@S}K{vb[*k^' }, store)).rejects.toThrow(
      /\(descriptor\) names no readable file: Invalid Z85 character/,
    );
    await expect(
      readDeletionVector({ ...relative, storageType: 'p', pathOrInlineDv: 'nope://bucket/x.bin' }, store),
    ).rejects.toThrow(/No object store handles "nope:\/\/"/);
    const unknown = { ...relative, storageType: 'x' } as unknown as DeletionVectorDescriptor;
    await expect(readDeletionVector(unknown, store)).rejects.toThrow(/unknown storageType "x"/);
  });

  it('have the protocol uniqueId as their id', () => {
    expect(deletionVectorId(relative)).toBe('uab^-aqEH.-t@S}K{vb[*k^@4');
    expect(deletionVectorId({ storageType: 'i', pathOrInlineDv: 'abcde', sizeInBytes: 4, cardinality: 1 })).toBe(
      'iabcde',
    );
    expect(
      deletionVectorId({ storageType: 'i', pathOrInlineDv: 'abcde', offset: null, sizeInBytes: 4, cardinality: 1 }),
    ).toBe('iabcde');
  });
});

describe('inline deletion vectors', () => {
  // PROTOCOL.md example 3 as corrected in delta-io/delta#3063: the published text has the
  // magic number big-endian ("wi5b=..."), which no Delta implementation accepts.
  const corrected = '^Bg9^0rr910000000000iXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L';

  it('read the protocol example', async () => {
    const dv: DeletionVectorDescriptor = {
      storageType: 'i',
      pathOrInlineDv: corrected,
      sizeInBytes: 44,
      cardinality: 6,
    };
    expect(await readDeletionVector(dv, memoryStore())).toEqual([3, 4, 7, 11, 18, 29]);
    const published = { ...dv, pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L', sizeInBytes: 40 };
    await expect(readDeletionVector(published, memoryStore())).rejects.toThrow(
      /Bad deletion vector magic number 3503503716/,
    );
  });

  it('are written byte for byte as the protocol example', async () => {
    const dv = inlineDeletionVector([3, 4, 7, 11, 18, 29]);
    expect(dv).toEqual({ storageType: 'i', pathOrInlineDv: corrected, sizeInBytes: 44, cardinality: 6 });
  });

  it('round-trip sizes that are not a multiple of 4', async () => {
    for (const rows of [[], [5], [1, 2, 3], [0, 2 ** 32 + 9, 2 ** 40]]) {
      const dv = inlineDeletionVector(rows);
      expect(await readDeletionVector(dv, memoryStore())).toEqual(rows);
    }
  });

  it('must hold as many rows as the descriptor says', async () => {
    const dv = { ...inlineDeletionVector([1, 2, 3]), cardinality: 4 };
    await expect(readDeletionVector(dv, memoryStore())).rejects.toThrow(
      /\(inline\) holds 3 row indexes but its descriptor says cardinality 4/,
    );
  });
});

describe('deletion vector files', () => {
  const many = [
    ...Array.from({ length: 5000 }, (_, i) => i * 3), // a bitmap container
    ...Array.from({ length: 70000 }, (_, i) => 100_000 + i), // runs
    2 ** 32 + 1,
    2 ** 33 + 5, // further high keys
  ];

  it('are written as version byte, big-endian size, bitmap and CRC-32, and read back', async () => {
    const store = memoryStore();
    const dv = await writeDeletionVectorFile(store, many);
    expect(dv).toMatchObject({ storageType: 'u', offset: 1, cardinality: many.length });
    expect(dv.pathOrInlineDv).toHaveLength(20);
    const file = await store.get(relativeDeletionVectorKey(dv));
    expect(file[0]).toBe(1);
    expect(new DataView(file.buffer, file.byteOffset).getUint32(1)).toBe(dv.sizeInBytes);
    expect(file.length).toBe(1 + 4 + dv.sizeInBytes + 4);
    expect(file.subarray(5, 5 + dv.sizeInBytes)).toEqual(encodeDeletionVectorBitmap(many));
    expect(await readDeletionVector(dv, store)).toEqual(many);
  });

  it('go under the random prefix directory', async () => {
    const store = memoryStore();
    const dv = await writeDeletionVectorFile(store, [7], { prefix: 'x9' });
    expect(dv.pathOrInlineDv.startsWith('x9')).toBe(true);
    expect(relativeDeletionVectorKey(dv)).toMatch(/^x9\/deletion_vector_[0-9a-f-]{36}\.bin$/);
    expect(await readDeletionVector(dv, store)).toEqual([7]);
    await expect(writeDeletionVectorFile(store, [7], { prefix: '../x' })).rejects.toThrow(/letters and digits only/);
  });

  describe('with p (absolute path) descriptors', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(tmpdir(), 'strata-dv-'));
      await fs.mkdir(path.join(dir, 'table'));
      await fs.mkdir(path.join(dir, 'elsewhere dir'));
    });
    afterAll(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('resolve paths inside the table, outside it, and in the Hadoop file:/ form', async () => {
      const table = openStore(path.join(dir, 'table'));
      const other = openStore(path.join(dir, 'elsewhere dir'));
      const inside = await writeDeletionVectorFile(table, [1, 2]);
      const outside = await writeDeletionVectorFile(other, [3, 4, 5]);
      const insideUrl = table.url(relativeDeletionVectorKey(inside));
      const outsideUrl = other.url(relativeDeletionVectorKey(outside));
      expect(outsideUrl).toContain('elsewhere%20dir');
      expect(await readDeletionVector({ ...inside, storageType: 'p', pathOrInlineDv: insideUrl }, table)).toEqual([
        1, 2,
      ]);
      expect(await readDeletionVector({ ...outside, storageType: 'p', pathOrInlineDv: outsideUrl }, table)).toEqual([
        3, 4, 5,
      ]);
      const hadoop = outsideUrl.replace(/^file:\/\/\//, 'file:/');
      expect(await readDeletionVector({ ...outside, storageType: 'p', pathOrInlineDv: hadoop }, table)).toEqual([
        3, 4, 5,
      ]);
      expect(pathToFileURL(path.join(dir, 'table')).href).toBe(table.root);
    });
  });

  describe('that are damaged', () => {
    let store: ObjectStore;
    let dv: DeletionVectorDescriptor;
    let key: string;
    let bytes: Uint8Array;
    const damage = async (change: (copy: Uint8Array) => Uint8Array | void): Promise<void> => {
      const copy = new Uint8Array(bytes);
      await store.put(key, change(copy) ?? copy);
    };
    beforeAll(async () => {
      store = memoryStore();
      dv = await writeDeletionVectorFile(store, [2, 3, 5, 7, 11]);
      key = relativeDeletionVectorKey(dv);
      bytes = await store.get(key);
    });

    it('fail their checksum, naming the file and the descriptor', async () => {
      await damage((copy) => {
        copy[20] = (copy[20] ?? 0) ^ 0x40;
      });
      const error = await readDeletionVector(dv, store).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(DeletionVectorError);
      expect((error as DeletionVectorError).message).toMatch(
        /fails its checksum: stored CRC-32 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/,
      );
      expect((error as DeletionVectorError).message).toContain(store.url(key));
      expect((error as DeletionVectorError).details).toEqual({
        descriptor: deletionVectorId(dv),
        location: store.url(key),
      });
    });

    it('are truncated', async () => {
      await damage((copy) => copy.subarray(0, copy.length - 2));
      await expect(readDeletionVector(dv, store)).rejects.toThrow(/is truncated: \d+ bytes expected from byte 0/);
    });

    it('have another size, version or magic number than expected', async () => {
      await damage((copy) => {
        copy[0] = 2;
      });
      await expect(readDeletionVector(dv, store)).rejects.toThrow(/format version 2; only version 1/);
      await damage(() => undefined);
      await expect(readDeletionVector({ ...dv, sizeInBytes: dv.sizeInBytes - 1 }, store)).rejects.toThrow(
        /stored size of \d+ bytes at offset 1/,
      );
      // A valid frame (right size and CRC) around a bitmap of the wrong format.
      const data = encodeDeletionVectorBitmap([2, 3, 5, 7, 11]);
      data[0] = 0xd0;
      const file = Buffer.alloc(1 + 4 + data.length + 4);
      file[0] = 1;
      file.writeUInt32BE(data.length, 1);
      file.set(data, 5);
      const { crc32 } = await import('node:zlib');
      file.writeUInt32BE(crc32(data), 5 + data.length);
      await store.put(key, file);
      await expect(readDeletionVector(dv, store)).rejects.toThrow(
        /cannot be decoded: Bad deletion vector magic number/,
      );
    });

    it('are missing', async () => {
      await store.delete(key);
      const error = await readDeletionVector(dv, store).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(DeletionVectorError);
      expect((error as Error).message).toMatch(/cannot be read: No object at memory:\/\/.*\.bin\./);
      expect((error as Error).cause).toBeInstanceOf(Error);
    });
  });
});

/** Every deletion vector descriptor in the JSON commits of the golden tables (written by Spark). */
function goldenDescriptors(): { table: string; dv: DeletionVectorDescriptor }[] {
  const found: { table: string; dv: DeletionVectorDescriptor }[] = [];
  for (const name of readdirSync(GOLDEN)) {
    const table = path.join(GOLDEN, name, 'delta');
    const log = path.join(table, '_delta_log');
    if (!existsSync(log)) continue;
    for (const file of readdirSync(log).filter((f) => f.endsWith('.json'))) {
      for (const line of readFileSync(path.join(log, file), 'utf8').split('\n')) {
        if (!line.includes('deletionVector')) continue;
        const action = JSON.parse(line) as {
          add?: { deletionVector?: DeletionVectorDescriptor | null };
          remove?: { deletionVector?: DeletionVectorDescriptor | null };
        };
        const dv = action.add?.deletionVector ?? action.remove?.deletionVector;
        if (dv) found.push({ table, dv });
      }
    }
  }
  return found;
}

describe('deletion vectors written by Spark (delta-golden)', () => {
  it('decode with the cardinality of their descriptor into sorted, distinct row indexes', async () => {
    const descriptors = goldenDescriptors();
    expect(descriptors.length).toBeGreaterThan(0);
    for (const { table, dv } of descriptors) {
      const store = openStore(table);
      const rows = await readDeletionVector(dv, store);
      expect(rows.length, deletionVectorId(dv)).toBe(dv.cardinality);
      rows.forEach((row, i) => {
        expect(Number.isInteger(row) && row >= 0 && row < 2 ** 31).toBe(true);
        if (i > 0) expect(row).toBeGreaterThan(rows[i - 1] ?? -1);
      });
      // Our writer produces the very bytes Spark wrote for the same rows.
      if (dv.storageType === 'u') {
        const stored = await store.getRange(relativeDeletionVectorKey(dv), (dv.offset ?? 0) + 4, dv.sizeInBytes);
        expect(Buffer.from(encodeDeletionVectorBitmap(rows)).equals(Buffer.from(stored)), deletionVectorId(dv)).toBe(
          true,
        );
      }
    }
  });
});
