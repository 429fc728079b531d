/**
 * Runs on-demand features over rows: the one implementation serving (per request) and
 * training sets (per batch of the point-in-time result) share, so a model sees the same
 * values offline and online for the same inputs.
 *
 * Each function gets one object per row: its request data by name and its input
 * features as `view:feature` (as declared in `inputs`); missing inputs are null. Its
 * outputs are checked against the declared types: a value that does not fit is null
 * rather than a wrongly typed column (integers from a float are truncated toward zero,
 * as DuckDB casts do not round silently here either).
 */
import type { DefinitionSet, FeatureRef } from '../definition/definition-set.js';
import { resolveRefs } from '../definition/definition-set.js';
import type { OnDemandFeatureDefinition } from '../definition/feature-definition.js';
import type { FeatureType } from '../definition/feature-types.js';
import { OnDemandFailedError } from '../errors.js';
import type { FeatureValue } from '../online/index.js';

export interface OnDemandStep {
  readonly definition: OnDemandFeatureDefinition;
  /** Its inputs expanded to features, each with the key the function reads it under. */
  readonly inputs: readonly (FeatureRef & { readonly key: string })[];
}

/** The on-demand features `names` need, dependencies first (definitions are checked acyclic). */
export function onDemandSteps(set: DefinitionSet, names: Iterable<string>): OnDemandStep[] {
  const steps: OnDemandStep[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const definition = set.onDemand.get(name)!;
    const inputs = resolveRefs(set, definition.inputs, `on-demand feature ${name}`, 'inputs').map((ref) => ({
      ...ref,
      key: `${ref.owner}:${ref.feature}`,
    }));
    for (const input of inputs) if (set.onDemand.has(input.owner)) visit(input.owner);
    steps.push({ definition, inputs });
  };
  for (const name of names) visit(name);
  return steps;
}

/** Every view feature the steps read, as `view:feature` keys. */
export function viewInputsOf(set: DefinitionSet, steps: readonly OnDemandStep[]): FeatureRef[] {
  return steps.flatMap((s) => s.inputs.filter((i) => set.views.has(i.owner)));
}

/**
 * An input as functions see it, whichever side read it: 64-bit integers as numbers when
 * they fit (DuckDB gives bigints, JSON requests numbers), missing as null.
 */
function plain(value: unknown): unknown {
  if (value === undefined) return null;
  return typeof value === 'bigint' && Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

/** Coerces a function's output to its declared type; null when it does not fit. */
export function outputValue(type: FeatureType, value: unknown): FeatureValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'int32':
    case 'int64':
      if (typeof value === 'bigint') return type === 'int64' ? value : Number(value);
      return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
    case 'float32':
    case 'float64':
      return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'bool':
      return typeof value === 'boolean' ? value : null;
    case 'timestamp':
    case 'date':
      return value instanceof Date ? value : null;
  }
}

/**
 * Computes the steps for `rows` rows. `column(key)` gives the input values of a feature
 * (`view:feature`) or request-data name per row; results are added under
 * `name:feature` to `out` (which `column` may read: later steps see earlier ones).
 */
export function computeOnDemand(
  steps: readonly OnDemandStep[],
  rows: number,
  column: (key: string) => ArrayLike<unknown> | undefined,
  out: Map<string, FeatureValue[]>,
  rowOffset = 0,
): void {
  for (const { definition, inputs } of steps) {
    const sources: [string, ArrayLike<unknown> | undefined][] = [
      ...Object.keys(definition.requestData).map((name): [string, ArrayLike<unknown> | undefined] => [
        name,
        column(name),
      ]),
      ...inputs.map((i): [string, ArrayLike<unknown> | undefined] => [i.key, out.get(i.key) ?? column(i.key)]),
    ];
    const features = Object.entries(definition.features);
    const columns = features.map(() => new Array<FeatureValue>(rows));
    for (let r = 0; r < rows; r++) {
      const input: Record<string, unknown> = {};
      for (const [key, values] of sources) input[key] = plain(values?.[r]);
      let result: unknown;
      try {
        result = definition.compute(input);
      } catch (error) {
        throw new OnDemandFailedError(definition.name, rowOffset + r, { cause: error });
      }
      if (typeof result !== 'object' || result === null) throw new OnDemandFailedError(definition.name, rowOffset + r);
      for (let f = 0; f < features.length; f++)
        columns[f]![r] = outputValue(features[f]![1], (result as Record<string, unknown>)[features[f]![0]]);
    }
    features.forEach(([name], f) => out.set(`${definition.name}:${name}`, columns[f]!));
  }
}
