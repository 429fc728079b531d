/**
 * A consistent set of definitions: names unique per kind (views and on-demand features
 * share one namespace, since feature references name either), every reference resolves,
 * and on-demand features do not depend on themselves through other on-demand features.
 */
import { FeatureDefinitionError } from '../errors.js';
import type {
  EntityDefinition,
  FeatureDefinition,
  FeatureServiceDefinition,
  FeatureViewDefinition,
  OnDemandFeatureDefinition,
} from './feature-definition.js';

export interface DefinitionSet {
  readonly entities: ReadonlyMap<string, EntityDefinition>;
  readonly views: ReadonlyMap<string, FeatureViewDefinition>;
  readonly onDemand: ReadonlyMap<string, OnDemandFeatureDefinition>;
  readonly services: ReadonlyMap<string, FeatureServiceDefinition>;
}

/** One referenced feature: the view (or on-demand feature) it belongs to and its name. */
export interface FeatureRef {
  readonly owner: string;
  readonly feature: string;
}

export function definitionSet(definitions: readonly FeatureDefinition[]): DefinitionSet {
  const entities = new Map<string, EntityDefinition>();
  const views = new Map<string, FeatureViewDefinition>();
  const onDemand = new Map<string, OnDemandFeatureDefinition>();
  const services = new Map<string, FeatureServiceDefinition>();
  for (const d of definitions) {
    const map: Map<string, FeatureDefinition> =
      d.kind === 'entity'
        ? entities
        : d.kind === 'featureService'
          ? services
          : d.kind === 'featureView'
            ? views
            : onDemand;
    const clash =
      map.get(d.name) ??
      (d.kind === 'featureView' ? onDemand.get(d.name) : d.kind === 'onDemandFeature' ? views.get(d.name) : undefined);
    if (clash !== undefined && clash !== d)
      throw new FeatureDefinitionError(d.name, 'is defined twice; give each definition its own name.', {
        field: 'name',
      });
    map.set(d.name, d);
  }
  const set: DefinitionSet = { entities, views, onDemand, services };
  for (const view of views.values()) checkView(set, view);
  for (const odf of onDemand.values())
    for (const input of odf.inputs) resolveRefs(set, [input], `on-demand feature ${odf.name}`, 'inputs');
  checkOnDemandCycles(set);
  for (const service of services.values())
    resolveRefs(set, service.features, `feature service ${service.name}`, 'features');
  return set;
}

function checkView(set: DefinitionSet, view: FeatureViewDefinition): void {
  const keys = new Set<string>();
  for (const name of view.entities) {
    const entity = set.entities.get(name);
    if (entity === undefined)
      throw new FeatureDefinitionError(`feature view ${view.name}`, `names entity ${name}, which is not defined.`, {
        field: 'entities',
        known: [...set.entities.keys()],
      });
    for (const key of Object.keys(entity.joinKeys)) {
      if (Object.hasOwn(view.features, key) || keys.has(key))
        throw new FeatureDefinitionError(`feature view ${view.name}`, `join key ${key} is declared twice.`, {
          field: key,
        });
      keys.add(key);
    }
  }
}

/** The view's join keys with their types, in entity order. */
export function joinKeysOf(set: DefinitionSet, view: FeatureViewDefinition): [string, string][] {
  return view.entities.flatMap((name) => Object.entries(set.entities.get(name)!.joinKeys));
}

/** Expands references (`view:feature`, `view`) to features, in order, without repeats; unknown ones are refused naming `object`. */
export function resolveRefs(set: DefinitionSet, refs: readonly string[], object: string, field: string): FeatureRef[] {
  const out: FeatureRef[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const [owner = '', feature] = ref.split(':');
    const features = (set.views.get(owner) ?? set.onDemand.get(owner))?.features;
    if (features === undefined)
      throw new FeatureDefinitionError(
        object,
        `${field} names ${ref}, but there is no feature view or on-demand feature ${owner}.`,
        {
          field,
          ref,
        },
      );
    const names = feature === undefined ? Object.keys(features) : [feature];
    for (const name of names) {
      if (!Object.hasOwn(features, name))
        throw new FeatureDefinitionError(
          object,
          `${field} names ${ref}, but ${owner} has no feature ${name} (it has ${Object.keys(features).join(', ')}).`,
          {
            field,
            ref,
          },
        );
      const key = `${owner}:${name}`;
      if (!seen.has(key)) out.push({ owner, feature: name });
      seen.add(key);
    }
  }
  return out;
}

function checkOnDemandCycles(set: DefinitionSet): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: readonly string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new FeatureDefinitionError(`on-demand feature ${name}`, `depends on itself: ${cycle.join(' -> ')}.`, {
        field: 'inputs',
        cycle,
      });
    }
    state.set(name, 'visiting');
    for (const input of set.onDemand.get(name)!.inputs) {
      const owner = input.split(':')[0]!;
      if (set.onDemand.has(owner)) visit(owner, [...path, name]);
    }
    state.set(name, 'done');
  };
  for (const name of set.onDemand.keys()) visit(name, []);
}
