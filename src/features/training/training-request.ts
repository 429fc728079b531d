/**
 * A training-set request as the library takes it, and its resolution against the
 * applied definitions into what a build needs: which views, which of their features
 * under which output names, with which TTL, and which on-demand features over them.
 */
import type { Duration } from '../definition/durations.js';
import { durationMs } from '../definition/durations.js';
import type { DefinitionSet } from '../definition/definition-set.js';
import { FeatureNotFoundError, TrainingSetError } from '../errors.js';
import type { EntityRows } from './entity-rows.js';
import { trainingColumns, type OnDemandColumns, type ViewColumns } from './on-demand-columns.js';

export interface TrainingSetRequest {
  /** Feature references (`view:feature`, or `view` for all its features); or `service`. */
  readonly features?: readonly string[];
  /** A feature service whose features to use. */
  readonly service?: string;
  readonly entities: EntityRows;
  /** The catalog table to write (`schema.table`); it must not exist. */
  readonly output: string;
  /** The entity rows' timestamp column; default `event_timestamp`. */
  readonly timestampColumn?: string;
  /** `eventTime` ignores created times (values corrected later leak into earlier rows, as in Feast); default `bitemporal`. */
  readonly pointInTime?: 'bitemporal' | 'eventTime';
  /** The TTL to read every view with, or per view name; overrides the views' own. `0`: none. */
  readonly ttl?: Duration | Readonly<Record<string, Duration>>;
  /** Output columns named `view__feature` rather than `feature`. */
  readonly fullFeatureNames?: boolean;
}

export interface ResolvedFeatures {
  readonly refs: readonly string[];
  /** Views in first-mention order, each with its requested features and output names. */
  readonly views: readonly ViewColumns[];
  readonly ttlMs: Readonly<Record<string, number>>;
  readonly onDemand: OnDemandColumns;
}

export function resolveRequest(set: DefinitionSet, request: TrainingSetRequest): ResolvedFeatures {
  let refs = request.features ?? [];
  if (request.service !== undefined) {
    const service = set.services.get(request.service);
    if (service === undefined)
      throw new FeatureNotFoundError(`feature service ${request.service}`, [...set.services.keys()]);
    refs = [...service.features, ...refs];
  }
  if (refs.length === 0) throw new TrainingSetError('The request names no features: pass features or a service.');
  const columns = trainingColumns(set, refs, request.fullFeatureNames ?? false);
  const views = new Map(columns.views.map((v) => [v.view, v.features]));
  const ttlMs: Record<string, number> = {};
  for (const view of views.keys()) {
    const override = typeof request.ttl === 'object' ? request.ttl[view] : request.ttl;
    const ms = override === undefined ? set.views.get(view)!.ttlMs : durationMs(override);
    if (ms === undefined)
      throw new TrainingSetError(`ttl ${JSON.stringify(override)} for ${view} is not a duration like '12h' or '7d'.`, {
        view,
      });
    ttlMs[view] = ms;
  }
  return { refs: columns.refs, views: columns.views, ttlMs, onDemand: columns.onDemand };
}
