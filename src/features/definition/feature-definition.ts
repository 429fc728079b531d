/**
 * Feature definitions as users write them in `features/*.ts`: entities, feature views
 * over lake sources, on-demand features and feature services. Each define* call checks
 * its own object and returns it frozen; references between objects (a view's entities,
 * a service's features, an on-demand feature's inputs) are checked together by
 * validateDefinitions, and columns against the sources at plan time.
 *
 * Feature references are `view:feature` (or `view` for all of a view's features), as in Feast.
 */
import { FeatureDefinitionError } from '../errors.js';
import { durationMs, type Duration } from './durations.js';
import { isFeatureType, type FeatureType } from './feature-types.js';

export type FeatureSource =
  { readonly kind: 'table'; readonly table: string } | { readonly kind: 'sql'; readonly sql: string };

export interface EntityDefinition {
  readonly kind: 'entity';
  readonly name: string;
  /** Join key columns and their types, in the order they are joined on. */
  readonly joinKeys: Readonly<Record<string, FeatureType>>;
  readonly description?: string;
}

export interface FeatureViewDefinition {
  readonly kind: 'featureView';
  readonly name: string;
  /** Entity names; the view's rows are keyed by all their join keys. */
  readonly entities: readonly string[];
  readonly source: FeatureSource;
  readonly eventTime: string;
  /** When the row was written (ingested); absent: rows are known from their event time on. */
  readonly createdTime?: string;
  /** How long a value stays valid after its event time; 0: forever. */
  readonly ttlMs: number;
  readonly features: Readonly<Record<string, FeatureType>>;
  readonly description?: string;
}

/** The values an on-demand feature's function receives: its request data and its input features by reference. */
export type OnDemandInput = Readonly<Record<string, unknown>>;

export interface OnDemandFeatureDefinition {
  readonly kind: 'onDemandFeature';
  readonly name: string;
  /** Values the request carries (not stored anywhere), by name and type. */
  readonly requestData: Readonly<Record<string, FeatureType>>;
  /** Feature references it reads (`view:feature`, or another on-demand feature's `name:feature`). */
  readonly inputs: readonly string[];
  readonly features: Readonly<Record<string, FeatureType>>;
  /** Pure function of request data and inputs (keyed as declared) to the features. */
  readonly compute: (input: OnDemandInput) => Readonly<Record<string, unknown>>;
  readonly description?: string;
}

export interface FeatureServiceDefinition {
  readonly kind: 'featureService';
  readonly name: string;
  readonly features: readonly string[];
  readonly description?: string;
}

export type FeatureDefinition =
  EntityDefinition | FeatureViewDefinition | OnDemandFeatureDefinition | FeatureServiceDefinition;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFINITION = Symbol.for('strata.featureDefinition');

export function isFeatureDefinition(value: unknown): value is FeatureDefinition {
  return typeof value === 'object' && value !== null && (value as { [DEFINITION]?: unknown })[DEFINITION] === true;
}

function brand<T extends FeatureDefinition>(definition: T): T {
  Object.defineProperty(definition, DEFINITION, { value: true, enumerable: false });
  return Object.freeze(definition);
}

function checkName(what: string, name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name))
    throw new FeatureDefinitionError(
      `${what} ${JSON.stringify(name)}`,
      'a name is letters, digits and underscores, starting with a letter or underscore.',
      { field: 'name' },
    );
  return name;
}

function checkTypes(object: string, field: string, types: unknown, nonEmpty: boolean): Record<string, FeatureType> {
  if (typeof types !== 'object' || types === null || Array.isArray(types))
    throw new FeatureDefinitionError(object, `${field} must map names to types.`, { field });
  const entries = Object.entries(types as Record<string, unknown>);
  if (nonEmpty && entries.length === 0) throw new FeatureDefinitionError(object, `${field} is empty.`, { field });
  for (const [name, type] of entries) {
    if (!NAME.test(name))
      throw new FeatureDefinitionError(object, `${field}.${name} is not a plain column name.`, { field: name });
    if (!isFeatureType(type))
      throw new FeatureDefinitionError(
        object,
        `${field}.${name} has type ${JSON.stringify(type)}; use int32, int64, float32, float64, string, bool, timestamp or date.`,
        { field: name },
      );
  }
  return Object.freeze({ ...(types as Record<string, FeatureType>) });
}

