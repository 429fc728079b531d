/**
 * Inline features of a predict request: rows of named values become one float column per
 * model feature. A feature a row lacks, or a value that is not a number (a string, even
 * a numeric one, a boolean, an object), is refused with the feature and row named; an
 * explicit null is a missing value, which the trees route by their learned default.
 * Keys the model does not use are ignored (callers often send ids along).
 */
import { ModelFeatureInvalidError } from '../errors.js';

export type FeatureRow = Readonly<Record<string, unknown>>;

export function featureColumns(
  featureNames: readonly string[],
  rows: readonly FeatureRow[],
  model: string,
): Float64Array[] {
  const columns = featureNames.map(() => new Float64Array(rows.length));
  rows.forEach((row, r) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new ModelFeatureInvalidError(`Row ${r} is not an object of named features.`, { row: r });
    featureNames.forEach((feature, f) => {
      if (!Object.hasOwn(row, feature))
        throw new ModelFeatureInvalidError(
          `Row ${r} lacks feature '${feature}', which model ${model} needs (features: ${featureNames.join(', ')}).`,
          { feature, row: r },
        );
      const value = row[feature];
      if (value === null) columns[f]![r] = Number.NaN;
      else if (typeof value === 'number' && Number.isFinite(value)) columns[f]![r] = value;
      else
        throw new ModelFeatureInvalidError(
          `Feature '${feature}' of row ${r} is ${JSON.stringify(value) ?? typeof value}: a number or null is expected.`,
          { feature, row: r },
        );
    });
  });
  return columns;
}
