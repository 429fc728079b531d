/**
 * The feature store: definitions in TypeScript (`features/*.ts`, the light
 * `strata/features` entry), a registry in the metadata database (plan/apply, every
 * version kept), and point-in-time training sets written as Delta tables that pin the
 * versions they read and can be rebuilt exactly. The online store is in `online/`.
 */
export {
  defineEntity,
  defineFeatureView,
  defineOnDemandFeature,
  defineFeatureService,
  tableSource,
  sqlSource,
  isFeatureDefinition,
  objectLabel,
  type EntityDefinition,
  type FeatureViewDefinition,
  type OnDemandFeatureDefinition,
  type FeatureServiceDefinition,
  type FeatureDefinition,
  type FeatureSource,
  type OnDemandInput,
} from './definition/feature-definition.js';
export { FeatureType, acceptsColumn, isFeatureType } from './definition/feature-types.js';
export { durationMs, type Duration } from './definition/durations.js';
export {
  definitionSet,
  resolveRefs,
  joinKeysOf,
  type DefinitionSet,
  type FeatureRef,
} from './definition/definition-set.js';
export { loadFeatureFile, loadFeatureDirectory } from './definition/feature-loader.js';
export { storedDefinition, definitionHash } from './definition/stored-definition.js';
// Registry: plan and apply
export { FeatureRegistry, type FeatureRegistryOptions, type ApplyResult } from './registry/feature-registry.js';
export type { FeaturePlan, PlannedChange } from './registry/feature-plan.js';
export type { AppliedObject } from './registry/applied-definitions.js';
export type { FeatureTables, FeatureMeta } from './registry/feature-tables.js';
export { FEATURE_MIGRATIONS } from './migrations/feature-migrations.js';
// Training sets
export { getTrainingSet, rebuildTrainingSet, type TrainingSetResult } from './training/training-set.js';
export type { TrainingSetRequest } from './training/training-request.js';
export type { EntityRows } from './training/entity-rows.js';
export {
  MANIFEST_PROPERTY,
  readManifest,
  type TrainingSetManifest,
  type EntityRowsRecord,
} from './training/training-manifest.js';
export type { PinnedRead } from './training/source-sql.js';
// Materialization into the online store, incremental by Delta commit
export { materialize, type MaterializeOptions, type MaterializeResult } from './materialization/materialize-view.js';
export { ReadKind } from './materialization/source-changes.js';
export { materializeFlow, type MaterializeFlowOptions } from './materialization/materialize-flow.js';
export { materializationHistory, type MaterializationRecord } from './materialization/materialization-log.js';
export {
  MaterializeErrorCode,
  MaterializeError,
  MaterializeConflictError,
} from './materialization/materialize-errors.js';
// The online store (the OnlineStore extension point, embedded lmdb and Redis, reads with statuses)
export type {
  FeatureValue,
  OnlineRow,
  OnlineStore,
  StoredRow,
  ViewKeys,
  WatermarkStep,
  // The lake has its own WriteOptions/WriteResult: these are the online store's.
  WriteOptions as OnlineWriteOptions,
  WriteResult as OnlineWriteResult,
  EntityKey,
  JoinKeyValue,
  FeatureReading,
  FeatureColumn,
  OnlineReadRequest,
  OnlineViewRead,
  OnlineStoreOptions,
  OnlineStoreConfigOptions,
  RedisOnlineStoreOptions,
} from './online/index.js';
export {
  encodeEntityKey,
  decodeEntityKey,
  FeatureStatus,
  featureReading,
  isOutsideMaxAge,
  readOnlineFeatures,
  openOnlineStore,
  resolveOnlineStoreUrl,
  ONLINE_STORE_URL_ENV,
  ONLINE_DIRECTORY,
  LmdbOnlineStore,
  RedisOnlineStore,
  OnlineErrorCode,
  OnlineStoreError,
  OnlineStoreUnavailableError,
  OnlineStoreInvalidError,
  OnlineWatermarkConflictError,
  OnlineStoreClosedError,
} from './online/index.js';
// Online serving (plans, on-demand features, pushes)
export * from './serving/index.js';
// Errors
export {
  FeatureErrorCode,
  FeatureError,
  FeatureDefinitionError,
  FeatureLoadError,
  IncompatibleChangeError,
  FeatureNotFoundError,
  EntityRowsError,
  SourceVersionGoneError,
  TrainingSetError,
  ServingRequestError,
  OnDemandFailedError,
  PushError,
} from './errors.js';
