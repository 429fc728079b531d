import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { openStore } from '../../storage/index.js';
import { DELETION_VECTOR_MAGIC, readDeletionVector, relativeDeletionVectorKey } from './deletion-vector.js';
import { mergedDeletedRows, writeDeletionVectors } from './deletion-vector-writer.js';

describe('writing the deletion vectors of a commit', () => {
  it('puts every DV into one file: version byte, then size, bitmap and CRC-32 per DV at its offset', async () => {
    const store = openStore(`memory://dv-writer-${Date.now()}`);
    const rows = [[0, 5, 9], [70000, 70001], [3]];
    const descriptors = await writeDeletionVectors(store, rows);
    expect(descriptors.map((d) => d.storageType)).toEqual(['u', 'u', 'u']);
    expect(new Set(descriptors.map((d) => d.pathOrInlineDv)).size).toBe(1);
    expect(descriptors.map((d) => d.cardinality)).toEqual([3, 2, 1]);
    const key = relativeDeletionVectorKey(descriptors[0]!);
    expect(key).toMatch(/^deletion_vector_[0-9a-f-]{36}\.bin$/);
    expect((await store.list('')).map((o) => o.key)).toEqual([key]);

    const file = await store.get(key);
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    expect(file[0]).toBe(1);
    let offset = 1;
    for (const dv of descriptors) {
      expect(dv.offset).toBe(offset);
      const size = view.getUint32(offset);
      expect(size).toBe(dv.sizeInBytes);
      const data = file.subarray(offset + 4, offset + 4 + size);
      expect(new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true)).toBe(DELETION_VECTOR_MAGIC);
      expect(view.getUint32(offset + 4 + size)).toBe(crc32(data));
      offset += 4 + size + 4;
    }
    expect(offset).toBe(file.length);
    for (const [i, dv] of descriptors.entries()) expect(await readDeletionVector(dv, store)).toEqual(rows[i]);
  });

  it('writes nothing for no DVs', async () => {
    const store = openStore(`memory://dv-writer-empty-${Date.now()}`);
    expect(await writeDeletionVectors(store, [])).toEqual([]);
    expect(await store.list('')).toEqual([]);
  });

  it('merges newly deleted rows into a file existing DV, sorted and without duplicates', async () => {
    const store = openStore(`memory://dv-writer-merge-${Date.now()}`);
    const [existing] = await writeDeletionVectors(store, [[2, 8, 100]]);
    expect(await mergedDeletedRows(store, existing, [50, 1, 8])).toEqual([1, 2, 8, 50, 100]);
    expect(await mergedDeletedRows(store, undefined, [4, 3])).toEqual([3, 4]);
  });
});
