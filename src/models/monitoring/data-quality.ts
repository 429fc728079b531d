/**
 * Data quality of a current sample against its reference: missing values (NaN for
 * numbers, null for categories), numbers outside the reference's [min, max], and
 * categories the reference never saw. Shares, not verdicts: a monitor decides what share
 * is an alert.
 */
export type QualityValues =
  | { readonly kind: 'numeric'; readonly values: ArrayLike<number> }
  | { readonly kind: 'categorical'; readonly values: readonly (string | null)[] };

export interface DataQuality {
  readonly rows: number;
  readonly nullShare: number;
  readonly referenceNullShare: number;
  /** Numeric: share of non-null current values below the reference's min or above its max. */
  readonly outOfRangeShare: number;
  /** Categorical: the categories the reference never saw, and the share of rows with one. */
  readonly unseenCategories: readonly string[];
  readonly unseenShare: number;
}

export function dataQuality(reference: QualityValues, current: QualityValues): DataQuality {
  const rows = current.values.length;
  const share = (k: number, n: number) => (n === 0 ? 0 : k / n);
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    let lo = Infinity;
    let hi = -Infinity;
    let refNulls = 0;
    for (let i = 0; i < reference.values.length; i++) {
      const v = reference.values[i]!;
      if (Number.isNaN(v)) refNulls++;
      else [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
    let nulls = 0;
    let outside = 0;
    for (let i = 0; i < rows; i++) {
      const v = current.values[i]!;
      if (Number.isNaN(v)) nulls++;
      else if (v < lo || v > hi) outside++;
    }
    return {
      rows,
      nullShare: share(nulls, rows),
      referenceNullShare: share(refNulls, reference.values.length),
      outOfRangeShare: share(outside, rows - nulls),
      unseenCategories: [],
      unseenShare: 0,
    };
  }
  const refValues = reference.values as readonly (string | number | null)[];
  const seen = new Set(Array.from(refValues, (v) => (v === null ? null : String(v))));
  const unseen = new Set<string>();
  let nulls = 0;
  let unseenRows = 0;
  for (const raw of Array.from(current.values as ArrayLike<string | number | null>)) {
    if (raw === null || (typeof raw === 'number' && Number.isNaN(raw))) nulls++;
    else if (!seen.has(String(raw))) {
      unseen.add(String(raw));
      unseenRows++;
    }
  }
  return {
    rows,
    nullShare: share(nulls, rows),
    referenceNullShare: share(refValues.filter((v) => v === null).length, refValues.length),
    outOfRangeShare: 0,
    unseenCategories: [...unseen].sort(),
    unseenShare: share(unseenRows, rows - nulls),
  };
}
