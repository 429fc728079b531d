/**
 * The RoaringBitmap portable serialization (github.com/RoaringBitmap/RoaringFormatSpec),
 * which Delta deletion vectors use as a black box:
 * - 32-bit: a header naming each 16-bit container (high 16 bits as key, cardinality,
 *   kind), then each container as an array of uint16, a 65536-bit bitmap, or runs.
 * - 64-bit ("Roaring64NavigableMap" portable layout): the number of 32-bit bitmaps as
 *   uint64, then per bitmap its key (high 32 bits) as uint32 and a 32-bit bitmap.
 * All numbers are little-endian. Values are JavaScript numbers, so 64-bit values must
 * stay below 2^53 — deletion vectors hold Parquet row indexes, which always do.
 *
 * Decoding checks the structure (bounds, declared vs actual cardinalities, strictly
 * ascending values) so a corrupt bitmap fails loudly instead of deleting wrong rows.
 */
import { DeletionVectorError } from '../errors.js';

/** Cookie of a bitmap with run containers; its high 16 bits hold the container count - 1. */
const SERIAL_COOKIE = 12347;
/** Cookie of a bitmap without run containers; the container count follows as uint32. */
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
/** With the run cookie, bitmaps of fewer containers omit the offset header. */
const NO_OFFSET_THRESHOLD = 4;
/** Containers above this cardinality are bitmaps (unless runs), at or below arrays. */
const ARRAY_MAX_CARDINALITY = 4096;
const BITMAP_BYTES = 8192;
const TWO_32 = 2 ** 32;
/** Highest 64-bit key whose values stay exact doubles (key * 2^32 + low < 2^53). */
const MAX_SAFE_KEY = 2 ** 21 - 1;

function corrupt(reason: string, position: number): DeletionVectorError {
  return new DeletionVectorError(`Invalid RoaringBitmap serialization at byte ${position}: ${reason}.`, { position });
}

/** A bounds-checked little-endian reader, so truncated input reports where it ended. */
class Reader {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public position: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(length: number, what: string): void {
    if (this.position + length > this.bytes.length) {
      throw corrupt(
        `truncated: ${what} needs ${length} bytes but only ${this.bytes.length - this.position} remain`,
        this.position,
      );
    }
  }
  u16(): number {
    this.need(2, 'a 16-bit field');
    this.position += 2;
    return this.view.getUint16(this.position - 2, true);
  }
  u32(): number {
    this.need(4, 'a 32-bit field');
    this.position += 4;
    return this.view.getUint32(this.position - 4, true);
  }
  u64(): number {
    const low = this.u32();
    const high = this.u32();
    return high * TWO_32 + low;
  }
}

interface Header {
  readonly keys: number[];
  readonly cardinalities: number[];
  readonly isRun: boolean[];
}

function readHeader(reader: Reader): Header {
  const start = reader.position;
  const cookie = reader.u32();
  const hasRuns = (cookie & 0xffff) === SERIAL_COOKIE;
  if (!hasRuns && cookie !== SERIAL_COOKIE_NO_RUNCONTAINER) throw corrupt(`unknown cookie ${cookie}`, start);
  const size = hasRuns ? (cookie >>> 16) + 1 : reader.u32();
  // Every container takes at least 4 header bytes: refuse absurd counts before allocating.
  reader.need(size * 4, `the header of ${size} containers`);
  const isRun = new Array<boolean>(size).fill(false);
  if (hasRuns) {
    reader.need(Math.ceil(size / 8), 'the run-container flags');
    for (let i = 0; i < size; i++) isRun[i] = ((reader.bytes[reader.position + (i >>> 3)] ?? 0) & (1 << (i & 7))) !== 0;
    reader.position += Math.ceil(size / 8);
  }
  const keys: number[] = [];
  const cardinalities: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(reader.u16());
    cardinalities.push(reader.u16() + 1);
  }
  // Offsets are redundant with sequential reading of the containers, so they are skipped.
  if (!hasRuns || size >= NO_OFFSET_THRESHOLD) {
    reader.need(size * 4, 'the container offsets');
    reader.position += size * 4;
  }
  return { keys, cardinalities, isRun };
}

