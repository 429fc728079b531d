/**
 * Online feature serving over one OnlineStore: entity rows in, per feature the values,
 * statuses and event times out, on-demand features computed at request time by the same
 * code training sets use. Plans are compiled once per request shape and kept, so a
 * request costs the key checks, one store read and the on-demand functions.
 *
 * Guarantees: an entity row whose join key is missing or of the wrong type is refused
 * whole (FEATURE_SERVING_REQUEST naming the row and key) before the store is asked;
 * store outages surface as FEATURES_ONLINE_UNAVAILABLE (503) and the next request after
 * the store is back is served normally (the stores reconnect by themselves).
 */
import { systemClock, type Clock } from '../../core/index.js';
import type { DefinitionSet } from '../definition/definition-set.js';
import { ServingRequestError } from '../errors.js';
import {
  FeatureStatus,
  readOnlineFeatures,
  type FeatureValue,
  type JoinKeyValue,
  type OnlineStore,
} from '../online/index.js';
import { computeOnDemand } from './on-demand-compute.js';
import { shownValue, typedValue } from './request-values.js';
import { compilePlan, type FeatureSelection, type ServedFeature, type ServingPlan } from './serving-plan.js';

export type EntityRow = Readonly<Record<string, unknown>>;

export interface ServedColumn {
  readonly feature: ServedFeature;
  readonly values: readonly FeatureValue[];
  readonly statuses: readonly FeatureStatus[];
  /** Event times in µs since the epoch; null where there is none (no row, on-demand features). */
  readonly eventTimes: ReadonlyArray<number | null>;
}

export interface OnlineFeatures {
  readonly rows: number;
  /** The join keys as checked (typed), per key column. */
  readonly joinKeys: readonly { readonly name: string; readonly values: readonly JoinKeyValue[] }[];
  readonly columns: readonly ServedColumn[];
}

export interface FeatureServerOptions {
  readonly clock?: Clock;
  /** Close the store with the server (default true). */
  readonly ownsStore?: boolean;
  /** Most plans kept (default 1000); the oldest is dropped past it. */
  readonly maxPlans?: number;
}

export class FeatureServer {
  readonly #plans = new Map<string, ServingPlan>();
  readonly #clock: Clock;
  readonly #maxPlans: number;

  constructor(
    readonly definitions: DefinitionSet,
    readonly store: OnlineStore,
    private readonly options: FeatureServerOptions = {},
  ) {
    this.#clock = options.clock ?? systemClock;
    this.#maxPlans = options.maxPlans ?? 1000;
  }

  /** The compiled plan for a selection (cached). */
  plan(selection: FeatureSelection): ServingPlan {
    const key = `${selection.service ?? ''}\u0000${(selection.features ?? []).join('\u0001')}\u0000${selection.fullFeatureNames ? 1 : 0}`;
    let plan = this.#plans.get(key);
    if (plan === undefined) {
      plan = compilePlan(this.definitions, selection);
      if (this.#plans.size >= this.#maxPlans) this.#plans.delete(this.#plans.keys().next().value!);
      this.#plans.set(key, plan);
    }
    return plan;
  }

  async get(plan: ServingPlan, entityRows: readonly EntityRow[]): Promise<OnlineFeatures> {
    const n = entityRows.length;
    const keyColumns = plan.joinKeys.map(([name]) => ({ name, values: new Array<JoinKeyValue>(n) }));
    const keyed = new Array<Record<string, JoinKeyValue>>(n);
    for (let i = 0; i < n; i++) {
      const row = entityRows[i]!;
      if (typeof row !== 'object' || row === null || Array.isArray(row))
        throw new ServingRequestError(`Entity row ${i} is ${shownValue(row)}, not an object of join keys.`, { row: i });
      const key: Record<string, JoinKeyValue> = {};
      for (let k = 0; k < plan.joinKeys.length; k++) {
        const [name, type] = plan.joinKeys[k]!;
        const value = checkedKey(row, i, name, type);
        key[name] = value;
        keyColumns[k]!.values[i] = value;
      }
      keyed[i] = key;
    }
    const request = requestColumns(plan, entityRows);
    const read = await readOnlineFeatures(this.store, { entityRows: keyed, views: plan.reads }, this.#clock);
    const byRef = new Map(read.map((c) => [`${c.view}:${c.feature}`, c]));
    const computed = new Map<string, FeatureValue[]>();
    if (plan.steps.length > 0)
      computeOnDemand(plan.steps, n, (key) => byRef.get(key)?.values ?? request.get(key), computed);
    const columns = plan.features.map((feature): ServedColumn => {
      if (!feature.onDemand) {
        const { values, statuses, eventTimes } = byRef.get(feature.ref)!;
        return { feature, values, statuses, eventTimes };
      }
      const values = computed.get(feature.ref)!;
      return {
        feature,
        values,
        statuses: values.map((v) => (v === null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT)),
        eventTimes: values.map(() => null),
      };
    });
    return { rows: n, joinKeys: keyColumns, columns };
  }

  async close(): Promise<void> {
    if (this.options.ownsStore ?? true) await this.store.close();
  }
}

function checkedKey(row: EntityRow, index: number, name: string, type: string): JoinKeyValue {
  const value = row[name];
  if (value === undefined || value === null)
    throw new ServingRequestError(`Entity row ${index} has no value for join key ${name}.`, {
      row: index,
      joinKey: name,
    });
  const typed = typedValue(type as never, value);
  if (typed === undefined)
    throw new ServingRequestError(
      `Entity row ${index}: join key ${name} is ${shownValue(value)}, but ${name} is ${type}.`,
      { row: index, joinKey: name, expected: type },
    );
  return typed;
}

/** The on-demand features' request data, per name a column; missing values are null. */
function requestColumns(plan: ServingPlan, rows: readonly EntityRow[]): Map<string, FeatureValue[]> {
  const columns = new Map<string, FeatureValue[]>();
  for (const [name, type] of plan.requestData) {
    const values = rows.map((row, i) => {
      const value = row[name];
      if (value === undefined || value === null) return null;
      const typed = typedValue(type, value);
      if (typed === undefined)
        throw new ServingRequestError(
          `Entity row ${i}: request data ${name} is ${shownValue(value)}, but ${name} is ${type}.`,
          { row: i, field: name, expected: type },
        );
      return typed;
    });
    columns.set(name, values);
  }
  return columns;
}
