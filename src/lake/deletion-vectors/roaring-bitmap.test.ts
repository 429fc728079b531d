import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeletionVectorError } from '../errors.js';
import {
  deserializeRoaring32,
  deserializeRoaring64,
  serializeRoaring32,
  serializeRoaring64,
} from './roaring-bitmap.js';

// Reference bytes below were produced by CRoaring 0.2.66 (Debian libroaring-dev):
// roaring_bitmap_add each value, roaring_bitmap_run_optimize (unless "no runs"),
// roaring_bitmap_portable_serialize. Matching them byte for byte means Java, C and Rust
// readers decode what we write, and we decode what they write.
const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const range = (count: number, at: (i: number) => number): number[] => Array.from({ length: count }, (_, i) => at(i));

/** A run container, then two array containers: the run cookie, with no offset header (< 4 containers). */
const RUNS_AND_ARRAYS = [...range(10, (i) => i + 1), 65537, 65541, 131072];
const RUNS_AND_ARRAYS_BYTES = '3b30020001000009000100010002000000010001000900010005000000';
/** The same set without run optimization: the no-run cookie, arrays and an offset header. */
const RUNS_AND_ARRAYS_NO_RUNS_BYTES =
  '3a300000030000000000090001000100020000002000000034000000380000000100020003000400050006000700080009000a00010005000000';
/** Five run containers: the run cookie with an offset header (>= 4 containers). */
const FIVE_RUNS = range(50, (n) => Math.floor(n / 10) * 65536 * 3 + 40000 + (n % 10));
const FIVE_RUNS_BYTES =
  '3b3004001f000009000300090006000900090009000c0009002d00000033000000390000003f000000450000000100409c09000100409c09000100409c09000100409c09000100409c0900';
/** Run, bitmap and array containers, and a run spanning two containers. */
const MIXED = [
  ...range(1000, (i) => i),
  ...range(5000, (i) => 65536 + i * 7),
  131077,
  131081,
  ...range(300, (i) => 5 * 65536 + i * 2),
  ...range(70000, (i) => 10 * 65536 + i),
];
const MIXED_SHA256 = 'a6c6a489671f7155b88f2f52e360dda7e49326d6beefeb3a78a0b79a74cc4aba';
/** Two scattered containers of more than 4096 values: bitmaps under the no-run cookie. */
const DENSE = range(30000, (i) => i * 3);
const DENSE_SHA256 = '634d34b8af0529aea12b5f654def21afc92bbb58122924788d6860204914dc86';

describe('32-bit portable RoaringBitmap', () => {
  it('decodes and writes CRoaring bytes for run and array containers', () => {
    expect(deserializeRoaring32(hex(RUNS_AND_ARRAYS_BYTES))).toEqual(RUNS_AND_ARRAYS);
    expect(deserializeRoaring32(hex(RUNS_AND_ARRAYS_NO_RUNS_BYTES))).toEqual(RUNS_AND_ARRAYS);
    expect(Buffer.from(serializeRoaring32(RUNS_AND_ARRAYS)).toString('hex')).toBe(RUNS_AND_ARRAYS_BYTES);
    expect(deserializeRoaring32(hex(FIVE_RUNS_BYTES))).toEqual(FIVE_RUNS);
    expect(Buffer.from(serializeRoaring32(FIVE_RUNS)).toString('hex')).toBe(FIVE_RUNS_BYTES);
  });

  it('writes bitmap containers exactly as CRoaring does, and reads them back', () => {
    for (const [values, digest] of [
      [MIXED, MIXED_SHA256],
      [DENSE, DENSE_SHA256],
    ] as const) {
      const bytes = serializeRoaring32(values);
      expect(sha256(bytes)).toBe(digest);
      expect(deserializeRoaring32(bytes)).toEqual(values);
    }
  });

  it('prefers an array to runs of equal size, as Java RoaringBitmap does (CRoaring picks runs)', () => {
    expect(deserializeRoaring32(hex('3b3000000100000200010001000200'))).toEqual([1, 2, 3]);
    const written = serializeRoaring32([1, 2, 3]);
    expect(new DataView(written.buffer).getUint32(0, true)).toBe(12346); // no run containers
    expect(written.length).toBe(8 + 4 + 4 + 6);
    expect(serializeRoaring32([1, 2, 3, 4]).length).toBe(4 + 1 + 4 + 6); // runs win when smaller
  });

  it('switches from array to bitmap container above 4096 values', () => {
    const array = serializeRoaring32(range(4096, (i) => i * 2));
    const bitmap = serializeRoaring32(range(4097, (i) => i * 2));
    // 8 bytes cookie + count, 4 header, 4 offset, then 2 bytes a value or 8192 bytes.
    expect(array.length).toBe(16 + 4096 * 2);
    expect(bitmap.length).toBe(16 + 8192);
    expect(deserializeRoaring32(bitmap)).toEqual(range(4097, (i) => i * 2));
  });

  it('round-trips edge cases', () => {
    const cases = [
      [],
      [0],
      [0xffffffff],
      range(65536, (i) => i),
      range(100, (i) => 0xffffffff - 99 + i),
      [0, 65535, 65536, 0xffff0000],
    ];
    for (const values of cases) expect(deserializeRoaring32(serializeRoaring32(values))).toEqual(values);
  });

  it('accepts a Float64Array as input', () => {
    expect(deserializeRoaring32(serializeRoaring32(new Float64Array([1, 5, 9])))).toEqual([1, 5, 9]);
  });
});

