/**
 * Which columns a training set computes: the requested features of views, and the
 * on-demand ones with the view features their functions read. An input feature that was
 * not requested is still joined (point in time, like the others) under a hidden column
 * name and dropped from the result after the on-demand features are computed.
 */
import { resolveRefs, type DefinitionSet } from '../definition/definition-set.js';
import { TrainingSetError } from '../errors.js';
import { onDemandSteps, type OnDemandStep } from '../serving/on-demand-compute.js';

export interface ViewColumns {
  readonly view: string;
  readonly features: readonly { readonly name: string; readonly output: string; readonly hidden: boolean }[];
}

export interface OnDemandColumns {
  readonly steps: readonly OnDemandStep[];
  /** Requested on-demand features: `owner:feature` and output column. */
  readonly outputs: readonly { readonly ref: string; readonly output: string }[];
  /** The column each view input (`view:feature`) is read from. */
  readonly inputColumns: ReadonlyMap<string, string>;
}

export interface TrainingColumns {
  readonly refs: readonly string[];
  readonly views: readonly ViewColumns[];
  readonly onDemand: OnDemandColumns;
}

export const hiddenColumn = (view: string, feature: string): string => `__input_${view}__${feature}`;

export function trainingColumns(
  set: DefinitionSet,
  refs: readonly string[],
  fullFeatureNames: boolean,
  object = 'the training-set request',
): TrainingColumns {
  const resolved = resolveRefs(set, refs, object, 'features');
  const views = new Map<string, { name: string; output: string; hidden: boolean }[]>();
  const outputs = new Map<string, string>();
  const named = (owner: string, feature: string) => {
    const output = fullFeatureNames ? `${owner}__${feature}` : feature;
    const other = outputs.get(output);
    if (other !== undefined)
      throw new TrainingSetError(
        `Both ${other} and ${owner} have a feature ${output}; pass fullFeatureNames (--full-feature-names) to name columns view__feature.`,
        { column: output },
      );
    outputs.set(output, owner);
    return output;
  };
  const onDemandOutputs: { ref: string; output: string }[] = [];
  for (const { owner, feature } of resolved) {
    const output = named(owner, feature);
    if (set.onDemand.has(owner)) onDemandOutputs.push({ ref: `${owner}:${feature}`, output });
    else views.set(owner, [...(views.get(owner) ?? []), { name: feature, output, hidden: false }]);
  }
  const steps = onDemandSteps(set, new Set(onDemandOutputs.map((o) => o.ref.split(':')[0]!)));
  const inputColumns = new Map<string, string>();
  for (const step of steps)
    for (const input of step.inputs) {
      if (!set.views.has(input.owner) || inputColumns.has(input.key)) continue;
      const list = views.get(input.owner) ?? [];
      let column = list.find((f) => f.name === input.feature);
      if (column === undefined) {
        column = { name: input.feature, output: hiddenColumn(input.owner, input.feature), hidden: true };
        list.push(column);
        views.set(input.owner, list);
      }
      inputColumns.set(input.key, column.output);
    }
  return {
    refs: resolved.map((r) => `${r.owner}:${r.feature}`),
    views: [...views].map(([view, features]) => ({ view, features })),
    onDemand: { steps, outputs: onDemandOutputs, inputColumns },
  };
}
