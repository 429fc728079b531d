/**
 * Deletion vectors as PROTOCOL.md defines them ("Deletion Vectors" and the appendix
 * "Deletion Vector Format"): the set of soft-deleted row indexes of one data file.
 *
 * - The bitmap is the magic number 1681511377 (uint32 LE) then a portable 64-bit
 *   RoaringBitmap. It is stored inline (`i`, Z85 text) or in a file: `u` names
 *   `<random prefix>/deletion_vector_<uuid>.bin` under the table root by a Z85 UUID,
 *   `p` gives an absolute URI.
 * - A DV file is a version byte (1), then per DV, at the descriptor's offset: the data
 *   size (uint32 BE), the bitmap, and its CRC-32 (uint32 BE).
 *
 * Reading guarantees: the returned row indexes are sorted and distinct, the checksum of
 * file-stored DVs matched, and their count equals the descriptor's `cardinality`;
 * anything else is a `DeletionVectorError` naming the DV, its file and what is wrong.
 */
import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { asError, isStrataError } from '../../core/index.js';
import { openStore, type ObjectStore } from '../../storage/index.js';
import type { DeletionVectorDescriptor } from '../log/actions.js';
import { DeletionVectorError } from '../errors.js';
import { deserializeRoaring64, serializeRoaring64 } from './roaring-bitmap.js';
import { decodeZ85, encodeZ85 } from './z85.js';

export const DELETION_VECTOR_MAGIC = 1681511377;
const FILE_FORMAT_VERSION = 1;
/** A UUID is 16 bytes, so 20 Z85 characters; anything before them is the random prefix. */
const UUID_Z85_LENGTH = 20;
/**
 * DVs starting this close to the file start are read together with the version byte,
 * checking it for the price of a few extra bytes instead of another request.
 */
const VERSION_CHECK_WINDOW = 64 * 1024;

/** The protocol's `uniqueId`: tells apart DVs of the same file in log reconciliation. */
export function deletionVectorId(dv: DeletionVectorDescriptor): string {
  const base = `${dv.storageType}${dv.pathOrInlineDv}`;
  return dv.offset === undefined || dv.offset === null ? base : `${base}@${dv.offset}`;
}

