/**
 * Histogram binning: each feature's values become bin numbers (one byte per value) by
 * quantile cut points, computed once before training. Bin b of a feature holds the values
 * v with cuts[b-1] <= v < cuts[b], so "bins 0..b go left" is the threshold rule
 * "v < cuts[b] goes left" the scorer applies to raw values. Missing values (NaN) get the
 * reserved bin MISSING_BIN.
 *
 * Cuts come from the sorted values (every row up to SAMPLE_ROWS, an even stride of rows
 * beyond): with few distinct values every distinct value gets its own bin; otherwise cuts
 * sit at evenly spaced quantiles.
 */
export const MISSING_BIN = 255;
/** Bins per feature in the histograms (value bins plus the missing bin). */
export const BIN_STRIDE = 256;
const SAMPLE_ROWS = 200_000;

/** Cut points of one column for at most `maxBins` value bins (at most 255). */
export function quantileCuts(column: Float32Array, maxBins: number): Float32Array {
  const step = Math.max(1, Math.floor(column.length / SAMPLE_ROWS));
  const sample: number[] = [];
  for (let i = 0; i < column.length; i += step) if (column[i] === column[i]) sample.push(column[i]!);
  const sorted = Float32Array.from(sample).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  if (distinct.length <= maxBins) return Float32Array.from(distinct.slice(1));
  const cuts: number[] = [];
  for (let k = 1; k < maxBins; k++) {
    const v = sorted[Math.floor((k * sorted.length) / maxBins)]!;
    if (v > sorted[0]! && v !== cuts[cuts.length - 1]) cuts.push(v);
  }
  return Float32Array.from(cuts);
}

/** The bin of `v`: the number of cuts <= v (binary search), or MISSING_BIN for NaN. */
export function binOf(cuts: Float32Array, v: number): number {
  if (v !== v) return MISSING_BIN;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bins of one column. */
export function binColumn(column: Float32Array, cuts: Float32Array): Uint8Array {
  const bins = new Uint8Array(column.length);
  for (let r = 0; r < column.length; r++) bins[r] = binOf(cuts, column[r]!);
  return bins;
}

/** Column bins interleaved row-major (`bins[row * features + f]`): a node's rows are read one cache line each. */
export function interleaveBins(columnBins: readonly Uint8Array[]): Uint8Array {
  const features = columnBins.length;
  const rows = columnBins[0]?.length ?? 0;
  const bins = new Uint8Array(rows * features);
  columnBins.forEach((column, f) => {
    for (let r = 0; r < rows; r++) bins[r * features + f] = column[r]!;
  });
  return bins;
}
