/**
 * Gradient histograms summed by worker threads. A node's rows are cut into fixed chunks of
 * CHUNK_ROWS; each chunk is summed into its own partial histogram (by whichever thread
 * claims it) and the partials are added in chunk order. The chunking depends only on the
 * node's range, never on the number of threads, so the sums, and the model, are the same
 * bit for bit with 0, 1 or 8 workers: determinism holds across machines.
 *
 * Training stays a synchronous call: the main thread claims chunks too and then blocks in
 * Atomics.wait until the workers' chunks are done. Workers are plain JavaScript evaluated
 * from a string (no module to resolve from src/ or dist/), sharing the binned rows,
 * gradients and row indices through SharedArrayBuffers; they only ever read those.
 * Claims carry the generation they belong to, so a worker still finishing one dispatch
 * can never take a chunk of the next with stale parameters.
 */
import { Worker } from 'node:worker_threads';
import { BIN_STRIDE } from './quantile-bins.js';

/** Rows per chunk: large enough that a claim is cheap beside it, small enough to balance two to eight threads. */
export const CHUNK_ROWS = 32_768;
/** Generation tags are 15 bits (claims are `tag << 16 | chunk`), so at most 65,535 chunks per histogram. */
const MAX_CHUNKS = 0xffff;

// control: [generation, claim (tag << 16 | next chunk), chunks done, stop]
// params: [start, end, chunks]
const KERNEL = `
function sumChunk(bins, features, rows, gradHess, start, end, hist) {
  const span = features * ${BIN_STRIDE * 2};
  hist.fill(0);
  for (let i = start; i < end; i++) {
    const r = rows[i];
    const g = gradHess[2 * r];
    const h = gradHess[2 * r + 1];
    let at = r * features;
    for (let offset = 0; offset < span; offset += ${BIN_STRIDE * 2}) {
      const slot = offset + (bins[at++] << 1);
      hist[slot] += g;
      hist[slot + 1] += h;
    }
  }
}
function claim(control, tag, chunks) {
  for (;;) {
    const c = Atomics.load(control, 1);
    if (c >>> 16 !== tag) return -1;
    const k = c & 0xffff;
    if (k >= chunks) return -1;
    if (Atomics.compareExchange(control, 1, c, c + 1) === c) return k;
  }
}
function runChunks(s, tag) {
  const start = s.params[0], end = s.params[1], chunks = s.params[2];
  for (let k = claim(s.control, tag, chunks); k >= 0; k = claim(s.control, tag, chunks)) {
    const from = start + k * ${CHUNK_ROWS};
    const to = Math.min(end, from + ${CHUNK_ROWS});
    sumChunk(s.bins, s.features, s.rows, s.gradHess, from, to, s.partials.subarray(k * s.histLen, (k + 1) * s.histLen));
    Atomics.add(s.control, 2, 1);
    Atomics.notify(s.control, 2);
  }
}
`;

const WORKER = `${KERNEL}
const { workerData } = require('node:worker_threads');
const s = workerData;
let seen = 0;
for (;;) {
  Atomics.wait(s.control, 0, seen);
  seen = Atomics.load(s.control, 0);
  if (Atomics.load(s.control, 3) === 1) break;
  runChunks(s, seen & 0x7fff);
}
`;

interface Shared {
  readonly control: Int32Array;
  readonly params: Int32Array;
  readonly bins: Uint8Array;
  readonly features: number;
  readonly rows: Uint32Array;
  readonly gradHess: Float64Array;
  readonly partials: Float64Array;
  readonly histLen: number;
}

type Kernel = {
  sumChunk(
    bins: Uint8Array,
    features: number,
    rows: Uint32Array,
    gradHess: Float64Array,
    start: number,
    end: number,
    hist: Float64Array,
  ): void;
  runChunks(s: Shared, tag: number): void;
};
// The same source the workers run, so the main thread's chunks are summed by the same code.
const kernel = new Function(`${KERNEL}; return { sumChunk, runChunks };`)() as Kernel;

