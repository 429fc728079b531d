/**
 * strata/models: experiment tracking and the model registry (MLflow-compatible in
 * their data and rules), on the warehouse's metadata database and object store.
 * Guarantees: a run's params are write-once; a log batch is all-or-nothing; searches
 * are one SQL query each and metric histories are read in pages; version numbers of a
 * registered model are unique and increasing; an alias names exactly one version; a
 * gated model's `champion` alias only moves to a version whose latest gate decision
 * passed; a served prediction reaches the prediction log unless the process dies within
 * the log's stated loss window.
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
export {
  mlflowCommandTracking,
  type MlflowCommandTracking,
  type MlflowCommandTrackingOptions,
} from './tracking/mlflow-command-tracking.js';

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
  ModelTrackingUnavailableError,
  ModelGateRefusedError,
  ModelFeatureInvalidError,
  ModelLoadError,
} from './errors.js';

// Lineage: what a run trained on (training set, Delta versions, definitions, flow run), inherited by versions
export { LineageStore } from './lineage/lineage-store.js';
export {
  lineageFromManifest,
  trainingSetLineage,
  TRAINING_SET_PROPERTY,
  type ManifestLike,
  type LineageContext,
} from './lineage/training-set-lineage.js';
export type {
  RunLineage,
  RecordedLineage,
  VersionLineage,
  TrainedOn,
  LineageSource,
  LineageDefinition,
} from './lineage/lineage-types.js';

// Validation gates: bootstrap intervals on metrics from an evaluation table; the champion alias honours them
export { GateStore, GUARDED_ALIAS } from './gates/gate-store.js';
export { evaluateVersion, type GateRunner } from './gates/gate-runner.js';
export { evaluateRules, type EvaluationInput } from './gates/gate-evaluation.js';
export { bootstrapIndices, percentileInterval, quantile } from './gates/bootstrap.js';
export { METRICS as GATE_METRIC_FUNCTIONS } from './gates/eval-metrics.js';
export {
  GATE_METRICS,
  HIGHER_IS_BETTER,
  type GateMetric,
  type GateRule,
  type GateSpec,
  type RuleResult,
  type GateDecision,
} from './gates/gate-types.js';

// Serving: scorers cached by version, the one serving-version choice, the prediction log
export {
  ModelServer,
  type ModelServerOptions,
  type PredictRequest,
  type PredictResult,
} from './serving/model-server.js';
export {
  chooseServingVersion,
  DEFAULT_SERVING_ALIAS,
  type ServingRequest,
  type ServingChoice,
  type ServingLookup,
} from './serving/serving-version.js';
export { loadModelVersion, predictColumns, type LoadedModel, type ModelFiles } from './serving/loaded-model.js';
export { featureColumns, type FeatureRow } from './serving/feature-rows.js';
export {
  scoreTable,
  batchScoringTask,
  type BatchScoringOptions,
  type BatchScoringResult,
} from './serving/batch-scoring.js';
export { PredictionLog, type PredictionLogOptions, type PredictionRecord } from './serving/prediction-log.js';

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
  ModelFormat,
  loadScorer,
  type ModelScorer,
  type LoadScorerOptions,
  type OnnxScorerOptions,
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