export function defineEntity(options: {
  name: string;
  joinKeys: Readonly<Record<string, FeatureType>>;
  description?: string;
}): EntityDefinition {
  const name = checkName('entity', options.name);
  const joinKeys = checkTypes(`entity ${name}`, 'joinKeys', options.joinKeys, true);
  return brand({
    kind: 'entity',
    name,
    joinKeys,
    ...(options.description ? { description: options.description } : {}),
  });
}

/** A lake table by catalog name (`schema.table` or `table`). */
export const tableSource = (table: string): FeatureSource => Object.freeze({ kind: 'table', table });
/** SQL over lake tables by catalog name; its result is read as the view's rows. */
export const sqlSource = (sql: string): FeatureSource => Object.freeze({ kind: 'sql', sql });

export function defineFeatureView(options: {
  name: string;
  entities: readonly (EntityDefinition | string)[];
  source: FeatureSource | string;
  eventTime: string;
  createdTime?: string;
  ttl?: Duration;
  features: Readonly<Record<string, FeatureType>>;
  description?: string;
}): FeatureViewDefinition {
  const name = checkName('feature view', options.name);
  const object = `feature view ${name}`;
  const features = checkTypes(object, 'features', options.features, true);
  const entities = (options.entities ?? []).map((e) => (typeof e === 'string' ? e : e.name));
  if (entities.length === 0) throw new FeatureDefinitionError(object, 'names no entity.', { field: 'entities' });
  const source = typeof options.source === 'string' ? tableSource(options.source) : options.source;
  if (source?.kind !== 'table' && source?.kind !== 'sql')
    throw new FeatureDefinitionError(object, 'source must be tableSource(...) or sqlSource(...).', { field: 'source' });
  for (const field of ['eventTime', 'createdTime'] as const) {
    const column = options[field];
    if (column === undefined && field === 'createdTime') continue;
    if (typeof column !== 'string' || !NAME.test(column))
      throw new FeatureDefinitionError(object, `${field} must name a column.`, { field });
    if (Object.hasOwn(features, column))
      throw new FeatureDefinitionError(object, `${field} column ${column} is also declared as a feature.`, {
        field: column,
      });
  }
  const ttlMs = options.ttl === undefined ? 0 : durationMs(options.ttl);
  if (ttlMs === undefined)
    throw new FeatureDefinitionError(
      object,
      `ttl ${JSON.stringify(options.ttl)} is not a duration like '12h' or '7d'.`,
      {
        field: 'ttl',
      },
    );
  return brand({
    kind: 'featureView',
    name,
    entities: Object.freeze(entities),
    source,
    eventTime: options.eventTime,
    ...(options.createdTime ? { createdTime: options.createdTime } : {}),
    ttlMs,
    features,
    ...(options.description ? { description: options.description } : {}),
  });
}

export function defineOnDemandFeature(options: {
  name: string;
  requestData?: Readonly<Record<string, FeatureType>>;
  inputs?: readonly string[];
  features: Readonly<Record<string, FeatureType>>;
  compute: (input: OnDemandInput) => Readonly<Record<string, unknown>>;
  description?: string;
}): OnDemandFeatureDefinition {
  const name = checkName('on-demand feature', options.name);
  const object = `on-demand feature ${name}`;
  if (typeof options.compute !== 'function')
    throw new FeatureDefinitionError(object, 'compute must be a function.', { field: 'compute' });
  return brand({
    kind: 'onDemandFeature',
    name,
    requestData: checkTypes(object, 'requestData', options.requestData ?? {}, false),
    inputs: Object.freeze([...(options.inputs ?? [])]),
    features: checkTypes(object, 'features', options.features, true),
    compute: options.compute,
    ...(options.description ? { description: options.description } : {}),
  });
}

export function defineFeatureService(options: {
  name: string;
  features: readonly string[];
  description?: string;
}): FeatureServiceDefinition {
  const name = checkName('feature service', options.name);
  if (!Array.isArray(options.features) || options.features.length === 0)
    throw new FeatureDefinitionError(`feature service ${name}`, 'names no features.', { field: 'features' });
  return brand({
    kind: 'featureService',
    name,
    features: Object.freeze([...options.features]),
    ...(options.description ? { description: options.description } : {}),
  });
}

/** How messages name an object: `feature view driver_stats`. */
export function objectLabel(definition: Pick<FeatureDefinition, 'kind' | 'name'>): string {
  const words = {
    entity: 'entity',
    featureView: 'feature view',
    onDemandFeature: 'on-demand feature',
    featureService: 'feature service',
  };
  return `${words[definition.kind]} ${definition.name}`;
}
