/**
 * strata/models: experiment tracking and the model registry (MLflow-compatible in
 * their data and rules), on the warehouse's metadata database and object store.
 * Guarantees: a run's params are write-once; a log batch is all-or-nothing; searches
 * are one SQL query each and metric histories are read in pages; version numbers of a
 * registered model are unique and increasing; an alias names exactly one version.
 */
export { ModelStores, type ModelStoresOptions } from './model-stores.js';
export { MODEL_MIGRATIONS } from './migrations/model-migrations.js';
export type { ModelTables } from './model-tables.js';

export { ExperimentStore } from './tracking/experiment-store.js';
export { RunStore, SEARCH_MAX_RESULTS, type CreateRun } from './tracking/run-store.js';
export { RunLogStore, HISTORY_MAX_RESULTS, type Batch } from './tracking/run-log-store.js';
export { ArtifactStore, artifactPathOf, ARTIFACTS_SCHEME, type ArtifactEntry } from './tracking/artifact-store.js';
export { LIMITS as TRACKING_LIMITS } from './tracking/tracking-limits.js';
export {
  parseFilter,
  parseOrderBy,
  type FilterClause,
  type FilterDialect,
  type OrderTerm,
} from './tracking/search-filter.js';
export {
  RunStatus,
  type Experiment,
  type Run,
  type RunInfo,
  type Metric,
  type KeyValue,
  type DatasetInput,
  type Page,
  type SearchOptions,
  type ViewType,
  type LifecycleStage,
} from './tracking/tracking-types.js';
export type { Clock } from './tracking/view-type.js';

export { RegistryStore } from './registry/registry-store.js';
export { AliasStore } from './registry/alias-store.js';
export { parseModelUri } from './registry/model-uri.js';
export {
  STAGES,
  type Stage,
  type ModelVersion,
  type RegisteredModel,
  type CreateModelVersion,
  type ModelReference,
} from './registry/registry-types.js';

export {
  ModelErrorCode,
  MLFLOW_ERROR_CODE,
  ModelError,
  ModelInvalidParameterError,
  ModelNotFoundError,
  ModelAlreadyExistsError,
} from './errors.js';

// Model formats: Strata's gradient-boosted trees and XGBoost JSON, scored through one flat ensemble
export {
  ModelFormatErrorCode,
  ModelFormatError,
  ModelFormatInvalidError,
  ModelFormatUnsupportedError,
  ModelInputInvalidError,
  ModelTrainingInvalidError,
  predictBatch,
  predictRow,
  scoreBatchMargins,
  scoreRowMargins,
  loadXgboostJson,
  GbtObjective,
  gbtEnsemble,
  parseGbtModel,
  serializeGbtModel,
  trainGbt,
  logLoss,
  rmse,
  rocAuc,
  type OutputTransform,
  type TreeEnsemble,
  type TreeArrays,
  type XgboostModel,
  type GbtOptions,
  type GbtModel,
  type GbtTree,
  type GbtData,
  type GbtTrainingInput,
  type GbtTrainingResult,
} from './formats/index.js';

// Champion/challenger rollout: traffic policies, the per-request router, the promotion controller
export {
  parseTrafficPolicy,
  policyVersions,
  routeRequest,
  keyBucket,
  ROUTE_BUCKETS,
  TrafficPolicyStore,
  PromotionController,
  ExperimentStatus,
  type TrafficPolicy,
  type TrafficPolicyKind,
  type WeightedVersion,
  type Route,
  type PolicyChange,
  type CurrentPolicy,
  type Experiment as PromotionExperiment,
  type Look as PromotionLook,
  type PromotionGate,
  type StartExperiment,
} from './rollout/index.js';

// Monitors: definitions, runs as flows, results and alerts in Delta tables, webhooks
export {
  defineMonitor,
  monitoredModel,
  evaluateMonitor,
  buildAlert,
  deliverWebhook,
  redactWebhook,
  runMonitor,
  lakeMonitorIo,
  readMonitorTable,
  monitorTableLocation,
  monitorManifest,
  listMonitorManifests,
  monitorFlow,
  MONITOR_FLOW_PREFIX,
  type MonitorDefinition,
  type MonitorOptions,
  type MonitorReference,
  type MonitorCurrent,
  type MonitorFeature,
  type MonitorRules,
  type MonitorAlerts,
  type MonitorResult,
  type MonitorInputs,
  type MonitorEvaluation,
  type MonitorAlert,
  type MonitorIo,
  type AlertRecord,
  type MonitorRunOutcome,
  type DeliveryResult,
  type MonitorManifest,
} from './monitors/index.js';

// Monitoring's statistical core (drift, data quality, sequential detection, performance
// estimation, the promotion decision), grouped under one name: its functions are many and
// some names (rocAuc) are also the formats'.
export * as monitoring from './monitoring/index.js';
export {
  MonitoringErrorCode,
  MonitoringError,
  MonitoringInputError,
  MonitoringStateError,
} from './monitoring/index.js';