describe('64-bit portable layout', () => {
  it('stores the bitmap count as uint64 LE and each high key as uint32 LE', () => {
    const bytes = serializeRoaring64([7, 2 ** 32 * 3 + 1]);
    const view = new DataView(bytes.buffer);
    expect(view.getBigUint64(0, true)).toBe(2n);
    expect(view.getUint32(8, true)).toBe(0);
    expect(deserializeRoaring32(bytes.subarray(12, 30))).toEqual([7]);
    expect(view.getUint32(30, true)).toBe(3);
  });

  it('round-trips several high keys and all container kinds', () => {
    const values = [
      ...RUNS_AND_ARRAYS,
      ...MIXED.map((v) => 2 ** 32 + v),
      ...DENSE.map((v) => 5 * 2 ** 32 + v),
      Number.MAX_SAFE_INTEGER - 1,
      Number.MAX_SAFE_INTEGER,
    ].sort((a, b) => a - b);
    expect(deserializeRoaring64(serializeRoaring64(values))).toEqual(values);
    expect(deserializeRoaring64(serializeRoaring64([]))).toEqual([]);
  });

  it('reads empty buckets, which dense RoaringBitmapArray writers emit for unused keys', () => {
    const one = serializeRoaring32([1]);
    const empty = serializeRoaring32([]);
    const seven = serializeRoaring32([7]);
    const bytes = Buffer.concat([
      hex('0300000000000000'),
      hex('00000000'),
      one,
      hex('01000000'),
      empty,
      hex('02000000'),
      seven,
    ]);
    expect(deserializeRoaring64(new Uint8Array(bytes))).toEqual([1, 2 * 2 ** 32 + 7]);
  });
});

describe('invalid input', () => {
  const expectError = (run: () => unknown, message: RegExp): void => {
    expect(run).toThrow(DeletionVectorError);
    expect(run).toThrow(message);
  };

  it('refuses unsorted, duplicate, negative, fractional or too large values', () => {
    expectError(() => serializeRoaring32([2, 1]), /value 1 at index 1/);
    expectError(() => serializeRoaring32([1, 1]), /strictly ascending/);
    expectError(() => serializeRoaring32([-1]), /value -1/);
    expectError(() => serializeRoaring64([0.5]), /value 0.5/);
    expectError(() => serializeRoaring32([2 ** 32]), /from 0 to 4294967295/);
    expectError(() => serializeRoaring64([2 ** 53]), /from 0 to 9007199254740991/);
  });

  it('reports truncation with the byte where it happened', () => {
    const bytes = hex(FIVE_RUNS_BYTES);
    for (const cut of [0, 3, 10, 40, bytes.length - 1]) {
      expectError(() => deserializeRoaring32(bytes.subarray(0, cut)), /truncated/);
    }
    const wide = serializeRoaring64(DENSE);
    expectError(() => deserializeRoaring64(wide.subarray(0, 5000)), /truncated: a bitmap container needs 8192 bytes/);
  });

  it('refuses unknown cookies, bad cardinalities, unsorted values and keys beyond 2^53', () => {
    expectError(() => deserializeRoaring32(hex('0000000000000000')), /unknown cookie 0/);
    const lying = hex(RUNS_AND_ARRAYS_BYTES);
    lying[11] = 3; // the second container now claims 4 values: its array runs past the end
    expectError(() => deserializeRoaring32(lying), /truncated: an array container of 4 values/);
    const unsorted = serializeRoaring32([5, 9]);
    unsorted.set([9, 0, 5, 0], unsorted.length - 4);
    expectError(() => deserializeRoaring32(unsorted), /not strictly ascending/);
    const run = hex(RUNS_AND_ARRAYS_BYTES);
    run.set([0, 0], 21); // the run's length: it now holds 1 value, the header still says 10
    expectError(() => deserializeRoaring32(run), /declares 10 values but the container holds 1/);
    const farKey = Buffer.concat([hex('0100000000000000'), hex('00002000'), serializeRoaring32([1])]);
    expectError(() => deserializeRoaring64(new Uint8Array(farKey)), /bitmap key 2097152/);
    expectError(() => deserializeRoaring64(hex('ffffffff00000000')), /truncated/);
  });
});
