/**
 * Model monitoring's statistical core: drift statistics and rules, data quality, a
 * multivariate domain classifier, sequential change detection, performance estimated
 * without labels and realized with them, and the anytime-valid promotion decision.
 * Pure functions over arrays; monitors as flows, REST and traffic come later.
 */
export {
  MonitoringErrorCode,
  MonitoringError,
  MonitoringInputError,
  MonitoringStateError,
} from './monitoring-errors.js';
export { seededRandom, normalSample, type SeededRandom } from './seeded-random.js';
export { chiSquaredSf, normalCdf, normalQuantile, normalSf, kolmogorovSf } from './special-functions.js';
export { ksTwoSample, ksExactPValue, EXACT_LIMIT, type KsResult } from './ks-test.js';
export {
  categoryShares,
  numericShares,
  psi,
  jensenShannonDistance,
  wassersteinDistance,
  normalizedWasserstein,
  chiSquaredTest,
  proportionZTest,
  type Shares,
  type PValueResult,
} from './distribution-distance.js';
export {
  featureDrift,
  learnedThreshold,
  DEFAULT_DRIFT_MODE,
  EFFECT_SIZE_THRESHOLD,
  EVIDENTLY_SMALL_DATA_ROWS,
  P_VALUE_THRESHOLD,
  type DriftMode,
  type DriftTestName,
  type FeatureDrift,
  type FeatureValues,
} from './drift-rules.js';
export { dataQuality, type DataQuality, type QualityValues } from './data-quality.js';
export {
  classificationMetrics,
  regressionMetrics,
  rocAuc,
  type ClassificationMetrics,
  type RegressionMetrics,
} from './realized-metrics.js';
export {
  CUSUM_START,
  calibrateCusum,
  calibrateWindowKs,
  cusumUpdate,
  windowKsFirstAlarm,
  type CalibrationOptions,
  type CusumConfig,
  type CusumState,
  type WindowKsConfig,
} from './sequential-detector.js';
export {
  decide,
  p99LatencyMs,
  resumePromotion,
  startPromotion,
  type Arm,
  type ArmStats,
  type Decision,
  type Observation,
  type PromotionConfig,
  type PromotionResult,
  type PromotionState,
} from './promotion-decision.js';
export {
  calibrate,
  estimatePerformance,
  fitIsotonic,
  fitPlatt,
  type Calibration,
  type EstimatedPerformance,
} from './performance-estimation.js';
export {
  domainClassifierDrift,
  type DomainClassifierOptions,
  type DomainClassifierResult,
} from './domain-classifier.js';