/** The key, relative to the table root, of the file of a `u` deletion vector. */
export function relativeDeletionVectorKey(dv: DeletionVectorDescriptor): string {
  const text = dv.pathOrInlineDv;
  if (dv.storageType !== 'u' || text.length < UUID_Z85_LENGTH) {
    throw failure(dv, 'descriptor', `is not a 'u' descriptor ending in a ${UUID_Z85_LENGTH}-character Z85 UUID`);
  }
  const hex = Buffer.from(decodeZ85(text.slice(-UUID_Z85_LENGTH))).toString('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const prefix = text.slice(0, -UUID_Z85_LENGTH);
  return `${prefix === '' ? '' : `${prefix}/`}deletion_vector_${uuid}.bin`;
}

/** Magic number + 64-bit RoaringBitmap of sorted, distinct row indexes. */
export function encodeDeletionVectorBitmap(rowIndexes: ArrayLike<number>): Uint8Array {
  const bitmap = serializeRoaring64(rowIndexes);
  const out = new Uint8Array(4 + bitmap.length);
  new DataView(out.buffer).setUint32(0, DELETION_VECTOR_MAGIC, true);
  out.set(bitmap, 4);
  return out;
}

/** The sorted row indexes of a magic-prefixed bitmap (inline or file-stored DV data). */
export function decodeDeletionVectorBitmap(bytes: Uint8Array): number[] {
  const magic = bytes.length < 4 ? undefined : new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (magic !== DELETION_VECTOR_MAGIC) {
    throw new DeletionVectorError(
      `Bad deletion vector magic number ${magic ?? '(missing)'}: expected ${DELETION_VECTOR_MAGIC} (portable RoaringBitmapArray).`,
      { magic },
    );
  }
  return deserializeRoaring64(bytes.subarray(4));
}

/** The deleted row indexes, sorted ascending. `tableRoot` resolves `p` paths inside the table. */
export async function readDeletionVector(
  dv: DeletionVectorDescriptor,
  store: ObjectStore,
  tableRoot: string = store.root,
): Promise<number[]> {
  const file = dv.storageType === 'i' ? undefined : locateFile(dv, store, tableRoot);
  const location = file === undefined ? 'inline' : file.store.url(file.key);
  const framed = file === undefined ? undefined : await readFramed(dv, file.store, file.key, location);
  let rows: number[];
  try {
    rows = decodeDeletionVectorBitmap(framed ?? decodeZ85(dv.pathOrInlineDv, dv.sizeInBytes));
  } catch (error) {
    throw failure(dv, location, `cannot be decoded: ${reasonOf(error)}`, error);
  }
  if (rows.length !== dv.cardinality) {
    throw failure(
      dv,
      location,
      `holds ${rows.length} row indexes but its descriptor says cardinality ${dv.cardinality}`,
    );
  }
  return rows;
}

/** Writes a new DV file holding one DV at offset 1; returns its `u` descriptor. */
export async function writeDeletionVectorFile(
  store: ObjectStore,
  rowIndexes: ArrayLike<number>,
  options: { prefix?: string } = {},
): Promise<DeletionVectorDescriptor> {
  const prefix = options.prefix ?? '';
  // The prefix becomes a directory name: keep it to characters no store or URL mangles.
  if (!/^[A-Za-z0-9]*$/.test(prefix)) {
    throw new DeletionVectorError(
      `Invalid deletion vector prefix ${JSON.stringify(prefix)}: use letters and digits only.`,
      { prefix },
    );
  }
  const data = encodeDeletionVectorBitmap(rowIndexes);
  const file = new Uint8Array(1 + 4 + data.length + 4);
  const view = new DataView(file.buffer);
  file[0] = FILE_FORMAT_VERSION;
  view.setUint32(1, data.length);
  file.set(data, 5);
  view.setUint32(5 + data.length, crc32(data));
  const uuid = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
  const dv: DeletionVectorDescriptor = {
    storageType: 'u',
    pathOrInlineDv: prefix + encodeZ85(uuid),
    offset: 1,
    sizeInBytes: data.length,
    cardinality: rowIndexes.length,
  };
  await store.put(relativeDeletionVectorKey(dv), file);
  return dv;
}

/** An `i` descriptor carrying the DV in the log itself (for small DVs). */
export function inlineDeletionVector(rowIndexes: ArrayLike<number>): DeletionVectorDescriptor {
  const data = encodeDeletionVectorBitmap(rowIndexes);
  return {
    storageType: 'i',
    pathOrInlineDv: encodeZ85(data),
    sizeInBytes: data.length,
    cardinality: rowIndexes.length,
  };
}

function locateFile(
  dv: DeletionVectorDescriptor,
  store: ObjectStore,
  tableRoot: string,
): { store: ObjectStore; key: string } {
  if (dv.storageType !== 'u' && dv.storageType !== 'p') {
    throw failure(
      dv,
      'descriptor',
      `has unknown storageType ${JSON.stringify(dv.storageType)}; expected 'u', 'i' or 'p'`,
    );
  }
  try {
    if (dv.storageType === 'u') return { store, key: relativeDeletionVectorKey(dv) };
    // Hadoop writes local paths as `file:/dir/x.bin`; the stores expect `file:///dir/x.bin`.
    const url = dv.pathOrInlineDv.replace(/^file:\/(?!\/)/, 'file:///');
    const root = `${tableRoot.replace(/\/+$/, '')}/`;
    if (url.startsWith(root)) return { store, key: decodeURIComponent(url.slice(root.length)) };
    const slash = url.lastIndexOf('/');
    return { store: openStore(url.slice(0, slash)), key: decodeURIComponent(url.slice(slash + 1)) };
  } catch (error) {
    if (error instanceof DeletionVectorError && error.details['descriptor'] !== undefined) throw error;
    throw failure(dv, 'descriptor', `names no readable file: ${reasonOf(error)}`, error);
  }
}

/** Reads `size | data | crc` at the descriptor's offset and checks size and checksum. */
async function readFramed(
  dv: DeletionVectorDescriptor,
  store: ObjectStore,
  key: string,
  location: string,
): Promise<Uint8Array> {
  const offset = dv.offset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(dv.sizeInBytes) || dv.sizeInBytes < 4) {
    throw failure(dv, location, `has an invalid offset ${offset} or sizeInBytes ${dv.sizeInBytes}`);
  }
  const checkVersion = offset > 0 && offset <= VERSION_CHECK_WINDOW;
  const from = checkVersion ? 0 : offset;
  const length = offset - from + 4 + dv.sizeInBytes + 4;
  let chunk: Uint8Array;
  try {
    chunk = await store.getRange(key, from, length);
  } catch (error) {
    throw failure(dv, location, `cannot be read: ${reasonOf(error)}`, error);
  }
  if (checkVersion && chunk[0] !== FILE_FORMAT_VERSION) {
    throw failure(
      dv,
      location,
      `is in a file of format version ${chunk[0] ?? '(empty file)'}; only version ${FILE_FORMAT_VERSION} is supported`,
    );
  }
  if (chunk.length < length) {
    throw failure(
      dv,
      location,
      `is truncated: ${length} bytes expected from byte ${from}, the file has ${chunk.length}`,
    );
  }
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const at = offset - from;
  const size = view.getUint32(at);
  if (size !== dv.sizeInBytes) {
    throw failure(
      dv,
      location,
      `has a stored size of ${size} bytes at offset ${offset}, but its descriptor says sizeInBytes ${dv.sizeInBytes}`,
    );
  }
  const data = chunk.subarray(at + 4, at + 4 + size);
  const stored = view.getUint32(at + 4 + size);
  const actual = crc32(data);
  if (stored !== actual) {
    throw failure(
      dv,
      location,
      `fails its checksum: stored CRC-32 ${hex32(stored)}, computed ${hex32(actual)}; the file is corrupt`,
    );
  }
  return data;
}

function failure(dv: DeletionVectorDescriptor, location: string, reason: string, cause?: unknown): DeletionVectorError {
  const id = deletionVectorId(dv);
  // Inline ids carry the whole bitmap: shorten them for the message, keep them in details.
  const shown = id.length > 60 ? `${id.slice(0, 57)}...` : id;
  return new DeletionVectorError(
    `Deletion vector ${shown} (${location}) ${reason}.`,
    { descriptor: id, location },
    cause === undefined ? undefined : { cause },
  );
}

/** A nested error's message without its `[CODE] ` prefix and final period, to splice into ours. */
function reasonOf(error: unknown): string {
  const message = isStrataError(error) ? error.message.slice(error.code.length + 3) : asError(error).message;
  return message.replace(/\.$/, '');
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