function sharedArray<T>(make: new (buffer: SharedArrayBuffer) => T, bytes: number): T {
  return new make(new SharedArrayBuffer(Math.max(8, bytes)));
}

/**
 * Histograms of row ranges over one binned matrix. `rows` and `gradHess` are the arrays
 * the trainer fills (shared with the workers); `build` reads them as they are when called.
 */
export class HistogramBuilder {
  readonly rows: Uint32Array;
  readonly gradHess: Float64Array;
  private readonly shared: Shared;
  private readonly workers: Worker[] = [];
  private generation = 0;

  constructor(bins: Uint8Array, features: number, rowCount: number, threads: number) {
    const histLen = features * BIN_STRIDE * 2;
    const chunks = Math.min(MAX_CHUNKS, Math.ceil(rowCount / CHUNK_ROWS));
    const workerCount = rowCount >= 2 * CHUNK_ROWS ? Math.max(0, Math.min(threads, chunks) - 1) : 0;
    const share = workerCount > 0;
    const sharedBins = share ? sharedArray(Uint8Array, bins.length) : bins;
    if (share) sharedBins.set(bins);
    this.rows = share ? sharedArray(Uint32Array, rowCount * 4) : new Uint32Array(rowCount);
    this.gradHess = share ? sharedArray(Float64Array, rowCount * 16) : new Float64Array(rowCount * 2);
    this.shared = {
      control: sharedArray(Int32Array, 16),
      params: sharedArray(Int32Array, 12),
      bins: sharedBins,
      features,
      rows: this.rows,
      gradHess: this.gradHess,
      partials: share
        ? sharedArray(Float64Array, chunks * histLen * 8)
        : new Float64Array(chunks > 1 ? chunks * histLen : 0),
      histLen,
    };
    for (let w = 0; w < workerCount; w++) {
      const worker = new Worker(WORKER, { eval: true, workerData: this.shared });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** The histogram of `rows[start..end)`: partial sums per chunk, added in chunk order. */
  build(start: number, end: number): Float64Array {
    const { histLen, bins, features, partials } = this.shared;
    const hist = new Float64Array(histLen);
    const chunks = Math.ceil((end - start) / CHUNK_ROWS);
    if (chunks <= 1) {
      kernel.sumChunk(bins, features, this.rows, this.gradHess, start, end, hist);
      return hist;
    }
    if (this.workers.length > 0) this.dispatch(start, end, chunks);
    else {
      for (let k = 0; k < chunks; k++) {
        const from = start + k * CHUNK_ROWS;
        kernel.sumChunk(
          bins,
          features,
          this.rows,
          this.gradHess,
          from,
          Math.min(end, from + CHUNK_ROWS),
          partials.subarray(k * histLen, (k + 1) * histLen),
        );
      }
    }
    for (let k = 0; k < chunks; k++) {
      const partial = partials.subarray(k * histLen, (k + 1) * histLen);
      for (let i = 0; i < histLen; i++) hist[i]! += partial[i]!;
    }
    return hist;
  }

  private dispatch(start: number, end: number, chunks: number): void {
    const { control, params } = this.shared;
    const generation = ++this.generation;
    const tag = generation & 0x7fff;
    params[0] = start;
    params[1] = end;
    params[2] = chunks;
    Atomics.store(control, 2, 0);
    Atomics.store(control, 1, tag << 16);
    Atomics.store(control, 0, generation);
    Atomics.notify(control, 0);
    kernel.runChunks(this.shared, tag);
    for (let done = Atomics.load(control, 2); done < chunks; done = Atomics.load(control, 2))
      Atomics.wait(control, 2, done);
  }

  /** Stops the workers (they exit on their own; nothing to await). */
  close(): void {
    if (this.workers.length === 0) return;
    const { control } = this.shared;
    Atomics.store(control, 3, 1);
    Atomics.store(control, 0, ++this.generation);
    Atomics.notify(control, 0);
    this.workers.length = 0;
  }
}
