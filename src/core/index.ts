export {
  StrataError,
  isStrataError,
  moduleErrorBase,
  ErrorCategory,
  CoreErrorCode,
  InvalidArgumentError,
  asError,
  type ErrorCodeSet,
  type ErrorDetails,
  type StrataErrorOptions,
} from './errors.js';
export { libraryPhrase, remedyOf, type Remedy } from './remedy.js';
export { STRATA_VERSION, ENGINE_INFO } from './version.js';
export { silentProgress, type ProgressReporter } from './progress.js';
export { formatBytes, jsonTypePhrase, describeJsonValue, escapeRegExp } from './format.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { Cache, type CacheOptions } from './cache.js';
export { seededRandom } from './seeded-random.js';
export { connectSocket } from './socket-connect.js';
export type { JsonValue, JsonObject, DeepReadonly } from './types.js';
export {
  createLogger,
  silentLogger,
  redactQuerySecrets,
  redactSecretsInLine,
  LOG_LEVELS,
  LOG_FORMATS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogFormat,
} from './logger.js';
