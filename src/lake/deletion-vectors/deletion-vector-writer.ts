/**
 * Writing the deletion vectors of one commit (PROTOCOL.md, "Deletion Vector Format"):
 * every DV of the commit goes into ONE file, as Delta does per task — the version byte,
 * then per DV its size (uint32 BE), the magic-prefixed 64-bit RoaringBitmap and its
 * CRC-32 (uint32 BE). Each descriptor is `u` (relative to the table, named by a Z85
 * UUID) with the offset of its size field, so Spark and every spec reader find it.
 */
import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { ObjectStore } from '../../storage/index.js';
import type { DeletionVectorDescriptor } from '../log/actions.js';
import { encodeDeletionVectorBitmap, readDeletionVector, relativeDeletionVectorKey } from './deletion-vector.js';
import { encodeZ85 } from './z85.js';

const FILE_FORMAT_VERSION = 1;

/** Writes the DVs (each sorted, distinct row indexes) into one new file; descriptors in the same order. */
export async function writeDeletionVectors(
  store: ObjectStore,
  rowIndexes: ReadonlyArray<ArrayLike<number>>,
): Promise<DeletionVectorDescriptor[]> {
  if (rowIndexes.length === 0) return [];
  const bitmaps = rowIndexes.map((rows) => encodeDeletionVectorBitmap(rows));
  const total = 1 + bitmaps.reduce((n, b) => n + 4 + b.length + 4, 0);
  const file = new Uint8Array(total);
  const view = new DataView(file.buffer);
  file[0] = FILE_FORMAT_VERSION;
  const id = encodeZ85(Buffer.from(randomUUID().replace(/-/g, ''), 'hex'));
  const descriptors: DeletionVectorDescriptor[] = [];
  let offset = 1;
  bitmaps.forEach((data, i) => {
    view.setUint32(offset, data.length);
    file.set(data, offset + 4);
    view.setUint32(offset + 4 + data.length, crc32(data));
    const rows = rowIndexes[i]!;
    descriptors.push({
      storageType: 'u',
      pathOrInlineDv: id,
      offset,
      sizeInBytes: data.length,
      cardinality: rows.length,
    });
    offset += 4 + data.length + 4;
  });
  await store.put(relativeDeletionVectorKey(descriptors[0]!), file);
  return descriptors;
}

/** The rows a file's new DV must hold: those of its current DV (if any) and the newly deleted ones. */
export async function mergedDeletedRows(
  store: ObjectStore,
  current: DeletionVectorDescriptor | null | undefined,
  added: readonly number[],
): Promise<number[]> {
  const existing = current ? await readDeletionVector(current, store) : [];
  return sortedUnion(existing, added);
}

function sortedUnion(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  const push = (v: number) => {
    if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  };
  const sortedB = [...b].sort((x, y) => x - y);
  while (i < a.length || j < sortedB.length) {
    if (j >= sortedB.length || (i < a.length && a[i]! <= sortedB[j]!)) push(a[i++]!);
    else push(sortedB[j++]!);
  }
  return out;
}
