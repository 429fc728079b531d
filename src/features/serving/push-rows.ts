/**
 * Pushing rows of a feature view straight to the online store (the push half of
 * `POST /v1/features/push`; the offline half appends the same rows to the view's source
 * table). Rows carry the view's join keys, event time, features and, when the view has
 * one, its created-time column: a row without it is stamped with the push time, in both
 * stores, so a later push of the same event time wins, as a later correction would.
 * Writes follow the store's newest-wins rule, so an older push never overwrites newer data.
 */
import { joinKeysOf, type DefinitionSet } from '../definition/definition-set.js';
import type { FeatureViewDefinition } from '../definition/feature-definition.js';
import type { FeatureType } from '../definition/feature-types.js';
import { FeatureNotFoundError, PushError } from '../errors.js';
import type {
  FeatureValue,
  JoinKeyValue,
  OnlineRow,
  OnlineStore,
  WriteResult as OnlineWriteResult,
} from '../online/index.js';
import { shownValue, typedValue } from './request-values.js';

export type PushRow = Readonly<Record<string, unknown>>;

export function pushedView(set: DefinitionSet, name: string): FeatureViewDefinition {
  const view = set.views.get(name);
  if (view === undefined) throw new FeatureNotFoundError(`feature view ${name}`, [...set.views.keys()]);
  return view;
}

/** The rows with the view's created-time column filled where missing (ISO text of `nowMs`). */
export function stampedRows(view: FeatureViewDefinition, rows: readonly PushRow[], nowMs: number): PushRow[] {
  const created = view.createdTime;
  if (created === undefined) return [...rows];
  const stamp = new Date(nowMs).toISOString();
  return rows.map((row) => (row[created] === undefined || row[created] === null ? { ...row, [created]: stamp } : row));
}

function field(view: string, row: PushRow, index: number, name: string, type: FeatureType, required: boolean) {
  const value = row[name];
  if (value === undefined || value === null) {
    if (required)
      throw new PushError(`Row ${index} has no ${name} (feature view ${view}).`, { row: index, field: name });
    return null;
  }
  const typed = typedValue(type, value);
  if (typed === undefined)
    throw new PushError(
      `Row ${index}: ${name} is ${shownValue(value)}, but ${name} is ${type} (feature view ${view}).`,
      {
        row: index,
        field: name,
        expected: type,
      },
    );
  return typed;
}

/** The rows as online rows of `view`, every value checked against its declared type. */
export function onlineRows(set: DefinitionSet, view: FeatureViewDefinition, rows: readonly PushRow[]): OnlineRow[] {
  const keys = joinKeysOf(set, view) as [string, FeatureType][];
  const features = Object.entries(view.features);
  return rows.map((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new PushError(`Row ${i} is ${shownValue(row)}, not an object.`, { row: i });
    const key: Record<string, JoinKeyValue> = {};
    for (const [name, type] of keys) key[name] = field(view.name, row, i, name, type, true)!;
    const eventTime = (field(view.name, row, i, view.eventTime, 'timestamp', true) as Date).getTime() * 1000;
    const created = view.createdTime ? field(view.name, row, i, view.createdTime, 'timestamp', false) : null;
    const values: Record<string, FeatureValue> = {};
    for (const [name, type] of features) values[name] = field(view.name, row, i, name, type, false);
    return { key, eventTime, ...(created ? { createdTime: (created as Date).getTime() * 1000 } : {}), values };
  });
}

export function pushOnline(
  store: OnlineStore,
  set: DefinitionSet,
  view: FeatureViewDefinition,
  rows: readonly PushRow[],
): Promise<OnlineWriteResult> {
  return store.write(view.name, onlineRows(set, view, rows));
}
