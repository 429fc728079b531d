/**
 * The online half of the feature store: the OnlineStore extension point, its two
 * built-ins (embedded lmdb, Redis) and the read path that attaches per-value statuses.
 * Re-exported by src/features/index.ts, the module's public entry.
 */
export type {
  FeatureValue,
  OnlineRow,
  OnlineStore,
  StoredRow,
  ViewKeys,
  WatermarkStep,
  WriteOptions,
  WriteResult,
} from './online-store.js';
export { encodeEntityKey, decodeEntityKey, type EntityKey, type JoinKeyValue } from './entity-key.js';
export { FeatureStatus, featureReading, isOutsideMaxAge, type FeatureReading } from './feature-status.js';
export { readOnlineFeatures, type FeatureColumn, type OnlineReadRequest, type OnlineViewRead } from './online-read.js';
export {
  openOnlineStore,
  resolveOnlineStoreUrl,
  ONLINE_STORE_URL_ENV,
  ONLINE_DIRECTORY,
  type OnlineStoreOptions,
  type OnlineStoreConfigOptions,
} from './open-online-store.js';
export { LmdbOnlineStore } from './lmdb-store.js';
export { RedisOnlineStore, type RedisOnlineStoreOptions } from './redis-store.js';
export {
  OnlineErrorCode,
  OnlineStoreError,
  OnlineStoreUnavailableError,
  OnlineStoreInvalidError,
  OnlineWatermarkConflictError,
  OnlineStoreClosedError,
} from './online-errors.js';
