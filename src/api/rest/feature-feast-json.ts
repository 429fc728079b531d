/**
 * Feast's feature-server JSON (`feast serve`, `POST /get-online-features`):
 *
 *   request   {features: ["view:feature", ...] | feature_service: "name",
 *              entities: {join_key: [v1, v2, ...], request_field: [...]}, full_feature_names?}
 *   response  {metadata: {feature_names: [join keys..., features...]},
 *              results: [{values: [...], statuses: [...], event_timestamps: [...]}, ...]}
 *
 * `results[i]` belongs to `feature_names[i]` and holds one value per entity row: the
 * layout of Feast's GetOnlineFeaturesResponse (a FeatureVector per feature). Entity
 * columns come first, echoing the request, with status PRESENT and the epoch as event
 * time; a feature without a row (NOT_FOUND) also gets the epoch, as protobuf writes an
 * unset Timestamp. Full feature names are `view__feature`, as Feast names them.
 */
import type { EntityRow, OnlineFeatures, ServingPlan } from '../../features/index.js';
import { ServingRequestError } from '../../features/index.js';
import { eventTimestamps, jsonValues } from './feature-json.js';

export interface FeastRequest {
  readonly features?: readonly string[];
  readonly feature_service?: string;
  readonly entities: Readonly<Record<string, readonly unknown[]>>;
  readonly full_feature_names?: boolean;
}

const EPOCH = '1970-01-01T00:00:00Z';

/** Feast's entity columns as rows; every column must have the same length. */
export function feastRows(entities: FeastRequest['entities']): EntityRow[] {
  const names = Object.keys(entities);
  const n = names.length === 0 ? 0 : entities[names[0]!]!.length;
  for (const name of names)
    if (entities[name]!.length !== n)
      throw new ServingRequestError(
        `entities.${name} has ${entities[name]!.length} values but entities.${names[0]} has ${n}: every entity column needs one value per row.`,
        { column: name },
      );
  const rows = new Array<Record<string, unknown>>(n);
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {};
    for (const name of names) row[name] = entities[name]![i];
    rows[i] = row;
  }
  return rows;
}

export function feastResponse(entities: FeastRequest['entities'], plan: ServingPlan, result: OnlineFeatures) {
  const keys = plan.joinKeys.map(([name]) => name).filter((name) => Object.hasOwn(entities, name));
  const epochs = new Array<string>(result.rows).fill(EPOCH);
  const present = new Array<string>(result.rows).fill('PRESENT');
  const times = new Map<number, string>();
  return {
    metadata: { feature_names: [...keys, ...result.columns.map((c) => c.feature.name)] },
    results: [
      ...keys.map((name) => ({ values: entities[name]!, statuses: present, event_timestamps: epochs })),
      ...result.columns.map((c) => ({
        values: jsonValues(c.values),
        statuses: c.statuses,
        event_timestamps: eventTimestamps(c.eventTimes, times, EPOCH),
      })),
    ],
  };
}
