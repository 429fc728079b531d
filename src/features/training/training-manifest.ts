/**
 * What a training set records about itself, in its Delta table's properties
 * (`strata.trainingSet`): the request, the definitions it used (with their registry
 * versions and full text, so a rebuild does not depend on what is applied later) and the
 * Delta version of every table it read.
 */
import type { JsonValue } from '../../core/index.js';
import { TrainingSetError } from '../errors.js';
import type { PinnedRead } from './source-sql.js';

export const MANIFEST_PROPERTY = 'strata.trainingSet';

export type EntityRowsRecord =
  | { readonly kind: 'rows'; readonly count: number }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'range'; readonly start: string; readonly end: string };

export interface TrainingSetManifest {
  readonly format: 1;
  readonly request: {
    readonly features: readonly string[];
    readonly service?: string;
    readonly entities: EntityRowsRecord;
    readonly timestampColumn: string;
    readonly pointInTime: 'bitemporal' | 'eventTime';
    /** The TTL each view was read with (ms; 0: none), overrides applied. */
    readonly ttlMs: Readonly<Record<string, number>>;
    readonly fullFeatureNames: boolean;
  };
  readonly definitions: readonly {
    readonly kind: string;
    readonly name: string;
    readonly version: number;
    readonly definition: JsonValue;
  }[];
  /** Every table read: a view's source (`view` set) or the entity rows'. */
  readonly sources: readonly (PinnedRead & { readonly view?: string })[];
  readonly featureColumns: readonly string[];
  /** For a rebuild: the training set it reproduces. */
  readonly rebuiltFrom?: { readonly table: string; readonly version: number };
}

export function readManifest(configuration: Readonly<Record<string, string>>, table: string): TrainingSetManifest {
  const text = configuration[MANIFEST_PROPERTY];
  if (text === undefined)
    throw new TrainingSetError(`${table} is not a training set (its table has no ${MANIFEST_PROPERTY} property).`, {
      table,
    });
  try {
    return JSON.parse(text) as TrainingSetManifest;
  } catch (error) {
    throw new TrainingSetError(`${table}'s ${MANIFEST_PROPERTY} property is not JSON.`, { table }, { cause: error });
  }
}
