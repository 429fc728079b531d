/** Registered models and their versions, in MLflow's terms (times in epoch milliseconds). */
import type { KeyValue } from '../tracking/tracking-types.js';

/** MLflow's deprecated stages, still answered (MLflow 2.9+ keeps them working, with a deprecation). */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

export interface ModelVersion {
  readonly name: string;
  readonly version: number;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly userId: string | null;
  readonly currentStage: Stage;
  readonly description: string | null;
  readonly source: string;
  readonly runId: string | null;
  readonly runLink: string | null;
  /** Always READY once created: the artifacts are in place before the version is recorded. */
  readonly status: 'READY';
  readonly statusMessage: string | null;
  readonly tags: readonly KeyValue[];
  readonly aliases: readonly string[];
}

export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string | null;
  /** The newest version of each stage that has one. */
  readonly latestVersions: readonly ModelVersion[];
  readonly tags: readonly KeyValue[];
  readonly aliases: readonly { readonly alias: string; readonly version: number }[];
}

export interface CreateModelVersion {
  readonly name: string;
  readonly source: string;
  readonly runId?: string;
  readonly runLink?: string;
  readonly description?: string;
  readonly userId?: string;
  readonly tags?: readonly KeyValue[];
}

/** A parsed `models:/` URI: by version, by alias, by stage, or the latest version. */
export type ModelReference =
  | { readonly kind: 'version'; readonly name: string; readonly version: number }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string }
  | { readonly kind: 'stage'; readonly name: string; readonly stage: Stage }
  | { readonly kind: 'latest'; readonly name: string };
