export {
  StrataError,
  isStrataError,
  ErrorCategory,
  CoreErrorCode,
  InvalidArgumentError,
  asError,
  type ErrorCodeSet,
  type ErrorDetails,
  type StrataErrorOptions,
} from './errors.js';
export { STRATA_VERSION, ENGINE_INFO } from './version.js';
export { silentProgress, type ProgressReporter } from './progress.js';
export { formatBytes } from './format.js';
