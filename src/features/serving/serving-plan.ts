/**
 * A serving plan: what an online request for a feature service (or a list of
 * references) needs, compiled once and kept (feature-server.ts caches plans by request
 * shape), so the request path does no registry reads and no reference resolution: the
 * views to read with their keys, features and TTLs, the on-demand steps in dependency
 * order, the join keys and request data with their types, and the output columns.
 */
import { joinKeysOf, resolveRefs, type DefinitionSet } from '../definition/definition-set.js';
import type { FeatureSource } from '../definition/feature-definition.js';
import type { FeatureType } from '../definition/feature-types.js';
import { FeatureNotFoundError, ServingRequestError } from '../errors.js';
import type { OnlineViewRead } from '../online/index.js';
import { onDemandSteps, type OnDemandStep } from './on-demand-compute.js';

export interface FeatureSelection {
  /** A feature service by name. */
  readonly service?: string;
  /** Feature references (`view:feature`, `view`, `onDemand:feature`); added after the service's. */
  readonly features?: readonly string[];
  /** Output names `view__feature` (Feast's full_feature_names) rather than `feature`. */
  readonly fullFeatureNames?: boolean;
}

export interface ServedFeature {
  /** `owner:feature`. */
  readonly ref: string;
  readonly owner: string;
  readonly feature: string;
  /** The output column name. */
  readonly name: string;
  readonly type: FeatureType;
  readonly onDemand: boolean;
}

/** A view the plan reads, with what grants need to judge it. */
export interface ServedView {
  readonly view: string;
  readonly source: FeatureSource;
  readonly joinKeys: readonly string[];
  /** Every feature read from it (served ones and on-demand inputs). */
  readonly features: readonly string[];
}

export interface ServingPlan {
  readonly features: readonly ServedFeature[];
  readonly joinKeys: readonly (readonly [string, FeatureType])[];
  readonly requestData: readonly (readonly [string, FeatureType])[];
  readonly views: readonly ServedView[];
  readonly reads: readonly OnlineViewRead[];
  readonly steps: readonly OnDemandStep[];
}

export function compilePlan(set: DefinitionSet, selection: FeatureSelection): ServingPlan {
  let refs = selection.features ?? [];
  if (selection.service !== undefined) {
    const service = set.services.get(selection.service);
    if (service === undefined)
      throw new FeatureNotFoundError(`feature service ${selection.service}`, [...set.services.keys()]);
    refs = [...service.features, ...refs];
  }
  if (refs.length === 0) throw new ServingRequestError('The request names no features: pass features or a service.');
  const resolved = resolveRefs(set, refs, 'the online request', 'features');
  const features: ServedFeature[] = [];
  const names = new Map<string, string>();
  for (const { owner, feature } of resolved) {
    const onDemand = set.onDemand.get(owner);
    const type = (onDemand ?? set.views.get(owner)!).features[feature]!;
    const name = selection.fullFeatureNames ? `${owner}__${feature}` : feature;
    const other = names.get(name);
    if (other !== undefined)
      throw new ServingRequestError(
        `Both ${other} and ${owner} have a feature ${name}; ask with full feature names (view__feature).`,
        { column: name },
      );
    names.set(name, owner);
    features.push({ ref: `${owner}:${feature}`, owner, feature, name, type, onDemand: onDemand !== undefined });
  }
  const steps = onDemandSteps(
    set,
    features.filter((f) => f.onDemand).map((f) => f.owner),
  );
  // Views read: served features and on-demand inputs, in first-mention order.
  const perView = new Map<string, Set<string>>();
  const need = (view: string, feature: string) => perView.set(view, (perView.get(view) ?? new Set()).add(feature));
  for (const f of features) if (!f.onDemand) need(f.owner, f.feature);
  for (const step of steps) for (const i of step.inputs) if (set.views.has(i.owner)) need(i.owner, i.feature);
  const joinKeys = new Map<string, FeatureType>();
  const views: ServedView[] = [];
  const reads: OnlineViewRead[] = [];
  for (const [name, wanted] of perView) {
    const view = set.views.get(name)!;
    const keys = joinKeysOf(set, view) as [string, FeatureType][];
    for (const [key, type] of keys) {
      const known = joinKeys.get(key);
      if (known !== undefined && known !== type)
        throw new ServingRequestError(
          `Join key ${key} has two types among the requested views (${known} and ${type}).`,
          {
            joinKey: key,
          },
        );
      joinKeys.set(key, type);
    }
    const list = [...wanted];
    views.push({ view: name, source: view.source, joinKeys: keys.map(([k]) => k), features: list });
    reads.push({ view: name, joinKeys: keys.map(([k]) => k), features: list, ttlMs: view.ttlMs });
  }
  const requestData = new Map<string, FeatureType>();
  for (const step of steps)
    for (const [name, type] of Object.entries(step.definition.requestData)) requestData.set(name, type);
  return { features, joinKeys: [...joinKeys], requestData: [...requestData], views, reads, steps };
}