/** Reads one container, passing each value (low 16 bits) to `emit` in ascending order. */
function readContainer(reader: Reader, cardinality: number, isRun: boolean, emit: (low: number) => void): void {
  const start = reader.position;
  let count = 0;
  if (isRun) {
    const runs = reader.u16();
    reader.need(runs * 4, `${runs} runs`);
    for (let r = 0; r < runs; r++) {
      const first = reader.u16();
      const last = first + reader.u16();
      if (last > 0xffff) throw corrupt(`a run from ${first} ends past 65535`, reader.position - 4);
      for (let v = first; v <= last; v++) emit(v);
      count += last - first + 1;
    }
  } else if (cardinality <= ARRAY_MAX_CARDINALITY) {
    reader.need(cardinality * 2, `an array container of ${cardinality} values`);
    for (let i = 0; i < cardinality; i++) emit(reader.u16());
    count = cardinality;
  } else {
    reader.need(BITMAP_BYTES, 'a bitmap container');
    for (let word = 0; word < BITMAP_BYTES / 4; word++) {
      let bits = reader.u32();
      while (bits !== 0) {
        const lowest = bits & -bits;
        emit(word * 32 + 31 - Math.clz32(lowest));
        bits ^= lowest;
        count++;
      }
    }
  }
  if (count !== cardinality)
    throw corrupt(`the header declares ${cardinality} values but the container holds ${count}`, start);
}

/**
 * Reads a 32-bit bitmap starting at `offset`, adding `base` to each value. Returns the
 * position after it, so bitmaps laid end to end (the 64-bit layout) can be walked.
 */
function readBitmap32(bytes: Uint8Array, offset: number, base: number, out: number[]): number {
  const reader = new Reader(bytes, offset);
  const header = readHeader(reader);
  for (let c = 0; c < header.keys.length; c++) {
    const high = base + (header.keys[c] ?? 0) * 0x10000;
    const before = out.length;
    const previous = out[before - 1] ?? -1;
    readContainer(reader, header.cardinalities[c] ?? 0, header.isRun[c] ?? false, (low) => out.push(high + low));
    // Ascending order across and within containers is what callers binary-search on.
    for (let i = before; i < out.length; i++) {
      if ((out[i] ?? 0) <= (i === before ? previous : (out[i - 1] ?? 0)))
        throw corrupt(`values are not strictly ascending (container ${c})`, reader.position);
    }
  }
  return reader.position;
}

/** Decodes a portable 32-bit RoaringBitmap; the values come back sorted ascending. */
export function deserializeRoaring32(bytes: Uint8Array): number[] {
  const out: number[] = [];
  readBitmap32(bytes, 0, 0, out);
  return out;
}

/** Decodes the portable 64-bit layout; the values come back sorted ascending. */
export function deserializeRoaring64(bytes: Uint8Array): number[] {
  const reader = new Reader(bytes, 0);
  const count = reader.u64();
  // Each bitmap takes at least 12 bytes (key + cookie + size): bound the loop by the input.
  reader.need(count * 12, `${count} bitmaps`);
  const out: number[] = [];
  let position = reader.position;
  for (let b = 0; b < count; b++) {
    reader.position = position;
    const key = reader.u32();
    if (key > MAX_SAFE_KEY)
      throw corrupt(`bitmap key ${key} makes values of 2^53 or more, beyond any row index`, position);
    position = readBitmap32(bytes, reader.position, key * TWO_32, out);
  }
  return out;
}

/** One 16-bit container of a bitmap being written: values[start, end) share its key. */
interface PlannedContainer {
  readonly key: number;
  readonly start: number;
  readonly end: number;
  readonly runs: number;
  readonly isRun: boolean;
  readonly bytes: number;
}

/** Splits values[from, to) (minus `base`) into containers, each in its smallest encoding. */
function planContainers(values: ArrayLike<number>, from: number, to: number, base: number): PlannedContainer[] {
  const planned: PlannedContainer[] = [];
  let start = from;
  while (start < to) {
    const key = Math.floor(((values[start] ?? 0) - base) / 0x10000);
    const limit = base + (key + 1) * 0x10000;
    let end = start + 1;
    let runs = 1;
    for (; end < to && (values[end] ?? 0) < limit; end++) {
      if ((values[end] ?? 0) !== (values[end - 1] ?? 0) + 1) runs++;
    }
    const cardinality = end - start;
    const plainBytes = cardinality <= ARRAY_MAX_CARDINALITY ? cardinality * 2 : BITMAP_BYTES;
    const runBytes = 2 + runs * 4;
    // Java's runOptimize rule: runs only when strictly smaller than the plain encoding.
    const isRun = runBytes < plainBytes;
    planned.push({ key, start, end, runs, isRun, bytes: isRun ? runBytes : plainBytes });
    start = end;
  }
  return planned;
}

function bitmap32Size(planned: readonly PlannedContainer[]): number {
  const n = planned.length;
  const hasRuns = planned.some((c) => c.isRun);
  const cookieBytes = hasRuns ? 4 + Math.ceil(n / 8) : 8;
  const offsetBytes = !hasRuns || n >= NO_OFFSET_THRESHOLD ? 4 * n : 0;
  return cookieBytes + 4 * n + offsetBytes + planned.reduce((sum, c) => sum + c.bytes, 0);
}

