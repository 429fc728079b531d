/**
 * Monitors as definitions, like flows: `defineMonitor({...})` checks and freezes what a
 * monitor watches (a model by alias, its reference, the production data and labels),
 * which features, when it runs (a flows schedule: cron, interval, or on table updates)
 * and the rules that turn statistics into a breach. `monitorFlow` (monitor-flow.ts) turns
 * one into the flow that runs it. Light: no DuckDB, no database.
 */
import type { Schedule } from '../../flows/define.js';
import type { DriftMode } from '../monitoring/index.js';
import { ModelInvalidParameterError } from '../errors.js';

export type MonitorReference =
  /** The training set the model was trained on (a Delta table; `version` pins it). */
  | { readonly kind: 'training_set'; readonly table: string; readonly version?: number }
  /** A fixed window of a table (e.g. the prediction log's first month), by a time column. */
  | {
      readonly kind: 'window';
      readonly table: string;
      readonly timeColumn: string;
      readonly from: string;
      readonly to: string;
    };

export interface MonitorCurrent {
  /** The production rows (the prediction log, or any table with the features). */
  readonly table: string;
  /** With `lookbackHours`: only rows whose time is within that many hours before the run. */
  readonly timeColumn?: string;
  readonly lookbackHours?: number;
  /** The model's output column, monitored for drift as a feature named `prediction`. */
  readonly prediction?: string;
  /** Labels that arrive later, joined on a key (a request id or an entity key). */
  readonly labels?: { readonly table: string; readonly joinOn: string; readonly label: string };
}

export interface MonitorFeature {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
}

export interface MonitorRules {
  /** How a feature's drift is judged (default: size-independent effect sizes). */
  readonly drift?: DriftMode;
  /** A breach when at least this share of features drift (default: any one feature). */
  readonly driftedShare?: number;
  /** Also test all numeric features together with a domain classifier (default true). */
  readonly multivariate?: boolean;
  /** Binary classifier performance: `score` a probability, `label` 0/1 in the reference. */
  readonly performance?: {
    readonly score: string;
    readonly label: string;
    /** A breach when accuracy (estimated, or realized once labels arrive) falls more than this below the reference's. */
    readonly maxAccuracyDrop: number;
  };
  /** A breach when a feature's null share rises by more than this over the reference's (default 0.05). */
  readonly maxNullIncrease?: number;
}

export interface MonitorAlerts {
  /** POSTed the evidence as JSON on a breach (retried; the URL is never logged). */
  readonly webhook?: string;
  /** A flow to run on a breach (retraining; its model version becomes the `challenger`). */
  readonly retrainFlow?: string;
}

export interface MonitorOptions {
  readonly name: string;
  /** `name@alias` (`churn@champion`) or `name/version`. */
  readonly model: string;
  readonly reference: MonitorReference;
  readonly current: MonitorCurrent;
  readonly features: readonly MonitorFeature[];
  readonly schedule?: Schedule;
  readonly rules?: MonitorRules;
  readonly alerts?: MonitorAlerts;
  /** The domain classifier's permutations and the learned thresholds are seeded (default 1). */
  readonly seed?: number;
}

export interface MonitorDefinition extends MonitorOptions {
  readonly kind: 'monitor';
  readonly rules: MonitorRules;
}

const NAME = /^[a-z][a-z0-9_]*$/;

function invalid(name: string, message: string): never {
  throw new ModelInvalidParameterError(`Monitor ${name}: ${message}.`, { monitor: name });
}

export function defineMonitor(options: MonitorOptions): MonitorDefinition {
  const name = options.name;
  if (typeof name !== 'string' || !NAME.test(name))
    invalid(String(name), 'name must be lower-case letters, digits and _, starting with a letter');
  if (!/^[\w.-]+(@[\w-]+|\/\d+)$/.test(options.model))
    invalid(name, `model "${options.model}" must be name@alias (churn@champion) or name/version`);
  if (options.reference.kind !== 'training_set' && options.reference.kind !== 'window')
    invalid(name, 'reference.kind must be training_set or window');
  if (options.features.length === 0 && options.current.prediction === undefined)
    invalid(name, 'list the features to monitor (or a prediction column)');
  const seen = new Set<string>();
  for (const f of options.features) {
    if (f.kind !== 'numeric' && f.kind !== 'categorical')
      invalid(name, `feature ${f.name}: kind must be numeric or categorical`);
    if (seen.has(f.name)) invalid(name, `feature ${f.name} is listed twice`);
    seen.add(f.name);
  }
  if ((options.current.lookbackHours === undefined) !== (options.current.timeColumn === undefined))
    invalid(name, 'current.lookbackHours and current.timeColumn go together');
  const share = options.rules?.driftedShare;
  if (share !== undefined && !(share > 0 && share <= 1)) invalid(name, 'rules.driftedShare must be in (0, 1]');
  return Object.freeze({ ...options, kind: 'monitor', rules: Object.freeze({ ...options.rules }) });
}

/** The model name and alias (or version) a monitor names. */
export function monitoredModel(definition: MonitorDefinition): { readonly name: string; readonly ref: string } {
  const at = definition.model.search(/[@/]/);
  return { name: definition.model.slice(0, at), ref: definition.model.slice(at) };
}