/** Writes a 32-bit bitmap of values[from, to) minus `base` at `offset`; returns the end. */
function writeBitmap32(
  view: DataView,
  offset: number,
  values: ArrayLike<number>,
  planned: readonly PlannedContainer[],
  base: number,
): number {
  const n = planned.length;
  const hasRuns = planned.some((c) => c.isRun);
  let p = offset;
  if (hasRuns) {
    view.setUint32(p, SERIAL_COOKIE | ((n - 1) << 16), true);
    p += 4;
    planned.forEach((c, i) => {
      if (c.isRun) view.setUint8(p + (i >>> 3), view.getUint8(p + (i >>> 3)) | (1 << (i & 7)));
    });
    p += Math.ceil(n / 8);
  } else {
    view.setUint32(p, SERIAL_COOKIE_NO_RUNCONTAINER, true);
    view.setUint32(p + 4, n, true);
    p += 8;
  }
  for (const c of planned) {
    view.setUint16(p, c.key, true);
    view.setUint16(p + 2, c.end - c.start - 1, true);
    p += 4;
  }
  let data = p + (!hasRuns || n >= NO_OFFSET_THRESHOLD ? 4 * n : 0);
  if (data !== p) {
    for (const c of planned) {
      view.setUint32(p, data - offset, true);
      p += 4;
      data += c.bytes;
    }
  }
  for (const c of planned) p = writeContainer(view, p, values, c, base + c.key * 0x10000);
  return p;
}

function writeContainer(
  view: DataView,
  p: number,
  values: ArrayLike<number>,
  c: PlannedContainer,
  base: number,
): number {
  const low = (i: number): number => (values[i] ?? 0) - base;
  if (c.isRun) {
    view.setUint16(p, c.runs, true);
    let q = p + 2;
    for (let i = c.start; i < c.end;) {
      let j = i + 1;
      while (j < c.end && low(j) === low(j - 1) + 1) j++;
      view.setUint16(q, low(i), true);
      view.setUint16(q + 2, j - i - 1, true);
      q += 4;
      i = j;
    }
  } else if (c.end - c.start > ARRAY_MAX_CARDINALITY) {
    for (let i = c.start; i < c.end; i++) {
      const v = low(i);
      const at = p + (v >>> 3);
      view.setUint8(at, view.getUint8(at) | (1 << (v & 7)));
    }
  } else {
    for (let i = c.start; i < c.end; i++) view.setUint16(p + 2 * (i - c.start), low(i), true);
  }
  return p + c.bytes;
}

/** Refuses input the format cannot represent as given: unsorted, duplicated, out of range. */
function checkSorted(values: ArrayLike<number>, max: number): void {
  let previous = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? Number.NaN;
    if (!Number.isInteger(v) || v <= previous || v > max) {
      throw new DeletionVectorError(
        `Cannot serialize value ${v} at index ${i}: values must be strictly ascending integers from 0 to ${max}.`,
        { index: i, value: v, max },
      );
    }
    previous = v;
  }
}

/** Encodes sorted, distinct 32-bit values as a portable 32-bit RoaringBitmap. */
export function serializeRoaring32(values: ArrayLike<number>): Uint8Array {
  checkSorted(values, 0xffffffff);
  const planned = planContainers(values, 0, values.length, 0);
  const bytes = new Uint8Array(bitmap32Size(planned));
  writeBitmap32(new DataView(bytes.buffer), 0, values, planned, 0);
  return bytes;
}

/** Encodes sorted, distinct values below 2^53 in the portable 64-bit layout. */
export function serializeRoaring64(values: ArrayLike<number>): Uint8Array {
  checkSorted(values, Number.MAX_SAFE_INTEGER);
  const buckets: { key: number; planned: PlannedContainer[] }[] = [];
  for (let start = 0; start < values.length;) {
    const key = Math.floor((values[start] ?? 0) / TWO_32);
    let end = start + 1;
    while (end < values.length && (values[end] ?? 0) < (key + 1) * TWO_32) end++;
    buckets.push({ key, planned: planContainers(values, start, end, key * TWO_32) });
    start = end;
  }
  const size = buckets.reduce((sum, b) => sum + 4 + bitmap32Size(b.planned), 8);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, buckets.length, true); // the uint64 count's high half stays 0
  let p = 8;
  for (const bucket of buckets) {
    view.setUint32(p, bucket.key, true);
    p = writeBitmap32(view, p + 4, values, bucket.planned, bucket.key * TWO_32);
  }
  return bytes;
}
